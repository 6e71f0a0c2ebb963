/**
 * The keys a load has sent so far, to tell a row whose key is new: such a row of a table
 * the step created goes straight into it, before its key index exists (pg_table_loader.ts),
 * the others are staged and merged. (SQLite does not pay for it: there the staged rows then
 * replace rows stored in file order, a page somewhere each; measured slower than staging.) Each key is kept as a 32-bit hash in an open-addressing table of at most
 * MAX_SLOTS slots (8 MB): two equal keys always hash alike, so a repeat is never missed;
 * two different keys that hash alike (about 1 in 4,000 of a million keys), or a full table,
 * only stage a row that could have gone straight.
 *
 * The values are compared as JavaScript text (numbers by their digits): the loader uses it
 * only for key types PostgreSQL compares the same way.
 *
 * @module
 */
import type { TableSchema } from "../../../config/table_schema.ts";
import type { Stored } from "../../transform/validate_column.ts";
import { insertColumns, keyColumns } from "../row_layout.ts";

const FIRST_SLOTS = 1 << 16;
const MAX_SLOTS = 1 << 21;
// keys per slot before the table grows (or, at MAX_SLOTS, is full)
const LOAD = 0.75;

/** Where a row's key values are among its insert columns (the row hash of a keyless table). */
export function keyPositions(schema: TableSchema): number[] {
  const columns = insertColumns(schema);
  return keyColumns(schema).map((name) => columns.indexOf(name));
}

/** Keys seen, by hash; see the module comment. */
export class KeySet {
  readonly #positions: readonly number[];
  readonly #maxSlots: number;
  /** A 32-bit hash per slot; 0 is a free slot (a hash is never 0). */
  #slots: Uint32Array;
  #mask: number;
  #count = 0;

  constructor(positions: readonly number[], maxSlots = MAX_SLOTS) {
    this.#positions = positions;
    this.#maxSlots = maxSlots;
    const first = Math.min(FIRST_SLOTS, maxSlots);
    this.#slots = new Uint32Array(first);
    this.#mask = first - 1;
  }

  /** Keys taken so far. */
  get size(): number {
    return this.#count;
  }

  /**
   * Takes the key of the row at `offset` of `values`: true when it is surely new, false
   * when it may have been taken before, or no longer fits (it is not taken then). Keys are
   * compared as the server stores them (UTF-8: a lone surrogate is U+FFFD).
   */
  add(values: readonly Stored[], offset: number): boolean {
    // FNV-1a of the key's code units
    let h = 0x811c9dc5;
    for (let k = 0; k < this.#positions.length; k++) {
      const value = values[offset + this.#positions[k]!];
      // as the server will have it: a lone surrogate is written as U+FFFD ("x\ud800" and
      // "x\ufffd" are one key there, whichever comes first)
      const raw = typeof value === "string" ? value : String(value);
      const text = raw.isWellFormed() ? raw : raw.toWellFormed(); // no copy of most keys
      for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
      // between the values of a composite key: ("ab", "c") is not ("a", "bc")
      h = Math.imul(h ^ 0x1ffff, 0x01000193);
    }
    // a final mix, so that the low bits that pick the slot depend on every unit
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = (h | 1) >>> 0;
    if (this.#count + 1 > (this.#mask + 1) * LOAD && !this.#grow()) return false;
    const slots = this.#slots;
    for (let i = h & this.#mask;; i = (i + 1) & this.#mask) {
      const slot = slots[i]!;
      if (slot === 0) {
        slots[i] = h;
        this.#count++;
        return true;
      }
      if (slot === h) return false;
    }
  }

  /** Doubles the table; false when it is at its largest. */
  #grow(): boolean {
    const size = (this.#mask + 1) * 2;
    if (size > this.#maxSlots) return false;
    const old = this.#slots;
    const slots = new Uint32Array(size);
    const mask = size - 1;
    for (const h of old) {
      if (h === 0) continue;
      let i = h & mask;
      while (slots[i] !== 0) i = (i + 1) & mask;
      slots[i] = h;
    }
    this.#slots = slots;
    this.#mask = mask;
    return true;
  }
}
