import assert from "node:assert/strict";
import { headerUnit, unitsDiffer, withoutUnit } from "./header_unit.ts";

Deno.test("headerUnit() reads the currency or unit a header names", () => {
  assert.equal(headerUnit("Amount spent (USD)"), "USD");
  assert.equal(headerUnit("cost_eur"), "EUR");
  assert.equal(headerUnit("Kosten (€)"), "EUR");
  assert.equal(headerUnit("CTR [%]"), "%");
  assert.equal(headerUnit("Campaign name"), undefined);
  assert.equal(headerUnit("Spend"), undefined);
  assert.equal(withoutUnit("Amount spent (USD)"), "Amount spent");
  assert.equal(withoutUnit("Cost USD"), "Cost");
});

Deno.test("unitsDiffer() tells other money from another spelling of the same", () => {
  assert.equal(unitsDiffer("Amount spent (USD)", "Amount spent (EUR)"), true);
  assert.equal(unitsDiffer("Amount spent (USD)", "Amount spent ($)"), false);
  assert.equal(unitsDiffer("Amount spent (USD)", "Amount spent"), false);
  assert.equal(unitsDiffer("Cost (€)", "Cost EUR"), false);
  assert.equal(unitsDiffer("Duration (s)", "Duration (ms)"), true);
});
