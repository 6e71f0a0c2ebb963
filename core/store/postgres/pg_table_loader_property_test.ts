/**
 * The PostgreSQL loader against the documented keep rules and counts (tests/dedupe_model.ts),
 * on the same random cases as the SQLite loader (tests/loader_cases.ts): keys repeated 1–10
 * times in random order, empty and tied order_by values of four types, two sources, steps
 * that roll back and steps that send an earlier step's rows again. fast-check prints the
 * seed of a failure.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseTableSchema } from "../../../config/load_table_schemas.ts";
import { DedupeModel, type ModelRow, type ModelTable } from "../../../tests/dedupe_model.ts";
import { caseArbitrary, schemaText } from "../../../tests/loader_cases.ts";
import { freshDatabase, pgMissing } from "../../../tests/pg_server.ts";
import type { Stored } from "../../transform/validate_column.ts";
import { PgStore } from "./pg_store.ts";
import { COPY, STRAIGHT } from "./pg_table_loader.ts";
import { connectPg } from "./pg_connect.ts";

const ROLLED_BACK = new Error("rolled back on purpose");

Deno.test({
  name:
    "PostgreSQL loader: every step's table and counts equal the documented keep rules (property)",
  ignore: await pgMissing(),
  fn: async () => {
    // text order_by values must compare by code point even where the server's collation
    // sorts "a" before "B"
    const db = (await freshDatabase({ naturalLanguageOrder: true }))!;
    const store = await PgStore.open({ kind: "postgres", url: db.url, schema: "public" });
    const reader = connectPg(db.url);
    let tableNumber = 0;
    const { window, share } = STRAIGHT;
    const copyBytes = COPY.bytes;
    try {
      await fc.assert(
        fc.asyncProperty(caseArbitrary, async (c) => {
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
          // every other table is created by its first step, as the pipeline does (its
          // loader builds the key index after the rows); the others exist, empty, before
          const createdByStep = tableNumber % 2 === 0;
          if (!createdByStep) {
            const changes = await store.planTable(schema);
            await store.transaction((work) => work.applyTable(schema, changes));
          }
          // 0–8 keys of their own first: a created table takes rows straight until a key may
          // repeat, then stages the rest, and merges either way by which is more (a copy:
          // fast-check runs a case again when it shrinks one)
          const lead = Array.from(
            { length: createdByStep ? tableNumber % 9 : 0 },
            (_, i) => c.composite ? [`u${i}`, 1, "x", 1, null] : [`u${i}`, "x", 1, null],
          );
          const steps = c.steps.map((step, index) =>
            index === 0 ? { ...step, rows: [...lead, ...step.rows] } : step
          );
          // a third of the cases look at the share of repeats every 6 rows, not 10,000; half
          // of the created tables take up to 90% of repeats, not 10%, for the straight merge
          STRAIGHT.window = tableNumber % 3 === 0 ? 6 : window;
          STRAIGHT.share = tableNumber % 4 === 0 ? 0.9 : share;
          // half the cases send every batch at once: COPYs into the table and the staging
          // table open and close in turn, and a step that fails leaves one open
          COPY.bytes = tableNumber % 2 === 0 ? 1 : copyBytes;
          for (const [index, step] of steps.entries()) {
            const runId = index + 1;
            const earlier = step.again === undefined ? undefined : steps[step.again];
            const rows = earlier && step.again! < index ? earlier.rows : step.rows;
            const expected = step.commit ? model : model.clone();
            const want = expected.step(rows, step.source, runId);
            let got;
            try {
              const changes = createdByStep ? await store.planTable(schema) : undefined;
              await store.transaction(async (work) => {
                if (changes) await work.applyTable(schema, changes);
                const loader = await work.loader(schema, {
                  source: step.source,
                  runId,
                  loadedAt: "2026-11-26T10:00:00Z",
                });
                // in two batches, as the pipeline sends them
                const half = Math.floor(rows.length / 2);
                await loader.insert(rows.slice(0, half).flat() as Stored[]);
                // a step that fails halfway, its COPY open
                if (!step.commit && runId % 2 === 0) throw ROLLED_BACK;
                await loader.insert(rows.slice(half).flat() as Stored[]);
                got = await loader.counts(rows.length);
                if (!step.commit) throw ROLLED_BACK;
              });
            } catch (error) {
              if (step.commit || (error as Error).cause !== ROLLED_BACK) throw error;
            }
            if (got !== undefined || step.commit) {
              assert.deepEqual(got, want, `counts of step ${runId}`);
            }
            // a table whose creating step rolled back is not there: no rows
            const [{ found }] = await reader.unsafe<[{ found: string | null }]>(
              `SELECT to_regclass($1) AS found`,
              [name],
            );
            const stored = found === null ? [] : await reader.unsafe(
              `SELECT ${columns.join(", ")}, _source, _run_id FROM ${name}`,
            );
            const byKey = (row: ModelRow) =>
              JSON.stringify(schema.key!.map((k) => row.values[columns.indexOf(k)]));
            const sorted = (rows: ModelRow[]) => rows.sort((a, b) => byKey(a) < byKey(b) ? -1 : 1);
            assert.deepEqual(
              sorted(stored.map((row) => ({
                values: columns.map((column) => row[column]),
                source: row._source,
                runId: row._run_id,
              }))),
              sorted([...model.rows.values()]),
              `table after step ${runId}`,
            );
          }
        }),
        { numRuns: 300 },
      );
    } finally {
      Object.assign(STRAIGHT, { window, share });
      COPY.bytes = copyBytes;
      await reader.end();
      await store.close();
      await db.drop();
    }
  },
});
