/**
 * JSON parsing that keeps every digit. JSON.parse turns each number into a double, so an id
 * such as 1234567890123456789 (19 digits, as order systems and ad platforms send them)
 * arrives as 1234567890123456800 — different records would merge under one key before any
 * rule could see it. Here a number that a double cannot hold as written stays its source
 * text (as a raw JSON value: JSON.stringify writes it back unquoted), and dot paths hand it
 * on as that text, so the column's type decides, as it does for the same digits in a CSV.
 *
 * @module
 */

/** The parts of the JSON "source text access" proposal (V8 ≥ 11.4) that TypeScript lacks. */
interface RawJsonApi {
  rawJSON(text: string): object;
  isRawJSON(value: unknown): boolean;
}

const RAW = JSON as unknown as RawJsonApi;

// Only a number of 16 or more digits, or with an exponent of 3 or more digits (over- and
// underflow), can be past 2^53 as written or differ from its double: text without either
// (most pages) is parsed without the reviver, which costs several times the plain parse.
const MAYBE_INEXACT = /\d[\d.]{15}|[eE][+-]?\d{3}/;

/** Parses JSON like JSON.parse, keeping numbers a double cannot hold as raw JSON values. */
export function parseJsonExact(text: string): unknown {
  if (!MAYBE_INEXACT.test(text)) return JSON.parse(text);
  return JSON.parse(text, keepDigits as (key: string, value: unknown) => unknown);
}

function keepDigits(_key: string, value: unknown, context?: { source?: string }): unknown {
  if (typeof value !== "number") return value;
  const source = context?.source;
  if (source === undefined || source === String(value)) return value;
  // A whole number past 2^53 stays digits even where a double holds it (2^60): as a number
  // it would reach a text column as 1152921504606847000, not as the API wrote it.
  if (WHOLE.test(source)) return Number.isSafeInteger(value) ? value : RAW.rawJSON(source);
  return sameDecimal(source, String(value)) ? value : RAW.rawJSON(source);
}

const WHOLE = /^-?\d+$/;

/** The number text of a raw JSON value, or undefined for any other value. */
export function exactNumberText(value: unknown): string | undefined {
  return typeof value === "object" && value !== null && RAW.isRawJSON(value)
    ? (value as { rawJSON: string }).rawJSON
    : undefined;
}

/** `value`, with a kept number as its text: what a column (or a cursor) reads. */
export function jsonValue(value: unknown): unknown {
  return exactNumberText(value) ?? value;
}

const NUMBER_PARTS = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i;

/**
 * Whether two number texts (JSON's form, and JavaScript's, which may write `1e+21`) are
 * the same decimal number: `1.50` and `1.5` are, `1234567890123456789` and
 * `1234567890123456800` are not.
 */
function sameDecimal(a: string, b: string): boolean {
  const x = decimalKey(a);
  return x !== undefined && x === decimalKey(b);
}

/** A number text as digits without leading or trailing zeros and the power of ten after them. */
function decimalKey(text: string): string | undefined {
  const parts = NUMBER_PARTS.exec(text);
  if (!parts) return undefined; // Infinity: the text overflowed
  const [, sign, whole, fraction = "", exponent = "0"] = parts;
  const digits = (whole! + fraction).replace(/^0+/, "");
  if (digits === "") return "0"; // -0 is 0
  const significant = digits.replace(/0+$/, "");
  const power = BigInt(exponent) - BigInt(fraction.length) +
    BigInt(digits.length - significant.length);
  return `${sign}${significant}e${power}`;
}
