/**
 * Keys repeated within one file, two traps. Before anything is loaded, add-source can see
 * a file that repeats a key on several rows and fills the other columns only on the
 * first, as exports with one row per line item do (Shopify orders: the order's total,
 * status and customer on its first line only). With `keep: last` (or `latest` on a tie)
 * the later, emptier row would replace the first, and the order's values would be lost
 * without a single reject. And while loading, a key that merges most of a file's rows
 * (three days per campaign under a key without the date) is said loudly, naming the key.
 *
 * @module
 */
import { formatCount } from "../../util/list_text.ts";
import type { TableSchema } from "../../config/table_schema.ts";
import { type Cell, emptyToNull } from "../transform/cell.ts";

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

// Up to this many distinct keys a step's repeats are counted exactly, by 53-bit hashes (a
// collision among 100,000 keys has a chance below one in a million; the keys themselves are
// not kept, as they would hold their batches' text alive); beyond, they are estimated with
// a HyperLogLog sketch (16 KB, about 1% off), so memory stays flat.
const EXACT_KEYS = 100_000;
const REGISTER_BITS = 14;

/** Counts a step's rows and how many of them repeat the key of an earlier row of the step. */
export class KeyRepeatCounter {
  rows = 0;
  #exact: Set<number> | undefined = new Set();
  readonly #registers = new Uint8Array(1 << REGISTER_BITS);

  /** Counts one row by its key, given as one string. */
  add(key: string): void {
    this.rows++;
    const a = fnv1a(key, 0x811c9dc5);
    if (this.#exact) {
      // a second hash with another offset makes 53 bits
      this.#exact.add(a * 0x200000 + (fnv1a(key, 0x050c5d1f) >>> 11));
      if (this.#exact.size > EXACT_KEYS) this.#exact = undefined;
    }
    const index = a >>> (32 - REGISTER_BITS);
    const rest = (a << REGISTER_BITS) >>> 0;
    const rank = rest === 0 ? 32 - REGISTER_BITS + 1 : Math.clz32(rest) + 1;
    if (rank > this.#registers[index]!) this.#registers[index] = rank;
  }

  /** The rows that repeat an earlier row's key, and whether that number is exact. */
  repeats(): { repeats: number; exact: boolean } {
    if (this.#exact) return { repeats: this.rows - this.#exact.size, exact: true };
    return { repeats: Math.max(0, this.rows - Math.round(this.#estimate())), exact: false };
  }

  #estimate(): number {
    const m = this.#registers.length;
    let sum = 0;
    let zeros = 0;
    for (const rank of this.#registers) {
      sum += 2 ** -rank;
      if (rank === 0) zeros++;
    }
    const raw = (0.7213 / (1 + 1.079 / m)) * m * m / sum;
    return raw <= 2.5 * m && zeros > 0 ? m * Math.log(m / zeros) : raw;
  }
}

/** FNV-1a over UTF-16 code units, mixed by murmur3's finaliser so that every bit counts. */
function fnv1a(text: string, offset: number): number {
  let h = offset;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * The warning for a step where more than half of the rows read repeat the key of an
 * earlier row of the same file: they were merged, one row per key, which is right for
 * repeated exports of one record and wrong for rows that are records of their own.
 */
export function mergedKeysWarning(
  table: TableSchema,
  rowsRead: number,
  counted: { repeats: number; exact: boolean },
): string | undefined {
  const key = table.key;
  if (!key || counted.repeats * 2 <= rowsRead) return undefined;
  const about = counted.exact ? "" : "about ";
  const share = Math.round((counted.repeats / rowsRead) * 100);
  return `${about}${formatCount(counted.repeats)} of ${formatCount(rowsRead)} rows (${share}%) ` +
    `repeat the key [${key.join(", ")}] of an earlier row of this file and were merged into ` +
    `one row per key (keep: ${table.keep}). If those rows are records of their own (one per ` +
    `day, per line item), the key in ${table.file} needs the column that tells them apart.`;
}
