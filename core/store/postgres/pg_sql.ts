/**
 * SQL text for PostgreSQL: quoting, the column types of the schema model, and rows in
 * COPY's text format.
 *
 * @module
 */
import type { ColumnType } from "../../../config/table_schema.ts";
import type { Stored } from "../../transform/validate_column.ts";
import { StoreError } from "../../../util/errors.ts";

/** How PostgreSQL stores each column type (docs/configuration.md, "Types"). */
export const PG_TYPES: Record<ColumnType, string> = {
  text: "text",
  email: "text",
  url: "text",
  integer: "bigint",
  decimal: "numeric",
  boolean: "boolean",
  date: "date",
  datetime: "timestamptz",
};

/** The name information_schema gives each type above, to compare a table with its schema. */
export const PG_TYPE_NAMES: Record<string, string> = {
  text: "text",
  bigint: "bigint",
  numeric: "numeric",
  boolean: "boolean",
  date: "date",
  timestamptz: "timestamp with time zone",
};

/** Quotes an identifier: `"order id"`, with inner quotes doubled. */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A table name qualified by its schema. */
export function qualified(schema: string, table: string): string {
  return `${ident(schema)}.${ident(table)}`;
}

/** Quotes a text literal (standard_conforming_strings is on since PostgreSQL 9.1). */
export function literal(value: string | number): string {
  return typeof value === "number" ? String(value) : `'${value.replaceAll("'", "''")}'`;
}

// COPY's text format: backslash, tab, newline and carriage return are escaped; \N is NULL.
const SPECIAL = /[\\\t\n\r]/;
const SPECIALS = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };

/** One value in COPY text format. */
export function copyValue(value: Stored | bigint): string {
  if (value === null) return "\\N";
  if (typeof value === "number") {
    // COPY cannot read NaN into bigint, nor Infinity into a numeric of PostgreSQL < 14
    if (!Number.isFinite(value)) {
      throw new StoreError(`PostgreSQL cannot store the number ${value} in this column`, {
        code: "db_value",
        hint: "Check the source's number columns and their clean rules.",
      });
    }
    return String(value);
  }
  if (typeof value === "bigint") return String(value);
  // a NUL byte cannot be stored in PostgreSQL text at all
  if (value.includes("\0")) {
    throw new StoreError("a value contains a NUL character (\\0), which PostgreSQL cannot store", {
      code: "db_value",
      hint: "Remove the character in the source, or with a replace clean rule on that column.",
    });
  }
  return SPECIAL.test(value) ? value.replace(SPECIALS, (c) => ESCAPES[c]!) : value;
}

/**
 * Rows given as one flat array, `width` values each, in COPY text format; each row starts
 * with its ordinal (`firstOrdinal`, then one more each row written), unless none is
 * given, and ends with `tail` (more values, in COPY text already). With `only`, just the
 * rows whose byte in `only.rows` is `only.value` are written (no copy of the others).
 */
export function copyRows(
  values: readonly Stored[],
  width: number,
  firstOrdinal?: number,
  tail = "",
  only?: { rows: Uint8Array; value: number },
): string {
  // one string grown value by value (V8 keeps it as a rope until it is read): ~2.5× faster
  // than a line per row and a call per value, and this runs on the loader's thread for
  // every row of every file
  let text = "";
  let ordinal = firstOrdinal ?? 0;
  const numbered = firstOrdinal !== undefined;
  const end = tail + "\n";
  for (let offset = 0, row = 0; offset < values.length; offset += width, row++) {
    if (only && only.rows[row] !== only.value) continue;
    if (numbered) text += ordinal++;
    for (let i = offset; i < offset + width; i++) {
      const value = values[i]!;
      // one concatenation per value: a separate one for the tab made the load ~1 s slower
      const tab = i === offset && !numbered ? "" : "\t";
      if (typeof value === "string" && !SPECIAL_OR_NUL.test(value)) text += tab + value;
      else text += tab + copyValue(value);
    }
    text += end;
  }
  return text;
}

const SPECIAL_OR_NUL = /[\\\t\n\r\0]/;
