import assert from "node:assert/strict";
import fc from "fast-check";
import { CellError } from "../cell.ts";
import { compileDateFormat, parseDate } from "./parse_date.ts";

const parse = (value: string | number | Date | null, ...formats: string[]) =>
  parseDate(value, formats.map((format) => compileDateFormat(format)));
const reason = (
  value: unknown,
) => (value instanceof CellError ? value.reason : `no error: ${value}`);

Deno.test("parseDate() reads the formats it is given", () => {
  assert.equal(parse("11/05/2026", "MM/DD/YYYY"), "2026-11-05");
  assert.equal(parse("05.11.2026", "DD.MM.YYYY"), "2026-11-05");
  assert.equal(parse("5/11/26", "D/M/YY"), "2026-11-05");
  assert.equal(parse("11/05/2026 14:22", "MM/DD/YYYY HH:mm"), "2026-11-05T14:22:00");
  assert.equal(parse("11/05/2026 2:22 PM", "MM/DD/YYYY h:mm A"), "2026-11-05T14:22:00");
  assert.equal(parse("11/05/2026 12:05 am", "MM/DD/YYYY h:mm A"), "2026-11-05T00:05:00");
  assert.equal(parse("Nov 5, 2026", "MMM D, YYYY"), "2026-11-05");
  assert.equal(
    parse("2026-11-05T10:20:30+0200", "YYYY-MM-DDTHH:mm:ssZ"),
    "2026-11-05T10:20:30+02:00",
  );
  assert.equal(parse("20261105", "YYYYMMDD"), "2026-11-05");
});

Deno.test("parseDate() tries several formats in order", () => {
  assert.equal(parse("2026-11-05", "DD.MM.YYYY", "YYYY-MM-DD"), "2026-11-05");
});

Deno.test("parseDate() reads Excel serial days and epoch times", () => {
  assert.equal(parse(45231, "excel"), "2023-11-01");
  assert.equal(parse("45231", "excel"), "2023-11-01");
  assert.equal(parse(45231.5, "excel"), "2023-11-01T12:00:00");
  assert.equal(parse(60, "excel"), "1900-02-28");
  // a workbook in the 1904 date system (Excel for Mac's old default) counts from 1904-01-01
  const mac = [compileDateFormat("excel", { date1904: true })];
  assert.equal(parseDate(44865, mac), "2026-11-01");
  assert.equal(parseDate("0", mac), "1904-01-01");
  assert.equal(parseDate(44865.25, mac), "2026-11-01T06:00:00");
  assert.equal(parse("1700000000", "unix"), "2023-11-14T22:13:20Z");
  assert.equal(parse("1700000000123", "unix_ms"), "2023-11-14T22:13:20.123Z");
});

Deno.test("parseDate() without a format reads only forms that cannot mean two days", () => {
  assert.equal(parse("2026-11-05"), "2026-11-05");
  assert.equal(parse("2026-11-05 14:22:10 -0500"), "2026-11-05T14:22:10-05:00");
  assert.equal(parse("2026-11-05T14:22:10.123Z"), "2026-11-05T14:22:10.123Z");
  assert.equal(parse("2026/11/05"), "2026-11-05");
  assert.equal(parse("November 5, 2026"), "2026-11-05");
  assert.equal(parse("Thu, Nov 5th, 2026"), "2026-11-05");
  assert.equal(parse("5 Nov 2026"), "2026-11-05");
  assert.equal(parse("05-Nov-2026"), "2026-11-05");
  assert.equal(parse("25/12/2026"), "2026-12-25");
  assert.equal(parse("12/25/2026"), "2026-12-25");
  assert.equal(parse("05/05/2026"), "2026-05-05");
  assert.equal(
    reason(parse("05/06/2026")),
    '"05/06/2026" could be month-first or day-first: say which with {parse_date: "MM/DD/YYYY"} or {parse_date: "DD/MM/YYYY"}',
  );
});

Deno.test("parseDate() refuses days that do not exist", () => {
  assert.equal(reason(parse("2026-02-30")), '"2026-02-30" is not a real date');
  assert.equal(reason(parse("02/29/2026", "MM/DD/YYYY")), '"02/29/2026" is not a real date');
  assert.equal(parse("02/29/2028", "MM/DD/YYYY"), "2028-02-29");
  assert.equal(reason(parse("2026-11-05 25:00")), '"2026-11-05 25:00" is not a real date');
  assert.equal(reason(parse("13/13/2026", "MM/DD/YYYY")), '"13/13/2026" is not a real date');
  // UTC offsets run from -12:00 to +14:00
  assert.equal(
    reason(parse("2026-11-05T10:00:00+25:00")),
    '"2026-11-05T10:00:00+25:00" has UTC offset +25:00, outside -12:00 to +14:00',
  );
  assert.match(reason(parse("2026-11-05T10:00:00-13:00")), /UTC offset -13:00/);
  assert.match(reason(parse("2026-11-05T10:00:00+05:60")), /UTC offset \+05:60/);
  assert.equal(parse("2026-11-05T10:00:00+14:00"), "2026-11-05T10:00:00+14:00");
  assert.equal(parse("2026-11-05T10:00:00-12:00"), "2026-11-05T10:00:00-12:00");
  assert.equal(parse("2026-11-05T10:00:00+05:45"), "2026-11-05T10:00:00+05:45");
});

Deno.test("parseDate() says when a value does not match", () => {
  assert.equal(
    reason(parse("2026-11-05", "MM/DD/YYYY")),
    '"2026-11-05" does not match the date format',
  );
  assert.equal(reason(parse("soon")), '"soon" is not a date this rule can read');
  assert.equal(
    reason(parse(45231)),
    "45231 is a number, not a date; if it is an Excel serial day use {parse_date: excel}",
  );
});

Deno.test("parseDate() keeps the wall-clock time of spreadsheet dates", () => {
  assert.equal(parse(new Date(Date.UTC(2026, 10, 5))), "2026-11-05");
  assert.equal(parse(new Date(Date.UTC(2026, 10, 5, 9, 30))), "2026-11-05T09:30:00");
  assert.equal(parse(null), null);
  assert.equal(parse("  "), null);
});

Deno.test("parseDate() reads unix and unix_ms from numbers as from text", () => {
  // A JSON number such as Stripe's `created`, or an XLSX number cell.
  assert.equal(parse(1772629400, "unix"), "2026-03-04T13:03:20Z");
  assert.equal(parse(1772629400123, "unix_ms"), "2026-03-04T13:03:20.123Z");
  assert.equal(parse(1772629400.5, "unix"), "2026-03-04T13:03:20.500Z");
  assert.equal(parse(0, "unix"), "1970-01-01T00:00:00Z");
  assert.equal(parse(45231, "DD.MM.YYYY", "unix"), "1970-01-01T12:33:51Z");
  // The same refusals as the text form.
  assert.equal(reason(parse(-5, "unix")), "-5 does not match the date format");
  assert.equal(reason(parse(NaN, "unix")), "NaN does not match the date format");
  assert.equal(reason(parse(Infinity, "unix_ms")), "Infinity does not match the date format");
  assert.equal(reason(parse("-5", "unix")), '"-5" does not match the date format');
  assert.equal(
    reason(parse(1772629400.5, "unix_ms")),
    "1772629400.5 has a fraction of a millisecond; {parse_date: unix_ms} reads whole milliseconds",
  );
  assert.equal(
    reason(parse("1772629400123.5", "unix_ms")),
    '"1772629400123.5" has a fraction of a millisecond; {parse_date: unix_ms} reads whole milliseconds',
  );
  assert.equal(
    reason(parse(1772629400.1234, "unix")),
    "1772629400.1234 has a fraction of a millisecond; {parse_date: unix} reads seconds to 3 decimals",
  );
  assert.equal(
    reason(parse(1772629400123, "unix")),
    "1772629400123 is after the year 9999 as seconds; if it counts milliseconds use {parse_date: unix_ms}",
  );
  assert.equal(reason(parseDate(true, [compileDateFormat("unix")])), "true is not a date");
  // Other formats still point a number at excel.
  assert.equal(
    reason(parse(1772629400, "YYYY-MM-DD")),
    "1772629400 is a number, not a date; if it is an Excel serial day use {parse_date: excel}",
  );
});

Deno.test("parseDate() reads any whole unix time, number or text, as the clock does", () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 253402300799 }), (seconds) => {
      const iso = new Date(seconds * 1000).toISOString().replace(".000Z", "Z");
      assert.equal(parse(seconds, "unix"), iso);
      assert.equal(parse(String(seconds), "unix"), iso);
      assert.equal(parse(seconds * 1000 + 7, "unix_ms"), iso.replace("Z", ".007Z"));
    }),
    { numRuns: 500 },
  );
});
