import assert from "node:assert/strict";
import fc from "fast-check";
import { DATE_FORMATS, fitDateFormat, provenOrder, readAs } from "./dates.ts";
import { dateFormatProblem } from "../../config/date_format.ts";

Deno.test("fitDateFormat() decides the day/month order only when a value proves it", () => {
  // a UK export of the first week of November: nothing tells day from month
  const uk = ["01/11/2026", "02/11/2026", "07/11/2026"];
  assert.deepEqual(fitDateFormat(uk), { undecided: ["mdy", "dmy"] });
  assert.deepEqual(fitDateFormat([...uk, "13/11/2026"]), { format: "DD/MM/YYYY" });
  assert.deepEqual(fitDateFormat(["11/14/2026", "11/01/2026"]), { format: "MM/DD/YYYY" });
  // date-times alike
  assert.deepEqual(fitDateFormat(["03/04/2026 2:22 PM"]), { undecided: ["mdy", "dmy"] });
  assert.equal(
    fitDateFormat(["03/04/2026 2:22 PM", "25/04/2026 9:01 AM"]).format,
    "DD/MM/YYYY h:mm A",
  );
  // the analyst's order where the values leave it open, never against a proof
  assert.equal(fitDateFormat(uk, { order: "dmy" }).format, "DD/MM/YYYY");
  assert.match(
    fitDateFormat(uk, { order: "dmy" }).note!,
    /read as day\/month\/year \(--date-order dmy\)/,
  );
  const against = fitDateFormat(["13/11/2026"], { order: "mdy" });
  assert.equal(against.format, "DD/MM/YYYY");
  assert.match(against.note!, /13\/11\/2026 cannot be month\/day\/year/);
  // ISO and month names are never in doubt
  assert.deepEqual(fitDateFormat(["2026-11-01"]), { format: "YYYY-MM-DD" });
  assert.deepEqual(fitDateFormat(["Nov 1, 2026"]), { format: "MMM D, YYYY" });
  assert.equal(readAs("01/11/2026", "dmy"), "2026-11-01");
  assert.deepEqual(provenOrder(["11/30/2026", "11/01/2026"]), {
    order: "mdy",
    value: "11/30/2026",
  });
  assert.equal(provenOrder(uk), undefined);
});

Deno.test("fitDateFormat() never picks an order the sample does not prove (property)", () => {
  const day = fc.record({
    year: fc.integer({ min: 2000, max: 2030 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 28 }),
  });
  const pad = (n: number) => String(n).padStart(2, "0");
  fc.assert(
    fc.property(fc.array(day, { minLength: 1, maxLength: 30 }), fc.boolean(), (dates, dmy) => {
      const values = dates.map((d) =>
        dmy ? `${pad(d.day)}/${pad(d.month)}/${d.year}` : `${pad(d.month)}/${pad(d.day)}/${d.year}`
      );
      const fit = fitDateFormat(values);
      const provable = dates.some((d) => d.day > 12 && d.day !== d.month);
      if (!provable) return fit.undecided !== undefined && fit.format === undefined;
      // decided: and every value reads as the day it was written from
      return fit.format === (dmy ? "DD/MM/YYYY" : "MM/DD/YYYY");
    }),
    { numRuns: 300 },
  );
});

Deno.test("every format add-source can propose passes plutus check", () => {
  for (const format of DATE_FORMATS) assert.equal(dateFormatProblem(format), undefined, format);
});
