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
import type { Stored } from "../../transform/validate_column.ts";
import { SqliteStore } from "./sqlite_store.ts";

type OrderType = "integer" | "decimal" | "date" | "text";

// Few values, so that ties, equal rows and repeated keys are common.
const ORDER_VALUES: Record<OrderType, fc.Arbitrary<ModelValue>> = {
  integer: fc.constantFrom(-2, 0, 1, 7, 10),
  decimal: fc.constantFrom(-0.5, 0, 1, 1.25, 2, 10),
  date: fc.constantFrom("2025-12-31", "2026-01-01", "2026-01-02", "2026-10-01"),
  // code point order, where UTF-16 order differs: U+FF5A sorts before U+1F600 in SQLite
  text: fc.constantFrom("B", "a", "b", "ab", "é", "\uff5a", "\u{1f600}", "a\u{1f600}"),
};

interface Case {
  composite: boolean;
  keep: "first" | "last" | "latest";
  orderType: OrderType;
  steps: { source: string; rows: ModelValue[][]; commit: boolean; again?: number }[];
}

const caseArbitrary: fc.Arbitrary<Case> = fc.record({
  composite: fc.boolean(),
  keep: fc.constantFrom("first", "last", "latest") as fc.Arbitrary<Case["keep"]>,
  orderType: fc.constantFrom("integer", "decimal", "date", "text") as fc.Arbitrary<OrderType>,
}).chain((shape) => {
  const order = fc.option(ORDER_VALUES[shape.orderType], { freq: 4 });
  const row = (k: string, k2: number) =>
    fc.tuple(
      fc.constantFrom<ModelValue>("x", "y", null),
      fc.option(fc.constantFrom(1, 2), { freq: 3 }),
      order,
    ).map(([v, w, o]) => shape.composite ? [k, k2, v, w, o] : [k, v, w, o]);
  // a file: some keys, each 1–10 times, in random order
  const file = fc.uniqueArray(
    fc.tuple(fc.constantFrom("k1", "k2", "k3", "k4", "K1"), fc.constantFrom(1, 2)),
    { minLength: 0, maxLength: 5, selector: ([k, k2]) => shape.composite ? `${k}/${k2}` : k },
  ).chain((keys) =>
    fc.tuple(...keys.map(([k, k2]) => fc.array(row(k, k2), { minLength: 1, maxLength: 10 })))
      .chain((groups) => fc.shuffledSubarray(groups.flat(), { minLength: groups.flat().length }))
  );
  const step = fc.record({
    source: fc.constantFrom("a", "b"),
    rows: file,
    commit: fc.constantFrom(true, true, true, false),
    again: fc.option(fc.nat(5), { freq: 4, nil: undefined }),
  });
  return fc.array(step, { minLength: 1, maxLength: 6 }).map((steps) => ({ ...shape, steps }));
});

function schemaText(c: Case): string {
  const columns = c.composite
    ? ["k: { type: text }", "k2: { type: integer }"]
    : ["k: { type: text }"];
  columns.push("v: { type: text }", "w: { type: integer }", `o: { type: ${c.orderType} }`);
  return `columns:\n${columns.map((line) => `  ${line}\n`).join("")}key: [${
    c.composite ? "k, k2" : "k"
  }]\nkeep: ${c.keep}\n${c.keep === "latest" ? "order_by: o\n" : ""}`;
}

Deno.test("loader: every step's table and counts equal the documented keep rules (property)", () => {
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
            const loader = store.loader(schema, {
              source: step.source,
              runId,
              loadedAt: "2026-11-26T10:00:00Z",
            });
            loader.insert(rows.flat() as Stored[]);
            got = loader.counts(rows.length);
            loader.close();
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
          assert.deepEqual(stored, [...model.rows.values()], `table after step ${runId}`);
        });
      }),
      { numRuns: 300 },
    );
  } finally {
    store.close();
  }
});
