import assert from "node:assert/strict";
import fc from "fast-check";
import { CellError } from "../cell.ts";
import { parseNumber, parsePercent } from "./parse_number.ts";

const reason = (
  value: unknown,
) => (value instanceof CellError ? value.reason : `no error: ${value}`);

Deno.test("parseNumber() reads amounts as US exports write them", () => {
  assert.equal(parseNumber("$1,234.50"), 1234.5);
  assert.equal(parseNumber("1,234,567"), 1234567);
  assert.equal(parseNumber("  42 "), 42);
  assert.equal(parseNumber("-$12.50"), -12.5);
  assert.equal(parseNumber("$-12.50"), -12.5);
  assert.equal(parseNumber("(12.50)"), -12.5);
  assert.equal(parseNumber("($1,000.00)"), -1000);
  assert.equal(parseNumber("USD 99"), 99);
  assert.equal(parseNumber("99 USD"), 99);
  assert.equal(parseNumber("1 234.5"), 1234.5);
  assert.equal(parseNumber("−7"), -7);
  assert.equal(parseNumber("00123"), 123);
  assert.equal(parseNumber("1e3"), 1000);
  assert.equal(parseNumber(".5"), 0.5);
  assert.equal(parseNumber("12.50-"), -12.5);
});

Deno.test("parseNumber() reads decimal commas when told", () => {
  const eu = { decimal: "," as const };
  assert.equal(parseNumber("1.234,50", eu), 1234.5);
  assert.equal(parseNumber("1.234,50 €", eu), 1234.5);
  assert.equal(parseNumber("€ 12,5", eu), 12.5);
  assert.equal(parseNumber("1 234 567,89", eu), 1234567.89);
  assert.equal(parseNumber("1\u202f234,5", eu), 1234.5);
  assert.equal(parseNumber("CHF 1'234.50", { decimal: ".", thousands: "'" }), 1234.5);
});

Deno.test("parseNumber() passes numbers and empties through", () => {
  assert.equal(parseNumber(12.5), 12.5);
  assert.equal(parseNumber(null), null);
  assert.equal(parseNumber("   "), null);
});

Deno.test("parseNumber() refuses what is not a number, saying why", () => {
  assert.equal(reason(parseNumber("abc")), '"abc" is not a number');
  assert.equal(
    reason(parseNumber("12,5")),
    '"12,5" is not a number (it looks like a decimal comma: use {parse_number: {decimal: ","}})',
  );
  assert.equal(reason(parseNumber("1,23,4")), '"1,23,4" is not a number');
  assert.equal(reason(parseNumber("1.2.3")), '"1.2.3" is not a number');
  assert.equal(reason(parseNumber("12 34")), '"12 34" is not a number');
  assert.equal(reason(parseNumber("1e309")), '"1e309" is too large a number');
  assert.equal(reason(parseNumber("SKU123")), '"SKU123" is not a number');
  assert.equal(reason(parseNumber(true)), "true is not a number");
  // two signs do not cancel out: "--5" is no 5
  for (const text of ["--5", "-(5)", "(-5)", "-5-", "-$-5", "(5)-", "−-5"]) {
    assert.match(reason(parseNumber(text)), /^".*" is not a number/, text);
  }
});

Deno.test("parsePercent() turns percentages into fractions", () => {
  assert.equal(parsePercent("12.5%"), 0.125);
  assert.equal(parsePercent("3.45 %"), 0.0345);
  assert.equal(parsePercent("7"), 0.07);
  assert.equal(parsePercent("0,7%", { decimal: "," }), 0.007);
  assert.equal(parsePercent(50), 0.5);
  // a number cell as its text: a rejects file writes it as text, and it must load the same
  assert.equal(parsePercent(0.07), parsePercent("0.07"));
  assert.equal(parsePercent(0.07), 0.0007);
  assert.equal(parsePercent(null), null);
  assert.equal(reason(parsePercent("n/a%")), '"n/a%" is not a percentage');
});

/** The simple amounts' reading before it computed them: Number() of the digits' text. */
function simpleReference(text: string, decimal: string, thousands: string): number | undefined {
  const match = new RegExp(
    `^(-?)[$€£]?([1-9]\\d{0,2}(?:\\${thousands}\\d{3})+|\\d+)(?:\\${decimal}(\\d+))?$`,
  ).exec(text);
  if (!match) return undefined;
  const whole = match[2]!.replaceAll(thousands, "");
  const number = Number(match[3] === undefined ? whole : `${whole}.${match[3]}`);
  return match[1] ? -number : number;
}

Deno.test("parseNumber() computes simple amounts to the same double Number() reads", () => {
  const digits = (max: number) =>
    fc.array(fc.constantFrom(..."0123456789"), { minLength: 1, maxLength: max }).map((d) =>
      d.join("")
    );
  const grouped = fc.tuple(digits(3), fc.array(fc.stringMatching(/^\d{3}$/), { maxLength: 6 }));
  const amount = fc.tuple(
    fc.constantFrom("", "-"),
    fc.constantFrom("", "$", "€", "£"),
    fc.oneof(grouped, digits(30).map((d) => [d, [] as string[]] as const)),
    fc.option(digits(30)),
    fc.constantFrom(".", ","),
  );
  fc.assert(
    fc.property(amount, ([sign, currency, [head, groups], fraction, decimal]) => {
      const thousands = decimal === "." ? "," : ".";
      const text = `${sign}${currency}${[head, ...groups].join(thousands)}${
        fraction === null ? "" : decimal + fraction
      }`;
      const expected = simpleReference(text, decimal, thousands);
      const got = parseNumber(text, { decimal });
      if (expected !== undefined) assert.ok(Object.is(got, expected), `${text}: ${got}`);
    }),
    { numRuns: 5000 },
  );
  assert.ok(Object.is(parseNumber("-0.00"), -0));
  assert.equal(parseNumber("$2,755.69"), 2755.69);
  assert.equal(parseNumber("0.1"), 0.1);
  assert.equal(parseNumber("9007199254740993"), 9007199254740992); // past 2^53: as Number() reads it
  assert.equal(parseNumber("123456789012345.67"), 123456789012345.67);
  // thousands never start with 0: 0.125 under a decimal comma is not 125
  assert.equal(
    reason(parseNumber("0.125", { decimal: "," })),
    '"0.125" is not a number (it looks like a decimal point: use {parse_number: {decimal: "."}})',
  );
  assert.ok(parseNumber("-0.125", { decimal: "," }) instanceof CellError);
  assert.ok(parseNumber("012.345", { decimal: "," }) instanceof CellError);
  assert.ok(parseNumber("0,125") instanceof CellError);
  assert.equal(parseNumber("1.234", { decimal: "," }), 1234);
});
