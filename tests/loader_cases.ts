/**
 * Random load cases for the loader property tests of every backend (SQLite and
 * PostgreSQL): the same generators, checked against the one model, tests/dedupe_model.ts.
 *
 * @module
 */
import fc from "fast-check";
import type { ModelValue } from "./dedupe_model.ts";

/** The type of the order_by column of a case. */
export type OrderType = "integer" | "decimal" | "date" | "text" | "boolean";

/** Few values per type, so that ties, equal rows and repeated keys are common. */
export const ORDER_VALUES: Record<OrderType, fc.Arbitrary<ModelValue>> = {
  integer: fc.constantFrom(-2, 0, 1, 7, 10),
  decimal: fc.constantFrom(-0.5, 0, 1, 1.25, 2, 10),
  date: fc.constantFrom("2025-12-31", "2026-01-01", "2026-01-02", "2026-10-01"),
  // code point order, where UTF-16 order differs: U+FF5A sorts before U+1F600 in SQLite
  text: fc.constantFrom("B", "a", "b", "ab", "é", "\uff5a", "\u{1f600}", "a\u{1f600}"),
  // stored as 1 and 0: true is the later (PostgreSQL has no max() of booleans)
  boolean: fc.constantFrom(0, 1),
};

/** One random table definition and the steps loaded into it. */
export interface Case {
  composite: boolean;
  keep: "first" | "last" | "latest";
  orderType: OrderType;
  steps: { source: string; rows: ModelValue[][]; commit: boolean; again?: number }[];
}

/** Random cases: keys repeated 1–10 times in random order, rolled-back and re-sent steps. */
export const caseArbitrary: fc.Arbitrary<Case> = fc.record({
  composite: fc.boolean(),
  keep: fc.constantFrom("first", "last", "latest") as fc.Arbitrary<Case["keep"]>,
  orderType: fc.constantFrom("integer", "decimal", "date", "text", "boolean") as fc.Arbitrary<
    OrderType
  >,
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

/** The schema file of a case. */
export function schemaText(c: Case): string {
  const columns = c.composite
    ? ["k: { type: text }", "k2: { type: integer }"]
    : ["k: { type: text }"];
  columns.push("v: { type: text }", "w: { type: integer }", `o: { type: ${c.orderType} }`);
  return `columns:\n${columns.map((line) => `  ${line}\n`).join("")}key: [${
    c.composite ? "k, k2" : "k"
  }]\nkeep: ${c.keep}\n${c.keep === "latest" ? "order_by: o\n" : ""}`;
}
