import assert from "node:assert/strict";
import fc from "fast-check";
import { CsvRowWriter } from "./csv_rows.ts";
import { COMMA, csvLine, csvTypedLine, SEMICOLON } from "./csv_text.ts";
import type { ColumnKind } from "./typed_columns.ts";

// what a query gives: text that exercises every rule, numbers, big integers, bytes, NULL
const value = fc.oneof(
  fc.constantFrom("", " ", "=1+1", "-5", "+1 555", "@x", '"', ",", ";", "\n", "\r", "a\tb", "\t"),
  fc.constantFrom("\u00a0x", "x\u00a0", "\ufeffa", "Élodie", "Müller", "x ", "+14155555874"),
  fc.constantFrom("-x@y.com", "2026-01-02", "1.5", "-12.5"),
  fc.string({
    unit: fc.constantFrom("a", " ", ",", ";", '"', "\n", "\r", "=", "-", "é", "\u3000"),
  }),
  fc.string(),
  fc.double(),
  fc.integer(),
  fc.bigInt(),
  fc.uint8Array({ maxLength: 3 }),
  fc.constant(null),
);
const kind = fc.constantFrom<ColumnKind | undefined>(undefined, "number", "email", "phone");

Deno.test("CsvRowWriter writes the bytes of csvLine() and csvTypedLine() (property)", () => {
  fc.assert(
    fc.property(
      fc.array(fc.array(value, { minLength: 3, maxLength: 3 }), { maxLength: 5 }),
      fc.array(kind, { minLength: 3, maxLength: 3 }),
      fc.constantFrom("plain", "raw", "typed"),
      fc.boolean(),
      (rows, kinds, mode, semicolon) => {
        const dialect = semicolon ? SEMICOLON : COMMA;
        const writer = new CsvRowWriter({
          dialect,
          raw: mode === "raw",
          kinds: mode === "typed" ? kinds : undefined,
        });
        for (const row of rows) writer.write(row);
        const expected = rows.map((row) =>
          mode === "typed"
            ? csvTypedLine(row, kinds, dialect)
            : csvLine(row, mode === "raw", dialect)
        ).join("");
        assert.deepEqual(writer.take(), new TextEncoder().encode(expected));
      },
    ),
    { numRuns: 2000 },
  );
});

Deno.test("CsvRowWriter grows for a value larger than its buffer", () => {
  const writer = new CsvRowWriter();
  const huge = "x".repeat(200_000);
  writer.write([huge, "ü".repeat(100_000)]);
  assert.equal(writer.size, 200_000 + 1 + 200_000 + 2);
});
