import assert from "node:assert/strict";
import { headerTimeZone, headerUnit, unitsDiffer, withoutUnit, zoneLabel } from "./header_unit.ts";

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

Deno.test("headerTimeZone() reads the zone a header ends with: UTC, GMT, whole-hour offsets", () => {
  const cases: [string, string | null | undefined][] = [
    ["Created (UTC)", "UTC"],
    ["Available On (UTC)", "UTC"],
    ["Time GMT", "UTC"],
    ["created_at_utc", "UTC"],
    ["Timestamp [UTC]", "UTC"],
    ["Date (UTC+2)", "Etc/GMT-2"],
    ["Start (UTC-05:00)", "Etc/GMT+5"],
    ["Start (UTC\u22125)", "Etc/GMT+5"], // a typographic minus
    ["Start (GMT+0)", "UTC"],
    ["Start Date (in UTC)", "UTC"], // LinkedIn Campaign Manager
    ["Start (in GMT+1)", "Etc/GMT-1"],
    ["Not (in utc_offset)", undefined],
    ["Start (UTC+05:30)", null],
    ["Start (UTC+15)", null],
    // a mention elsewhere names no zone of the column
    ["Local time (not UTC)", undefined],
    ["Converted from UTC to local", undefined],
    ["utc_offset", undefined],
    ["UTC timestamp", undefined],
    ["Timestamp (UTC+1/+2 DST)", undefined],
    ["Created", undefined],
    ["Cost (USD)", undefined],
    ["Outcome", undefined],
    ["utcheck", undefined],
    ["Start utc)", undefined],
  ];
  for (const [header, zone] of cases) assert.equal(headerTimeZone(header), zone, header);
  assert.equal(zoneLabel("Etc/GMT+5"), "UTC-05:00");
  assert.equal(zoneLabel("Etc/GMT-2"), "UTC+02:00");
  assert.equal(zoneLabel("UTC"), "UTC");
});
