/**
 * Asking V8 for garbage collections it would otherwise put off. `gc` exists because
 * runtime_flags.ts passes --expose-gc; where it does not (tests run with -A only), these
 * do nothing.
 *
 * @module
 */

type Gc = (options: {
  type: "major";
  execution: "async" | "sync";
  flavor?: "regular" | "last-resort";
}) => void;

function gc(): Gc | undefined {
  return (globalThis as { gc?: Gc }).gc;
}

const EVERY_ROWS = 100_000;

/**
 * Starts a full collection that runs alongside the program, once every 100,000 rows
 * counted. A long load makes garbage that survives the young generation, and V8 lets the
 * old generation grow far before it collects: memory rose with file size (1M rows 175 MB,
 * 4M rows 240 MB, and rising). This keeps it flat (4M rows: 170 MB), at no measurable cost
 * in time. Every 100,000 rows rather than 500,000: 15 MB less at the peak of the messy
 * benchmark's 1M rows, the same CPU time (measured in pairs). One per thread that handles rows.
 */
export class RowCollector {
  #rows = 0;

  count(rows: number): void {
    this.#rows += rows;
    if (this.#rows < EVERY_ROWS) return;
    this.#rows = 0;
    gc()?.({ type: "major", execution: "async" });
  }
}

/** A full collection now that also gives the heap V8 grew back to the system. */
export function collectAllNow(): void {
  gc()?.({ type: "major", execution: "sync", flavor: "last-resort" });
}

/** Starts a full collection that runs alongside the program (see RowCollector for why). */
export function collectSoon(): void {
  gc()?.({ type: "major", execution: "async" });
}
