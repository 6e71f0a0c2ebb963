import assert from "node:assert/strict";
import { dateFormatProblem } from "./date_format.ts";

Deno.test("a mistyped token in a parse_date format is refused, naming what to write", () => {
  const cases: [string, RegExp][] = [
    ["MMM D, YYY", /"YYY" .* YYYY \(2026\) or YY/],
    ["DD.MM.Y", /"Y" .*YYYY/],
    ["YYYY-MM-DD HH:m", /"m" .*minutes are mm/],
    ["YYYY-MM-DD HH:mm:s", /"s" .*seconds are ss/],
    ["YYYY-MM-DDTHH:mm:ss.SS", /"SS" .*SSS/],
    ["YYYY-MMMMM-DD", /"MMMMM"/],
    ["DDD/MM/YYYY", /"DDD"/],
    ["HHH:mm YYYY", /"HHH"/],
    ["MM/DD", /no year/],
    ["YYYMMDD", /"YYY"/],
  ];
  for (const [format, reason] of cases) {
    assert.match(dateFormatProblem(format) ?? "", reason, format);
  }
});

Deno.test("every documented kind of parse_date format is accepted", () => {
  for (
    const format of [
      "excel",
      "unix",
      "unix_ms",
      "YYYY-MM-DD",
      "YYYYMMDD",
      "MM/DD/YYYY",
      "DD.MM.YYYY HH:mm",
      "M/D/YY h:mm A",
      "MMM D, YYYY",
      "D MMMM YYYY",
      "YYYY-MM-DDTHH:mm:ss.SSSZ",
      "YYYY-MM",
      "DD.MM.YYYY um HH:mm",
    ]
  ) assert.equal(dateFormatProblem(format), undefined, format);
});
