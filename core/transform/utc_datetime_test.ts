import assert from "node:assert/strict";
import fc from "fast-check";
import type { ColumnSchema } from "../../config/table_schema.ts";
import { CellError } from "./cell.ts";
import { compileColumnValidator } from "./validate_column.ts";
import { CANONICAL_DATETIME } from "./utc_datetime.ts";

const datetime: ColumnSchema = { type: "datetime", required: false, clean: [] };
const stored = (timeZone: string, value: string | Date) => {
  const result = compileColumnValidator(datetime, { timeZone })(value);
  if (result instanceof CellError) throw new Error(result.reason);
  return String(result);
};

Deno.test("a datetime column stores UTC with milliseconds, whatever offset the source wrote", () => {
  assert.equal(stored("UTC", "2026-11-16T16:00:00+02:00"), "2026-11-16T14:00:00.000Z");
  assert.equal(stored("UTC", "2026-11-16T15:00:00Z"), "2026-11-16T15:00:00.000Z");
  assert.equal(stored("UTC", "2026-11-16T07:00:12.459Z"), "2026-11-16T07:00:12.459Z");
  assert.equal(stored("Europe/Berlin", "2026-11-16T10:00:00-05:00"), "2026-11-16T15:00:00.000Z");
  // the case of issue 11: 16:00+02:00 is 14:00Z, earlier than 15:00Z, and now sorts so
  assert.ok(stored("UTC", "2026-11-16T16:00:00+02:00") < stored("UTC", "2026-11-16T15:00:00Z"));
});

Deno.test("a datetime without an offset is read in the project's zone", () => {
  assert.equal(stored("Europe/Berlin", "2026-11-16T11:45:00"), "2026-11-16T10:45:00.000Z");
  assert.equal(stored("Europe/Berlin", "2026-07-16T11:45:00"), "2026-07-16T09:45:00.000Z");
  assert.equal(stored("America/New_York", "2026-11-16 11:45"), "2026-11-16T16:45:00.000Z");
  assert.equal(stored("Asia/Kolkata", "2026-11-16T11:45:00"), "2026-11-16T06:15:00.000Z");
  // a plain date is midnight there
  assert.equal(stored("Europe/Berlin", "2026-11-16"), "2026-11-15T23:00:00.000Z");
  // a spreadsheet Date carries the wall-clock time the sheet shows (as its UTC fields)
  assert.equal(
    stored("America/New_York", new Date(Date.UTC(2026, 0, 5, 9, 30))),
    "2026-01-05T14:30:00.000Z",
  );
});

Deno.test("a local time skipped by a clock change moves forward by the gap", () => {
  // Berlin, 2026-03-29: 02:00 CET jumps to 03:00 CEST; 02:30 does not exist
  assert.equal(stored("Europe/Berlin", "2026-03-29T02:30:00"), "2026-03-29T01:30:00.000Z");
  assert.equal(stored("Europe/Berlin", "2026-03-29T03:30:00"), "2026-03-29T01:30:00.000Z");
  assert.equal(stored("Europe/Berlin", "2026-03-29T01:59:59"), "2026-03-29T00:59:59.000Z");
  // New York, 2026-03-08: 02:00 EST jumps to 03:00 EDT
  assert.equal(stored("America/New_York", "2026-03-08T02:30:00"), "2026-03-08T07:30:00.000Z");
  assert.equal(stored("America/New_York", "2026-03-08T03:00:00"), "2026-03-08T07:00:00.000Z");
});

Deno.test("a local time that happens twice is the first of the two", () => {
  // Berlin, 2026-10-25: 03:00 CEST goes back to 02:00 CET; 02:30 happens twice
  assert.equal(stored("Europe/Berlin", "2026-10-25T02:30:00"), "2026-10-25T00:30:00.000Z");
  assert.equal(stored("Europe/Berlin", "2026-10-25T03:30:00"), "2026-10-25T02:30:00.000Z");
  // the second 02:30 can be written with its offset
  assert.equal(stored("Europe/Berlin", "2026-10-25T02:30:00+01:00"), "2026-10-25T01:30:00.000Z");
  // New York, 2026-11-01: 02:00 EDT goes back to 01:00 EST; 01:30 happens twice
  assert.equal(stored("America/New_York", "2026-11-01T01:30:00"), "2026-11-01T05:30:00.000Z");
  assert.equal(stored("America/New_York", "2026-11-01T02:30:00"), "2026-11-01T07:30:00.000Z");
});

Deno.test("datetime bounds are read like values: min is midnight in the project's zone", () => {
  const validate = compileColumnValidator({ ...datetime, min: "2026-01-01" }, {
    timeZone: "Europe/Berlin",
  });
  assert.equal(validate("2026-01-01T00:30:00"), "2025-12-31T23:30:00.000Z");
  const refused = validate("2025-12-31T23:30:00");
  assert.ok(refused instanceof CellError);
  assert.equal(refused.reason, '"2025-12-31T23:30:00" is below the minimum 2026-01-01');
});

Deno.test("a datetime's max written as a date takes in that whole day, in the project's zone", () => {
  const validate = compileColumnValidator({ ...datetime, max: "2026-03-31" }, {
    timeZone: "Europe/Berlin",
  });
  assert.equal(validate("2026-03-31T23:59:59"), "2026-03-31T21:59:59.000Z");
  assert.equal(validate("2026-03-31 14:00"), "2026-03-31T12:00:00.000Z");
  const refused = validate("2026-04-01T00:00:00");
  assert.ok(refused instanceof CellError);
  assert.equal(
    refused.reason,
    '"2026-04-01T00:00:00" is above the maximum 2026-03-31 (the whole day counts)',
  );
  // a bound with a time is that instant
  const exact = compileColumnValidator({ ...datetime, max: "2026-03-31T12:00:00" }, {
    timeZone: "Europe/Berlin",
  });
  assert.equal(exact("2026-03-31T12:00:00"), "2026-03-31T10:00:00.000Z");
  assert.equal(
    (exact("2026-03-31T12:00:01") as CellError).reason,
    '"2026-03-31T12:00:01" is above the maximum 2026-03-31T12:00:00',
  );
});

const ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"];

Deno.test("stored datetimes sort as their instants, and storing a stored value keeps it", () => {
  const instant = fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2100, 0, 1) });
  // the offsets clocks use: -12:00 to +14:00 (others are rejects, see parse_date_test.ts)
  const offset = fc.integer({ min: -12 * 60, max: 14 * 60 });
  const written = fc.tuple(instant, offset, fc.boolean()).map(([ms, minutes, withMs]) => {
    // the instant as a source writes it at that offset
    const local = new Date(ms + minutes * 60_000).toISOString().slice(0, withMs ? 23 : 19);
    const sign = minutes < 0 ? "-" : "+";
    const abs = Math.abs(minutes);
    const zone = `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${
      String(abs % 60).padStart(2, "0")
    }`;
    return { ms: withMs ? ms : ms - (ms % 1000), text: `${local}${zone}` };
  });
  fc.assert(
    fc.property(written, written, fc.constantFrom(...ZONES), (a, b, zone) => {
      const storedA = stored(zone, a.text);
      const storedB = stored(zone, b.text);
      assert.match(storedA, CANONICAL_DATETIME);
      assert.equal(Date.parse(storedA), a.ms);
      // text order (what SQL compares) is time order
      assert.equal(storedA < storedB, a.ms < b.ms);
      assert.equal(storedA === storedB, a.ms === b.ms);
      assert.equal(stored(zone, storedA), storedA);
    }),
    { numRuns: 500 },
  );
});

Deno.test("wall-clock times read in a zone agree with Temporal, hour cache or not", () => {
  const wall = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }).map((ms) =>
    new Date(ms - (ms % 60_000)).toISOString().slice(0, 19)
  );
  fc.assert(
    fc.property(wall, fc.constantFrom(...ZONES), (text, zone) => {
      const expected = Temporal.PlainDateTime.from(text).toZonedDateTime(zone).toInstant();
      assert.equal(stored(zone, text), new Date(expected.epochMilliseconds).toISOString());
    }),
    { numRuns: 1000 },
  );
});
