/**
 * A set of rowids, counting its members: one bit per rowid from 0 up to the table's highest
 * one before the step (4M stored rows: 0.5 MB), so counting the rows a step replaced stays
 * flat however many it replaces. Rowids outside that range — set by hand in another SQL
 * tool: negative, or past the bitmap's bound — go into a plain Set.
 *
 * @module
 */

// 2^28 rowids: a 32 MB bitmap at most.
const BITMAP_BOUND = 2 ** 28;

/** Rowids, each counted once however often it is added. */
export class RowidSet {
  readonly #bits: Uint8Array;
  readonly #other = new Set<number>();
  #size = 0;

  constructor(highest: number) {
    const top = Math.min(Math.max(highest, 0), BITMAP_BOUND);
    this.#bits = new Uint8Array(Math.floor(top / 8) + 1);
  }

  /** Adds a rowid; adding it again changes nothing. */
  add(rowid: number): void {
    const bits = this.#bits;
    if (Number.isInteger(rowid) && rowid >= 0 && rowid < bits.length * 8) {
      const mask = 1 << (rowid & 7);
      const byte = bits[rowid >> 3]!;
      if ((byte & mask) === 0) {
        bits[rowid >> 3] = byte | mask;
        this.#size++;
      }
    } else if (!this.#other.has(rowid)) {
      this.#other.add(rowid);
      this.#size++;
    }
  }

  /** How many distinct rowids were added. */
  get size(): number {
    return this.#size;
  }
}
