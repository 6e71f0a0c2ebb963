/**
 * An independent model of what a step does to a table, written from the rules the analyst
 * reads (docs/configuration.md "key and keep", docs/cli.md "Counts"), not from the loader:
 * plain TypeScript over a Map, one row at a time, in file order. The property tests check
 * the real loader and the real pipeline against it.
 *
 * @module
 */

/** A value as the table holds it: text, a number, or empty. */
export type ModelValue = string | number | null;

/** The parts of a table definition the keep rules read. */
export interface ModelTable {
  columns: string[];
  /** Without a key, rows identical in every column are duplicates (the first stays). */
  key?: string[];
  keep: "first" | "last" | "latest";
  orderBy?: string;
  /** Orders two non-empty order_by values: negative when `a` comes before `b`. */
  compare?: (a: ModelValue, b: ModelValue) => number;
  /** Whether two values of a column are the same value (2 and 2.0, two forms of one instant). */
  same?: (column: string, a: ModelValue, b: ModelValue) => boolean;
}

/** A row of the model's table, with the system columns the docs promise. */
export interface ModelRow {
  values: ModelValue[];
  source: string;
  runId: number;
}

/** The counts a step reports besides read and rejected. */
export interface ModelCounts {
  inserted: number;
  updated: number;
  duplicate: number;
}

/** Text orders by Unicode code point, numbers by value: as SQLite's BINARY collation does. */
export function naturalOrder(a: ModelValue, b: ModelValue): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  const x = [...String(a)].map((c) => c.codePointAt(0)!);
  const y = [...String(b)].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i]! - y[i]!;
  }
  return x.length - y.length;
}

/** The table, as the documented rules say it must be after each step. */
export class DedupeModel {
  readonly table: ModelTable;
  /** Key → row, in the order the rows were first inserted (replacing keeps the place). */
  readonly rows: Map<string, ModelRow>;

  constructor(table: ModelTable, rows = new Map<string, ModelRow>()) {
    this.table = table;
    this.rows = rows;
  }

  /** A copy to run a step on that may not count (a dry run, a step that fails). */
  clone(): DedupeModel {
    return new DedupeModel(this.table, new Map(this.rows));
  }

  /** Applies one step's valid rows, in file order, and returns its counts. */
  step(rows: readonly ModelValue[][], source: string, runId: number): ModelCounts {
    const { columns, key, keep, orderBy } = this.table;
    const same = this.table.same ?? ((_c: string, a: ModelValue, b: ModelValue) => a === b);
    const compare = this.table.compare ?? naturalOrder;
    const keyIndexes = (key ?? columns).map((name) => columns.indexOf(name));
    const otherIndexes = key ? columns.flatMap((name, i) => (key.includes(name) ? [] : [i])) : [];
    const order = orderBy === undefined ? -1 : columns.indexOf(orderBy);
    const storedBefore = new Set(this.rows.keys());
    const replacedStored = new Set<string>();
    const counts = { inserted: 0, updated: 0, duplicate: 0 };
    for (const values of rows) {
      // key values in the tests are text and integers, equal when exactly equal
      const id = JSON.stringify(keyIndexes.map((i) => values[i]));
      const current = this.rows.get(id);
      if (!current) {
        this.rows.set(id, { values: [...values], source, runId });
        counts.inserted++;
        continue;
      }
      // keep: which row stays (configuration.md, "key and keep")
      let incomingWins: boolean;
      if (!key || keep === "first") incomingWins = false;
      else if (keep === "last") incomingWins = true;
      else {
        const stored = current.values[order]!;
        const incoming = values[order]!;
        // an empty order_by never beats a value; a row without one is replaced by any row
        incomingWins = stored === null || (incoming !== null && compare(incoming, stored) >= 0);
      }
      // a row identical to the one it would replace changes nothing: a duplicate
      const differs = otherIndexes.some((i) => !same(columns[i]!, current.values[i]!, values[i]!));
      if (incomingWins && differs) {
        this.rows.set(id, { values: [...values], source, runId });
        // updated: stored rows this step replaced, each once however often
        if (storedBefore.has(id) && !replacedStored.has(id)) {
          replacedStored.add(id);
          counts.updated++;
          continue;
        }
      }
      counts.duplicate++;
    }
    return counts;
  }
}
