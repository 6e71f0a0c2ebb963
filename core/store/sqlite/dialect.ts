/**
 * How SQLite is spoken: identifiers and literals, the storage type of each logical column
 * type, and the keep rule as an UPSERT conflict clause. The one place of these for SQLite.
 *
 * @module
 */
import type { ColumnSchema, TableSchema } from "../../../config/table_schema.ts";
import { COLUMN_TYPES, type LogicalType } from "../../../config/column_types.ts";
import { keyColumns } from "../row_layout.ts";

/** Quotes an identifier for SQLite: `"order id"`, with inner quotes doubled. */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes a text literal for SQLite. */
export function literal(value: string | number): string {
  return typeof value === "number" ? String(value) : `'${value.replaceAll("'", "''")}'`;
}

/**
 * What SQLite stores each logical type as (STRICT tables): booleans as 0/1, dates as
 * `YYYY-MM-DD`, datetimes as UTC text `YYYY-MM-DDTHH:MM:SS[.fff]Z`, so that any SQL tool
 * sorts and compares them right.
 */
const STORAGE_TYPES: Record<LogicalType, string> = {
  text: "TEXT",
  integer: "INTEGER",
  decimal: "REAL",
  boolean: "INTEGER",
  date: "TEXT",
  datetime: "TEXT",
};

/** The SQLite type a column of the schema is stored as. */
export function storageType(column: Pick<ColumnSchema, "type">): string {
  return STORAGE_TYPES[COLUMN_TYPES[column.type]];
}

/**
 * The dedupe rule as SQL. first: the stored (or earlier) row stays. last: the incoming row
 * replaces it. latest: it replaces it when its order_by is greater or equal (ties go to the
 * incoming row; a missing order_by never wins). An update happens only when some value
 * differs, so a re-sent identical row counts as a duplicate, not an update. `mark`, a SQL
 * function of (rowid, value), is called by the SET list, so for each row replaced and only
 * then; it returns the `_loaded_at` it is given (the loader counts replaced rows with it).
 */
export function conflictClause(schema: TableSchema, mark?: string): string {
  const key = keyColumns(schema);
  const target = ` ON CONFLICT (${key.map(ident).join(", ")})`;
  const others = Object.keys(schema.columns).filter((name) => !key.includes(name));
  if (!schema.key || schema.keep === "first" || others.length === 0) return `${target} DO NOTHING`;
  const table = ident(schema.name);
  const loadedAt = mark === undefined
    ? "excluded._loaded_at"
    : `${mark}(${table}.rowid, excluded._loaded_at)`;
  const set = [...others, "_source", "_run_id"]
    .map((name) => `${ident(name)} = excluded.${ident(name)}`)
    .concat(`"_loaded_at" = ${loadedAt}`).join(", ");
  const differs = others.map((name) => `${table}.${ident(name)} IS NOT excluded.${ident(name)}`)
    .join(" OR ");
  let where = `(${differs})`;
  if (schema.keep === "latest") {
    const order = ident(schema.order_by!);
    where = `(excluded.${order} >= ${table}.${order} OR ${table}.${order} IS NULL) AND ${where}`;
  }
  return `${target} DO UPDATE SET ${set} WHERE ${where}`;
}
