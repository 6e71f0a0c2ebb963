import assert from "node:assert/strict";
import fc from "fast-check";
import { neutralizeFormula, restoreFormula } from "./rejects_format.ts";

// Strings that start like formulas, or with quotes before them, most of the time.
const tricky = fc.tuple(
  fc.constantFrom("", "'", "''", "=", "+", "-", "@", "\t", "\r", "'=", "''+", "1", "-1"),
  fc.string({ maxLength: 12 }),
).map(([start, rest]) => start + rest);

Deno.test("restoreFormula() gives back exactly the text neutralizeFormula() was given", () => {
  fc.assert(
    fc.property(fc.oneof(tricky, fc.string()), (text) => {
      assert.equal(restoreFormula(neutralizeFormula(text)), text);
    }),
    { numRuns: 2000 },
  );
});

Deno.test("neutralizeFormula() leaves nothing a spreadsheet runs, except plain numbers", () => {
  fc.assert(
    fc.property(fc.oneof(tricky, fc.string()), (text) => {
      const written = neutralizeFormula(text);
      if (/^[=+\-@\t\r]/.test(written)) assert.match(written, /^[+-]\d+([.,]\d+)*$/);
    }),
    { numRuns: 2000 },
  );
  assert.equal(neutralizeFormula("=SUM(A1:A9)"), "'=SUM(A1:A9)");
  assert.equal(neutralizeFormula("'=SUM(A1)"), "''=SUM(A1)");
  assert.equal(neutralizeFormula("-12.50"), "-12.50");
  assert.equal(neutralizeFormula("+49 30 1234567"), "'+49 30 1234567");
  assert.equal(restoreFormula("'Hello"), "'Hello");
});
