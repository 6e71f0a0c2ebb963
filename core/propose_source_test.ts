import assert from "node:assert/strict";
import { findFooter, numberStyle } from "./propose_source.ts";

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

Deno.test("a file's number style is judged from all its number columns", () => {
  assert.equal(numberStyle(["1.234,56", "1.024", "87"]), "comma");
  assert.equal(numberStyle(["99,90", "12"]), "comma");
  assert.equal(numberStyle(["€ 1.234,56"]), "comma");
  assert.equal(numberStyle(["1,234.50", "873"]), "grouped");
  assert.equal(numberStyle(["$1,234", "0.5"]), "grouped");
  // 1,234 alone is a thousand and more, or one and a bit: not enough to call it a comma
  assert.equal(numberStyle(["1,234"]), "grouped");
  assert.equal(numberStyle(["873", "0.5", null]), "plain");
});
