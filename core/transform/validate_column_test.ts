import assert from "node:assert/strict";
import fc from "fast-check";
import type { ColumnSchema } from "../../config/table_schema.ts";
import { CellError } from "./cell.ts";
import { compileColumnValidator } from "./validate_column.ts";
import { compileCleanRules } from "./clean/compile_rules.ts";

const column = (spec: Partial<ColumnSchema> & Pick<ColumnSchema, "type">): ColumnSchema => ({
  required: false,
  clean: [],
  ...spec,
});
const check = (
  spec: Partial<ColumnSchema> & Pick<ColumnSchema, "type">,
  value: Parameters<ReturnType<typeof compileColumnValidator>>[0],
) => compileColumnValidator(column(spec), { timeZone: "UTC" })(value);
const reason = (
  value: unknown,
) => (value instanceof CellError ? value.reason : `no error: ${value}`);

Deno.test("types turn values into what SQLite stores", () => {
  assert.equal(check({ type: "text" }, 12345), "12345");
  assert.equal(check({ type: "integer" }, "42"), 42);
  assert.equal(check({ type: "integer" }, "42.0"), 42);
  assert.equal(check({ type: "decimal" }, "-12.5"), -12.5);
  assert.equal(check({ type: "decimal" }, 3), 3);
  assert.equal(check({ type: "boolean" }, true), 1);
  assert.equal(check({ type: "boolean" }, "No"), 0);
  assert.equal(check({ type: "date" }, "2026-11-05T10:00:00Z"), "2026-11-05");
  assert.equal(check({ type: "datetime" }, "2026-11-05"), "2026-11-05T00:00:00.000Z");
  assert.equal(check({ type: "datetime" }, "2026-11-05 10:20"), "2026-11-05T10:20:00.000Z");
  assert.equal(
    reason(check({ type: "datetime" }, "2026-11-05T10:20:00+25:00")),
    '"2026-11-05T10:20:00+25:00" is not a real date',
  );
  assert.equal(check({ type: "email" }, "jane@example.com"), "jane@example.com");
  assert.equal(check({ type: "url" }, "https://example.com/x?y=1"), "https://example.com/x?y=1");
});

Deno.test("types refuse what they cannot store, with a hint", () => {
  assert.equal(
    reason(check({ type: "integer" }, "12.5")),
    '"12.5" is not a whole number (add parse_number to the column\'s clean rules to read currency and separators)',
  );
  assert.equal(
    reason(check({ type: "integer" }, "99999999999999999999")),
    '"99999999999999999999" is too large to store exactly (store it as text)',
  );
  assert.equal(
    reason(check({ type: "decimal" }, "$5")),
    '"$5" is not a number (add parse_number to the column\'s clean rules to read currency and separators)',
  );
  assert.equal(reason(check({ type: "decimal" }, "1e309")), '"1e309" is too large a number');
  assert.equal(
    reason(check({ type: "boolean" }, "maybe")),
    '"maybe" is not true or false (add parse_bool for other words)',
  );
  assert.match(reason(check({ type: "date" }, "11/05/2026")), /is not a date in YYYY-MM-DD form/);
  assert.equal(
    reason(check({ type: "datetime" }, "1762000000")),
    '"1762000000" is not a date in YYYY-MM-DD form (it looks like a Unix timestamp in seconds: add {parse_date: unix} to the column\'s clean rules)',
  );
  assert.match(reason(check({ type: "datetime" }, "1762000000000")), /add \{parse_date: unix_ms\}/);
  assert.match(
    reason(check({ type: "date" }, 45962)),
    /an Excel day number: add \{parse_date: excel\}/,
  );
  assert.equal(reason(check({ type: "date" }, "2026-02-30")), '"2026-02-30" is not a real date');
  // no year 0: a placeholder, which PostgreSQL refuses (its COPY then hung the run)
  assert.equal(reason(check({ type: "date" }, "0000-06-01")), '"0000-06-01" is not a real date');
  assert.equal(
    reason(check({ type: "datetime" }, "0000-06-01T10:00:00Z")),
    '"0000-06-01T10:00:00Z" is not a real date',
  );
  assert.equal(check({ type: "date" }, "0001-01-01"), "0001-01-01");
  // year 1 that is year 0 in UTC, by its offset or by the project's time zone
  assert.equal(
    reason(check({ type: "datetime" }, "0001-01-01T00:30:00+01:00")),
    '"0001-01-01T00:30:00+01:00" is outside the years 0001 to 9999 (in UTC)',
  );
  assert.equal(reason(check({ type: "email" }, "jane@")), '"jane@" is not an email address');
  for (
    const bad of [
      "jane",
      "a b@x.com",
      "a@b",
      "a@@b.com",
      "a@b..com",
      ".a@b.com",
      "a.@b.com",
      "a..b@x.com",
      "a@-b.com",
      "a@b.c",
    ]
  ) {
    assert.ok(check({ type: "email" }, bad) instanceof CellError, bad);
  }
  for (
    const good of [
      "a+tag@x.co",
      "o'neil@x.ie",
      "jürgen.müller@exämple.de",
      "a_b-c@sub.domain.travel",
    ]
  ) {
    assert.equal(check({ type: "email" }, good), good);
  }

  assert.equal(
    reason(check({ type: "url" }, "javascript:alert(1)")),
    '"javascript:alert(1)" is not a web address (http:// or https://)',
  );
  assert.equal(
    reason(check({ type: "text" }, "a\u0000b")),
    "contains a NUL character (binary data)",
  );
});

Deno.test("constraints: required, values, min, max, pattern, max_length", () => {
  assert.equal(reason(check({ type: "text", required: true }, null)), "a value is required");
  assert.equal(check({ type: "text" }, null), null);
  assert.equal(
    reason(check({ type: "text", values: ["lead", "mql"] }, "Lead")),
    '"Lead" is not one of lead, mql (did you mean "lead"?)',
  );
  assert.equal(reason(check({ type: "decimal", min: 0 }, -1)), "-1 is below the minimum 0");
  assert.equal(reason(check({ type: "integer", max: 10 }, "11")), "11 is above the maximum 10");
  assert.equal(
    reason(check({ type: "date", min: "2020-01-01" }, "2019-12-31")),
    '"2019-12-31" is below the minimum 2020-01-01',
  );
  assert.equal(check({ type: "date", max: "2030-01-01" }, "2029-12-31"), "2029-12-31");
  assert.equal(
    reason(check({ type: "text", pattern: "^[A-Z]{3}$" }, "usd")),
    '"usd" does not match the pattern ^[A-Z]{3}$',
  );
  assert.equal(
    reason(check({ type: "text", max_length: 3 }, "abcd")),
    "is 4 characters long, over the limit of 3",
  );
  assert.equal(check({ type: "text", max_length: 3 }, "äöü"), "äöü");
});

Deno.test("a key column is required even when the schema does not say so", () => {
  assert.equal(
    reason(compileColumnValidator(column({ type: "text" }), { required: true })(null)),
    "a value is required",
  );
});

Deno.test("a pattern that backtracks without end still checks a value at once", () => {
  // ^([a-z]+ ?)*$ takes a backtracking engine minutes on 30 letters and a "!"
  const started = performance.now();
  assert.equal(
    reason(check({ type: "text", pattern: "^([a-z]+ ?)*$" }, `${"a".repeat(30)}!`)),
    `"${"a".repeat(30)}!" does not match the pattern ^([a-z]+ ?)*$`,
  );
  assert.ok(performance.now() - started < 1000, `${Math.round(performance.now() - started)} ms`);
});

Deno.test("integer reads digits alone as Number() of the trimmed text reads them", () => {
  // the check before its scan of plain digits: a regex, then Number()
  const reference = (text: string) =>
    /^[+-]?\d+(\.0+)?$/.test(text.trim()) && Number.isSafeInteger(Number(text.trim())) &&
      !/^[+-]?[1-9]\d{0,2}\.000$/.test(text.trim()) // a thousand or one: refused
      ? Number(text.trim())
      : "refused";
  const text = fc.oneof(
    fc.stringMatching(/^\d{0,17}$/),
    fc.stringMatching(/^[1-9]\d{14,16}$/),
    fc.stringMatching(/^[\s+-]?\d{1,16}(\.0*)?\s?$/),
    fc.string({ maxLength: 16 }),
  );
  fc.assert(
    fc.property(text, (value) => {
      const stored = check({ type: "integer" }, value);
      assert.deepEqual(stored instanceof CellError ? "refused" : stored, reference(value), value);
    }),
    { numRuns: 3000 },
  );
});

Deno.test("email takes exactly the addresses its regexes took, on any text", () => {
  // the check before its scan of plain addresses: the two regexes alone
  const ascii =
    /^[\w!#$%&'*+/=?^`{|}~-](?:[\w!#$%&'*+/=?^`{|}~.-]{0,62}[\w!#$%&'*+/=?^`{|}~-])?@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/i;
  const unicode =
    /^[^\s@"<>,;:()[\]\\.](?:[^\s@"<>,;:()[\]\\]{0,62}[^\s@"<>,;:()[\]\\.])?@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+\p{L}{2,}$/u;
  const reference = (text: string) =>
    (ascii.test(text) || unicode.test(text)) && !text.includes("..") ? text : "refused";
  const piece = fc.constantFrom(
    "a",
    "Z",
    "0",
    "_",
    ".",
    "..",
    "-",
    "+",
    "!",
    "'",
    "`",
    "~",
    "@",
    "@@",
    " ",
    "\t",
    '"',
    "(",
    ",",
    "\\",
    "ü",
    "é",
    "\u0000",
    "\ud800",
    "com",
    "de",
    "x1",
    "-x",
    "x-",
    "q".repeat(63),
  );
  const part = fc.array(piece, { maxLength: 6 }).map((p) => p.join(""));
  const address = fc.tuple(
    part,
    fc.constantFrom("@", "@@", ""),
    part,
    fc.constantFrom(
      ".com",
      ".de",
      ".c",
      ".",
      "",
      ".x1",
      ".co-m",
      ".COM",
      ".ü",
    ),
  ).map(([local, at, domain, end]) => local + at + domain + end);
  fc.assert(
    fc.property(fc.oneof(address, fc.string(), fc.string({ unit: "binary" })), (text) => {
      const stored = check({ type: "email" }, text);
      assert.equal(stored instanceof CellError ? "refused" : stored, reference(text), text);
    }),
    { numRuns: 5000 },
  );
  assert.equal(
    check({ type: "email" }, "Dana.Wang24023@Example.COM"),
    "Dana.Wang24023@Example.COM",
  );
  assert.equal(check({ type: "email" }, "a@b-c.d-e.io"), "a@b-c.d-e.io");
  assert.ok(check({ type: "email" }, "a@b.c1") instanceof CellError);
  assert.ok(check({ type: "email" }, "a@-b.io") instanceof CellError);
  assert.ok(check({ type: "email" }, "a@b-.io") instanceof CellError);
  assert.ok(check({ type: "email" }, `${"a".repeat(65)}@b.io`) instanceof CellError);
});

Deno.test("an integer written 1.000 is refused as a thousand or one; 1.0, 1.00 and 1234.000 are read", () => {
  for (
    const [text, one, thousand] of [["1.000", 1, 1000], ["12.000", 12, 12000], [
      "-123.000",
      -123,
      -123000,
    ]] as const
  ) {
    assert.equal(
      reason(check({ type: "integer" }, text)),
      `"${text}" could be ${one} or ${thousand} (a dot between thousands): add {parse_number: {decimal: ","}} to the column's clean rules if the file writes 1.000 for a thousand, or {parse_number: {decimal: "."}} if for one`,
    );
    // a rule that says which reads it
    for (const [decimal, want] of [[",", thousand], [".", one]] as const) {
      const cleaned = compileCleanRules([{ name: "parse_number", arg: { decimal } }])(text);
      assert.equal(check({ type: "integer" }, cleaned as number), want);
    }
  }
  assert.equal(check({ type: "integer" }, "1.0"), 1);
  assert.equal(check({ type: "integer" }, "1.00"), 1);
  assert.equal(check({ type: "integer" }, "1234.000"), 1234);
  assert.equal(check({ type: "integer" }, 1000), 1000);
});
