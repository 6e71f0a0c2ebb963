import assert from "node:assert/strict";
import { findFooter } from "./propose_source.ts";

const rows = (...first: string[]) => first.map((cell) => ({ cells: [cell, "1"] }));

Deno.test("a totals footer is found at the end of a report, and only there", () => {
  assert.deepEqual(findFooter(rows("a", "b", "Total: Account", "Total: Search"), 200), {
    index: 2,
    pattern: "^Total",
  });
  assert.deepEqual(findFooter(rows("a", "b", "", "Grand Totals (3 records)", ""), 200), {
    index: 3,
    pattern: "^Grand Totals",
  });
  // data that happens to start with the word, followed by more data
  assert.equal(findFooter(rows("Total Wine - Search", "Brand", "Shoes"), 200), undefined);
  assert.equal(findFooter(rows("Totally Awesome", "b"), 200), undefined);
  assert.equal(findFooter(rows("a", "Total Wine - Search"), 200), undefined);
  assert.deepEqual(findFooter(rows("a", "TOTAL"), 200), { index: 1, pattern: "^TOTAL" });
  // a sample cut short by its limit does not show the file's end
  assert.equal(findFooter(rows("a", "b", "Total"), 3), undefined);
  // a file of totals alone has no data to stop after
  assert.equal(findFooter(rows("Total"), 200), undefined);
});
