/**
 * Brings datetimes stored by earlier versions (`2026-11-16T11:45:00`, `…T07:00:12.459Z`,
 * `…-05:00`: text as the source wrote it) into the one stored form, UTC with milliseconds
 * (core/transform/utc_datetime.ts), so that old and new rows compare as instants. It runs
 * once per database, on the first run of a version that stores UTC, in one transaction:
 * either every value is converted, or none is and the error says which value stopped it.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { errorMessage, PlutusError, StoreError } from "../../../util/errors.ts";
import type { TableSchema } from "../../../config/table_schema.ts";
import { isValid, parseIso } from "../../transform/clean/parse_date.ts";
import { storedRowHash } from "../../transform/row_preparer.ts";
import { compileToUtc, DATETIME_GLOB } from "../../transform/utc_datetime.ts";
import type { Stored } from "../../transform/validate_column.ts";
import { ident } from "./dialect.ts";
import { ROW_HASH } from "../row_layout.ts";
import type { DatetimeConversion } from "../mod.ts";

/** The _plutus_meta key that records the conversion, and its value. */
const MARKER = { key: "datetime_form", value: "utc_ms" } as const;

/**
 * Converts the datetime columns of the tables the schema files describe, unless this
 * database has been converted before; returns what changed (nothing on later runs).
 * Values with an offset become that instant; values without one are read in `timeZone`.
 */
export function convertStoredDatetimes(
  db: DatabaseSync,
  tables: Iterable<TableSchema>,
  timeZone: string,
): DatetimeConversion[] {
  const done = db.prepare("SELECT value FROM _plutus_meta WHERE key = ?").get(MARKER.key);
  if (done) return [];
  const toUtc = compileToUtc(timeZone);
  const changes: DatetimeConversion[] = [];
  db.exec("BEGIN IMMEDIATE");
  try {
    for (const schema of tables) changes.push(...convertTable(db, schema, toUtc));
    db.prepare("INSERT INTO _plutus_meta (key, value) VALUES (?, ?)").run(
      MARKER.key,
      MARKER.value,
    );
    db.exec("COMMIT");
  } catch (error) {
    if (db.isTransaction) db.exec("ROLLBACK");
    if (error instanceof PlutusError) throw error;
    throw new StoreError(`could not convert stored datetimes to UTC: ${errorMessage(error)}`, {
      code: "datetime_migration",
      hint: "Nothing was changed. Check that the disk has free space, then run again.",
      cause: error,
    });
  }
  return changes.filter((change) => change.values > 0);
}

function convertTable(
  db: DatabaseSync,
  schema: TableSchema,
  toUtc: ReturnType<typeof compileToUtc>,
): DatetimeConversion[] {
  const existing = new Set(
    db.prepare(`SELECT name FROM pragma_table_info(?)`).all(schema.name).map((row) =>
      String(row.name)
    ),
  );
  const columns = Object.entries(schema.columns)
    .filter(([name, column]) => column.type === "datetime" && existing.has(name))
    .map(([name]) => name);
  const table = ident(schema.name);
  const changedRows = new Set<number>();
  const changes = columns.map((column) => {
    const rows = db.prepare(
      `SELECT rowid AS id, ${ident(column)} AS value FROM ${table}
       WHERE ${ident(column)} IS NOT NULL AND ${ident(column)} NOT GLOB '${DATETIME_GLOB}'`,
    ).all() as { id: number; value: unknown }[];
    const update = db.prepare(`UPDATE ${table} SET ${ident(column)} = ? WHERE rowid = ?`);
    for (const { id, value } of rows) {
      const parts = typeof value === "string" ? parseIso(value.trim()) : undefined;
      const utc = parts && isValid(parts) ? toUtc(parts) : undefined;
      if (utc === undefined) throw unreadable(schema, column, id, value);
      try {
        update.run(utc, id);
      } catch (error) {
        throw collision(schema, column, value, utc, error);
      }
      changedRows.add(id);
    }
    return { table: schema.name, column, values: rows.length };
  });
  // A keyless table drops whole-row duplicates by a hash of the stored values: rows whose
  // values changed need the hash a new row with the same values would get.
  if (!schema.key && existing.has(ROW_HASH) && changedRows.size > 0) {
    const names = Object.keys(schema.columns).filter((name) => existing.has(name));
    const select = db.prepare(
      `SELECT ${names.map(ident).join(", ")} FROM ${table} WHERE rowid = ?`,
    );
    const update = db.prepare(`UPDATE ${table} SET ${ROW_HASH} = ? WHERE rowid = ?`);
    for (const id of changedRows) {
      const row = select.get(id) as Record<string, Stored>;
      const values = names.map((name) => row[name] ?? null);
      try {
        update.run(storedRowHash(names, values), id);
      } catch (error) {
        throw collision(schema, ROW_HASH, null, null, error);
      }
    }
  }
  return changes;
}

function unreadable(schema: TableSchema, column: string, id: number, value: unknown): StoreError {
  return new StoreError(
    `could not convert stored datetimes to UTC: table ${schema.name}, row ${id}, column ${column} holds ${
      JSON.stringify(value)
    }, which is not a date and time; nothing was changed`,
    {
      code: "datetime_migration",
      location: schema.file,
      hint:
        `Correct or clear that value with the sqlite3 shell (UPDATE ${schema.name} SET ${column} = NULL WHERE rowid = ${id}), then run again.`,
    },
  );
}

function collision(
  schema: TableSchema,
  column: string,
  value: unknown,
  utc: string | null,
  error: unknown,
): StoreError {
  const what = utc === null
    ? "two rows become the same row once their datetimes are in UTC"
    : `${
      JSON.stringify(value)
    } in column ${column} is ${utc}, the same instant as a row already stored with the same key`;
  return new StoreError(
    `could not convert stored datetimes to UTC in table ${schema.name}: ${what}; nothing was changed (${
      errorMessage(error)
    })`,
    {
      code: "datetime_migration",
      location: schema.file,
      hint:
        `The two rows are duplicates written with different offsets: delete one of them with the sqlite3 shell, then run again.`,
      cause: error,
    },
  );
}
