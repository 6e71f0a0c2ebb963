import assert from "node:assert/strict";
import { parseTableSchema } from "../../config/load_table_schemas.ts";
import { KeyRepeatCounter, mergedKeysWarning, repeatedKeyWarning } from "./repeated_keys.ts";

const ORDERS = `columns:
  order_name: { type: text }
  total: { type: decimal }
  status: { type: text }
  created_at: { type: text }
key: [order_name]
`;
const columns = new Map([["order_name", 0], ["total", 1], ["status", 2], ["created_at", 3]]);
// a Shopify orders export: the second line item of #1001 repeats only the name and date
const lineItems = [
  { line: 2, cells: ["#1001", "68.72", "paid", "2026-11-01"] },
  { line: 3, cells: ["#1001", "", "", "2026-11-01"] },
  { line: 4, cells: ["#1002", "142.80", "pending", "2026-11-02"] },
];

function table(extra = "") {
  return parseTableSchema(ORDERS + extra, "schema/orders.yaml", "orders");
}

Deno.test("a later row with the same key and empty cells is flagged under keep: last", () => {
  assert.equal(
    repeatedKeyWarning(table(), columns, lineItems),
    'lines 2 and 3 share the key order_name "#1001", and line 3 leaves total, status empty: ' +
      "with keep: last (schema/orders.yaml) the later row replaces the first and those values " +
      "are lost. A file with one row per line item (a Shopify orders export, for one) wants " +
      "keep: first in schema/orders.yaml, or a key that names the line too.",
  );
});

Deno.test("keep: first, full corrections, and unmapped keys are not flagged", () => {
  assert.equal(repeatedKeyWarning(table("keep: first\n"), columns, lineItems), undefined);
  const corrected = [lineItems[0]!, { line: 3, cells: ["#1001", "70.00", "refunded", "x"] }];
  assert.equal(repeatedKeyWarning(table(), columns, corrected), undefined);
  const noKeyColumn = new Map([["total", 1], ["status", 2]]);
  assert.equal(repeatedKeyWarning(table(), noKeyColumn, lineItems), undefined);
});

Deno.test("keep: latest is flagged only when the later row has an order_by value", () => {
  const latest = table("keep: latest\norder_by: created_at\n");
  assert.match(repeatedKeyWarning(latest, columns, lineItems)!, /keep: latest/);
  const undated = [lineItems[0]!, { line: 3, cells: ["#1001", "", "", ""] }];
  assert.equal(repeatedKeyWarning(latest, columns, undated), undefined);
});

Deno.test("KeyRepeatCounter counts repeats exactly for small steps and within 2% for large ones", () => {
  const small = new KeyRepeatCounter();
  for (const key of ["a", "b", "a", "a", "c", "b"]) small.add(key);
  assert.deepEqual(small.repeats(), { repeats: 3, exact: true });
  // 600,000 rows over 200,000 keys: past the exact count, estimated
  const large = new KeyRepeatCounter();
  for (let i = 0; i < 600_000; i++) large.add(`order-${(i * 7919) % 200_000}`);
  const { repeats, exact } = large.repeats();
  assert.equal(exact, false);
  assert.ok(Math.abs(repeats - 400_000) < 0.02 * 600_000, `estimated ${repeats}`);
});

Deno.test("mergedKeysWarning() speaks when more than half of the rows repeat a key, naming it", () => {
  const orders = table();
  assert.equal(mergedKeysWarning(orders, 4, { repeats: 2, exact: true }), undefined);
  assert.equal(
    mergedKeysWarning(orders, 3000, { repeats: 2000, exact: true }),
    "2,000 of 3,000 rows (67%) repeat the key [order_name] of an earlier row of this file and " +
      "were merged into one row per key (keep: last). If those rows are records of their own " +
      "(one per day, per line item), the key in schema/orders.yaml needs the column that tells " +
      "them apart.",
  );
  assert.match(
    mergedKeysWarning(orders, 1_000_000, { repeats: 600_000, exact: false })!,
    /^about 600,000 of 1,000,000 rows \(60%\)/,
  );
  const keyless = parseTableSchema("columns:\n  a: { type: text }\n", "schema/t.yaml", "t");
  assert.equal(mergedKeysWarning(keyless, 3, { repeats: 2, exact: true }), undefined);
});
