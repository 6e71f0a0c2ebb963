/**
 * A trap add-source can see before anything is loaded: a file that repeats a key on
 * several rows and fills the other columns only on the first, as exports with one row per
 * line item do (Shopify orders: the order's total, status and customer on its first line
 * only). With `keep: last` (or `latest` on a tie) the later, emptier row would replace
 * the first, and the order's values would be lost without a single reject.
 *
 * @module
 */
import type { TableSchema } from "../schema/table_schema.ts";
import { type Cell, emptyToNull } from "./transform/cell.ts";

const isEmpty = (cell: Cell | undefined) => emptyToNull(cell ?? null) === null;

/**
 * Looks for two rows with the same key where the later one leaves empty a mapped column
 * the earlier one filled; returns what to tell the analyst, or undefined.
 * `columns` maps table columns to their index in the file's header.
 */
export function repeatedKeyWarning(
  table: TableSchema,
  columns: ReadonlyMap<string, number>,
  rows: readonly { line: number; cells: readonly Cell[] }[],
): string | undefined {
  const key = table.key;
  if (!key || table.keep === "first") return undefined;
  const keyIndexes = key.map((column) => columns.get(column));
  if (keyIndexes.some((index) => index === undefined)) return undefined;
  const others = Object.keys(table.columns).filter((column) =>
    !key.includes(column) && columns.has(column)
  ).map((column) => [column, columns.get(column)!] as const);
  const firstRow = new Map<string, { line: number; cells: readonly Cell[] }>();
  for (const row of rows) {
    const keyCells = keyIndexes.map((index) => row.cells[index!]);
    if (keyCells.some(isEmpty)) continue;
    const id = JSON.stringify(keyCells);
    const first = firstRow.get(id);
    if (!first) {
      firstRow.set(id, row);
      continue;
    }
    // keep: latest lets a row without an order_by value replace nothing
    const orderBy = table.order_by === undefined ? undefined : columns.get(table.order_by);
    if (table.keep === "latest" && (orderBy === undefined || isEmpty(row.cells[orderBy]))) {
      continue;
    }
    const emptied = others.filter(([, index]) =>
      !isEmpty(first.cells[index]) && isEmpty(row.cells[index])
    ).map(([column]) => column);
    if (emptied.length === 0) continue;
    const keyText = key.length === 1
      ? `${key[0]} ${JSON.stringify(String(keyCells[0]))}`
      : `(${key.join(", ")}) ${JSON.stringify(keyCells.map(String))}`;
    return `lines ${first.line} and ${row.line} share the key ${keyText}, and line ${row.line} ` +
      `leaves ${emptied.join(", ")} empty: with keep: ${table.keep} (${table.file}) the later ` +
      `row replaces the first and those values are lost. A file with one row per line item ` +
      `(a Shopify orders export, for one) wants keep: first in ${table.file}, or a key that ` +
      `names the line too.`;
  }
  return undefined;
}
