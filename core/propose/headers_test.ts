import assert from "node:assert/strict";
import { parseTableSchema } from "../../config/load_table_schemas.ts";
import type { Cell } from "../transform/cell.ts";
import { constantKeyWarning, matchHeaders } from "./headers.ts";

const header = ["Reporting starts", "Reporting ends", "Day", "Campaign name", "Amount spent (USD)"];
const rows: { cells: Cell[] }[] = [
  ["11/01/2026", "11/30/2026", "11/01/2026", "Spring Promo", "300"],
  ["11/01/2026", "11/30/2026", "11/01/2026", "Brand", "200"],
  ["11/01/2026", "11/30/2026", "11/02/2026", "Spring Promo", "400"],
  ["11/01/2026", "11/30/2026", "11/02/2026", "Brand", "100"],
].map((cells) => ({ cells }));
const samples = (index: number) => rows.map((row) => row.cells[index] ?? null);
const table = parseTableSchema(
  "columns:\n  date: { type: date }\n  campaign: { type: text }\n  channel: { type: text }\n" +
    "  spend: { type: decimal }\nkey: [date, campaign, channel]\n",
  "schema/ad_spend.yaml",
  "ad_spend",
);

Deno.test("matchHeaders() prefers the header that varies, and keeps the others as alternatives", () => {
  const { chosen, alternatives } = matchHeaders(
    ["date", "campaign", "channel", "spend"],
    header,
    samples,
    (column) => (column === "date" ? [0, 1, 2] : []),
  );
  assert.deepEqual([...chosen], [["date", 2], ["campaign", 3], ["spend", 4]]);
  assert.deepEqual(alternatives.get("date"), [0, 1]);
  // without Day, the report's start is all there is: chosen, and flagged as a key that merges
  const without = matchHeaders(
    ["date", "campaign"],
    header.slice(0, 2).concat("", header[3]!),
    samples,
  );
  assert.equal(without.chosen.get("date"), 0);
  assert.match(
    constantKeyWarning(table, without.chosen, header, rows)!,
    /^key column date \("Reporting starts"\) has the same value, 11\/01\/2026, on every row: the sample's 4 rows would load as 2, and every row would merge into one per campaign: check the key or the mapping$/,
  );
  // a key column that varies, or a constant one under which no rows merge, says nothing
  assert.equal(constantKeyWarning(table, chosen, header, rows), undefined);
  assert.equal(constantKeyWarning(table, without.chosen, header, rows.slice(0, 2)), undefined);
});

Deno.test("matchHeaders() knows Microsoft Ads' Time period and LinkedIn's Click Through Rate", () => {
  const bing = ["Time period", "Campaign", "Click Through Rate (CTR)", "Spend"];
  const values = [["2026-11-01", "Brand", "1.5%", "3"], ["2026-11-02", "Brand", "2%", "4"]];
  const { chosen } = matchHeaders(
    ["date", "campaign", "ctr", "spend"],
    bing,
    (index) => values.map((row) => row[index] ?? null),
    () => [],
  );
  assert.deepEqual(Object.fromEntries(chosen), { date: 0, campaign: 1, ctr: 2, spend: 3 });
});
