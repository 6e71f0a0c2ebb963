/**
 * How prepared rows reach a backend, whichever it is: one flat array of values, the
 * table's columns in schema order, then — for a table without a key — a hash of the row's
 * values, unique, so that whole-row duplicates drop.
 *
 * @module
 */
import type { TableSchema } from "../../config/table_schema.ts";

/** The column of a keyless table that holds the hash of the row's values. */
export const ROW_HASH = "_row_hash";

/** The columns an insert fills, in the order prepared rows carry them. */
export function insertColumns(schema: TableSchema): string[] {
  const columns = Object.keys(schema.columns);
  return schema.key ? columns : [...columns, ROW_HASH];
}

/** The columns that decide which rows are duplicates: the key, or the row hash. */
export function keyColumns(schema: TableSchema): string[] {
  return schema.key ?? [ROW_HASH];
}

/** The unique index that enforces a table's key (or its row hash). */
export function keyIndexName(table: string): string {
  return `${table}__key`;
}
