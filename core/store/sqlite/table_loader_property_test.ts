/**
 * The loader against the documented keep rules and counts (tests/dedupe_model.ts), on
 * random steps: keys repeated 1–10 times in random order, empty and tied order_by values
 * of four types, two sources, steps that roll back (a dry run, a failed step) and steps
 * that send an earlier step's rows again. fast-check prints the seed of a failure.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseTableSchema } from "../../../config/load_table_schemas.ts";
import { DedupeModel, type ModelTable, type ModelValue } from "../../../tests/dedupe_model.ts";
import { caseArbitrary, schemaText } from "../../../tests/loader_cases.ts";
import type { Stored } from "../../transform/validate_column.ts";
import { SqliteStore } from "./sqlite_store.ts";

// Staged rows are merged a few at a time, so that runs split the rows of a key.
const MERGE_ROWS = 3;

for (const stage of ["never", "always"] as const) {
  Deno.test(`loader${stage === "always" ? ", rows staged and merged in key order" : ""}: every step's table and counts equal the documented keep rules (property)`, () => {
    const store = SqliteStore.open(":memory:"); // no fsync per step: hundreds of cases fit
    let tableNumber = 0;
    try {
      fc.assert(
        fc.property(caseArbitrary, (c) => {
          const name = `t${++tableNumber}`;
          const schema = parseTableSchema(schemaText(c), `schema/${name}.yaml`, name);
          const columns = Object.keys(schema.columns);
          const modelTable: ModelTable = {
            columns,
            key: schema.key,
            keep: c.keep,
            orderBy: schema.order_by,
          };
          const model = new DedupeModel(modelTable);
          store.begin();
          store.applyTable(schema, store.planTable(schema));
          store.commit();
          c.steps.forEach((step, index) => {
            const runId = index + 1;
            // now and then the rows of an earlier step, sent again
            const earlier = step.again === undefined ? undefined : c.steps[step.again];
            const rows = earlier && step.again! < index ? earlier.rows : step.rows;
            const expected = step.commit ? model : model.clone();
            const want = expected.step(rows, step.source, runId);
            store.begin();
            let got;
            try {
              const loader = store.loader(
                schema,
                {
                  source: step.source,
                  runId,
                  loadedAt: "2026-11-26T10:00:00Z",
                },
                stage,
                MERGE_ROWS,
              );
              loader.insert(rows.flat() as Stored[]);
              got = loader.counts(rows.length);
            } finally {
              if (!step.commit || got === undefined) store.rollback();
            }
            if (step.commit) store.commit();
            assert.deepEqual(got, want, `counts of step ${runId}`);
            const stored = store.db.prepare(
              `SELECT ${columns.join(", ")}, _source, _run_id FROM ${name} ORDER BY rowid`,
            ).all().map((row) => {
              const values = columns.map((column) => row[column] as ModelValue);
              return { values, source: row._source, runId: row._run_id };
            });
            // staged new rows are stored in key order, not in the order they came
            const inOrder = (rows: unknown[]) =>
              stage === "never" ? rows : rows.map((row) => JSON.stringify(row)).sort();
            assert.deepEqual(
              inOrder(stored),
              inOrder([...model.rows.values()]),
              `table after step ${runId}`,
            );
          });
        }),
        { numRuns: 300 },
      );
    } finally {
      store.close();
    }
  });
}
