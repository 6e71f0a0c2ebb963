/**
 * Merging staged rows into a table that has rows holds little memory: one statement for
 * all of them kept a copy of every page it changed (its statement journal is in memory
 * during a step), 315 MB on a reload of 1M rows (review of the staging commit).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { parseTableSchema } from "../../../config/load_table_schemas.ts";
import type { Stored } from "../../transform/validate_column.ts";
import { SqliteStore } from "./sqlite_store.ts";

/** The process's peak resident memory so far, in MB (Linux). */
function peakMb(): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  return Number(/VmHWM:\s+(\d+)/.exec(status)![1]) / 1024;
}

/** Loads every key once, in a shuffled order, with `note` in each row; returns the loader. */
const SCHEMA = parseTableSchema(
  "columns:\n  k: { type: text }\n  note: { type: text }\nkey: [k]\nkeep: last\n",
  "schema/t.yaml",
  "t",
);

function load(store: SqliteStore, runId: number, note: string, rows: number, wide: string) {
  const loader = store.loader(SCHEMA, { source: "s", runId, loadedAt: "2026-11-30" }, "always");
  // a fixed shuffle of the keys, made a batch at a time: the test's own memory stays small
  for (let start = 0; start < rows; start += 5000) {
    const values: Stored[] = [];
    for (let i = start; i < start + 5000; i++) {
      values.push(`k${(i * 7919) % rows}`, `${note}${i}${wide}`);
    }
    loader.insert(values);
  }
  return loader;
}

// ~70 MB and ~120 MB of rows: the copy a whole-table journal would hold. Wide rows are
// merged in runs of fewer rows (at 20,000 a run, 3 KB rows raised the peak by 87 MB).
for (const [ROWS, width] of [[200_000, 300], [40_000, 3000]] as const) {
  const WIDE = "x".repeat(width);
  Deno.test({
    name: `a staged reload of ${
      ROWS.toLocaleString("en-US")
    } changed rows of ${width} bytes merges without a copy of the table in memory`,
    ignore: Deno.build.os !== "linux",
    fn: async () => {
      const dir = await Deno.makeTempDir();
      const store = SqliteStore.open(join(dir, "plutus.db"));
      try {
        store.begin();
        store.applyTable(SCHEMA, store.planTable(SCHEMA));
        assert.deepEqual(load(store, 1, "a", ROWS, WIDE).counts(ROWS), {
          inserted: ROWS,
          updated: 0,
          duplicate: 0,
        });
        store.commit();
        store.begin();
        const loader = load(store, 2, "b", ROWS, WIDE);
        const before = peakMb();
        assert.deepEqual(loader.counts(ROWS), { inserted: 0, updated: ROWS, duplicate: 0 });
        const grown = peakMb() - before;
        store.commit();
        assert.ok(grown < 30, `the merge raised the peak by ${grown.toFixed(0)} MB`);
      } finally {
        store.close();
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}
