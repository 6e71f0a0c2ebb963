/**
 * Numbers as marketing exports write them: "$1,234.50", "(12.50)", "1.234,50 €",
 * "USD 99", "1 234", "-12%", "1e3".
 *
 * @module
 */
import { type Cell, CellError, PercentCell, showCell } from "../cell.ts";

/** Which characters separate decimals and thousands. */
export interface NumberFormat {
  /** The decimal separator: "." (default) or ",". */
  decimal?: "." | ",";
  /** The thousands separator; by default "," when decimal is "." and "." when it is ",". */
  thousands?: string;
}

/** ISO codes of the currencies marketing and sales data is commonly in. */
export const CURRENCY_CODES =
  "USD|EUR|GBP|JPY|CNY|INR|AUD|CAD|CHF|SEK|NOK|DKK|PLN|CZK|HUF|RON|BGN|BRL|MXN|ARS|CLP|COP|PEN|ZAR|" +
  "NZD|SGD|HKD|KRW|TWD|TRY|RUB|UAH|ILS|AED|SAR|QAR|THB|IDR|MYR|PHP|VND|NGN|EGP|KES|MAD|PKR|BDT";

// Currency signs and codes an amount may carry before or after it.
const SIGNS = "[$€£¥₹₩₽₺₫₪₦₱฿]|R\\$|C\\$|A\\$|NZ\\$|HK\\$|S\\$|kr|zł|Kč|Fr\\.";
const CURRENCY = new RegExp(`^(?:${SIGNS}|(?:${CURRENCY_CODES})(?![A-Za-z]))`, "u");
const CURRENCY_END = new RegExp(`(?:${SIGNS}|(?<![A-Za-z])(?:${CURRENCY_CODES}))$`, "u");
const SPACES = /[\s\u00a0\u202f\u2009]/g;

/**
 * Parses a number written with currency signs, thousands separators, accounting negatives
 * `(12.50)` and a decimal point or comma. Numbers pass through. Returns a CellError with a
 * reason when the text is not a number in that format.
 */
export function parseNumber(value: Cell, format: NumberFormat = {}): Cell | CellError {
  return compileParseNumber(format)(value);
}

/** parseNumber for one format, compiled once per column: it runs for every row. */
export function compileParseNumber(format: NumberFormat = {}): (value: Cell) => Cell | CellError {
  const decimal = format.decimal ?? ".";
  const thousands = format.thousands ?? (decimal === "." ? "," : ".");
  const decimalCode = decimal.charCodeAt(0);
  const thousandsCode = thousands === "" ? -1 : thousands.charCodeAt(0);
  return (value) => {
    if (value === null || typeof value === "number") return value;
    if (typeof value === "string") {
      const number = scanSimple(value, decimalCode, thousandsCode);
      if (number !== undefined) return number;
    }
    return parseAnyNumber(value, decimal, thousands);
  };
}

// 10^0 … 10^22: every one of them is exact as a double.
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

/**
 * Most values are plain ("1234.5") or simply grouped ("-$1,234.50"): this reads those by
 * scanning characters, several times faster than the general path; anything else (spaces,
 * codes, brackets, exponents) returns undefined and takes the general path.
 */
function scanSimple(text: string, decimalCode: number, thousandsCode: number): number | undefined {
  const end = text.length;
  let i = 0;
  const negative = text.charCodeAt(0) === 45; // -
  if (negative) i++;
  const sign = text.charCodeAt(i);
  if (sign === 36 || sign === 0x20ac || sign === 0xa3) i++; // $ € £
  const start = i;
  let digits = 0; // digits in the current group
  let grouped = false;
  // The digits as one integer, as long as it is exact (below 2^53): with them, the number
  // is computed without building its text (see below).
  let mantissa = 0;
  let mantissaDigits = 0;
  for (; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57) {
      digits++;
      mantissa = mantissa * 10 + (code - 48);
      mantissaDigits++;
    } else if (code === thousandsCode) {
      if (digits === 0 || digits > 3 || (grouped && digits !== 3)) return undefined;
      // no thousands start with 0: "0.125" is not a hundred and twenty-five
      if (!grouped && text.charCodeAt(start) === 48) return undefined;
      grouped = true;
      digits = 0;
    } else break;
  }
  if (digits === 0 || (grouped && digits !== 3)) return undefined;
  const wholeEnd = i;
  let scale = 0; // digits after the decimal separator
  if (i < end) {
    if (text.charCodeAt(i) !== decimalCode || i + 1 === end) return undefined;
    for (let j = i + 1; j < end; j++) {
      const code = text.charCodeAt(j);
      if (code < 48 || code > 57) return undefined;
      mantissa = mantissa * 10 + (code - 48);
      mantissaDigits++;
    }
    scale = end - i - 1;
  }
  let number: number;
  if (mantissaDigits <= 15 && scale <= 22) {
    // An integer below 10^15 is exact, and so is 10^scale up to 10^22: one IEEE division
    // of the two is the correctly rounded quotient, the same double Number("1234.50") reads.
    number = scale === 0 ? mantissa : mantissa / POWERS_OF_TEN[scale]!;
  } else {
    let whole = text.substring(start, wholeEnd);
    if (grouped) whole = whole.replaceAll(String.fromCharCode(thousandsCode), "");
    number = Number(scale === 0 ? whole : `${whole}.${text.substring(wholeEnd + 1)}`);
  }
  return negative ? -number : number;
}

function parseAnyNumber(
  value: Exclude<Cell, null | number>,
  decimal: string,
  thousands: string,
): Cell | CellError {
  if (typeof value === "boolean" || value instanceof Date) {
    return new CellError(`${showCell(value)} is not a number`);
  }
  if (value instanceof PercentCell) return value.fraction; // a number, as the sheet holds it
  let text = value.trim();

  if (text === "") return null;
  // One sign at most, in any of the places exports put it: "--5" or "(-5)" is no number
  // (two signs cancelled each other out: "--5" loaded as 5).
  let signs = 0;
  if (text.startsWith("(") && text.endsWith(")")) {
    signs++;
    text = text.slice(1, -1).trim();
  }
  text = text.replace(/[\u2212\u2012\u2013]/g, "-"); // typographic minus signs
  if (text.startsWith("-")) {
    signs++;
    text = text.slice(1).trim();
  } else if (text.startsWith("+")) text = text.slice(1).trim();
  const withSign = text;
  text = text.replace(CURRENCY, "").trim();
  if (text !== withSign && text.startsWith("-")) { // "$-12.50"
    signs++;
    text = text.slice(1).trim();
  }
  text = text.replace(CURRENCY_END, "").trim();
  if (text.endsWith("-")) { // "12.50-" as some ledgers write it
    signs++;
    text = text.slice(0, -1).trim();
  }
  if (signs > 1) return new CellError(`${showCell(value)} is not a number (two minus signs)`);
  const negative = signs === 1;
  const number = parsePlain(text, decimal, thousands);
  if (number === undefined) {
    const hint = decimal === "." && /^\d{1,3}(\.\d{3})*,\d+$/.test(text)
      ? ' (it looks like a decimal comma: use {parse_number: {decimal: ","}})'
      : decimal === "," && /^0\.\d+$/.test(text)
      ? ' (it looks like a decimal point: use {parse_number: {decimal: "."}})'
      : "";
    return new CellError(`${showCell(value)} is not a number${hint}`);
  }
  if (!Number.isFinite(number)) return new CellError(`${showCell(value)} is too large a number`);
  return negative ? -number : number;
}

/** Parses "12.5%", "12.5 %" or "12.5" (a percent column) into 0.125. */
export function parsePercent(value: Cell, format: NumberFormat = {}): Cell | CellError {
  return compileParsePercent(format)(value);
}

/** parsePercent for one format, compiled once per column. */
export function compileParsePercent(format: NumberFormat = {}): (value: Cell) => Cell | CellError {
  const number = compileParseNumber(format);
  return (value) => percentOf(value, number);
}

function percentOf(value: Cell, parse: (value: Cell) => Cell | CellError): Cell | CellError {
  if (value instanceof PercentCell) return value.fraction; // the sheet holds the fraction
  if (value === null) return null;
  // a number cell as its text would be: 0.07 is 0.0007, not 0.0007000000000000001
  if (typeof value === "number") return roundFloat(value / 100);
  if (typeof value !== "string") return new CellError(`${showCell(value)} is not a percentage`);
  const text = value.trim().replace(/\s*%$/, "");
  const number = parse(text);
  if (number instanceof CellError) {
    return new CellError(`${showCell(value)} is not a percentage`);
  }
  return number === null ? null : roundFloat((number as number) / 100);
}

function parsePlain(text: string, decimal: string, thousands: string): number | undefined {
  // Spaces (also no-break and thin ones) may group thousands in any locale.
  let plain = thousands === "" ? text : text.replace(SPACES, thousands);
  const parts = plain.split(decimal);
  if (parts.length > 2) return undefined;
  let whole = parts[0]!;
  if (thousands !== "" && whole.includes(thousands)) {
    const groups = whole.split(thousands);
    if (!/^[1-9]\d{0,2}$/.test(groups[0]!) || groups.slice(1).some((g) => !/^\d{3}$/.test(g))) {
      return undefined;
    }
    whole = groups.join("");
  }
  plain = parts.length === 2 ? `${whole}.${parts[1]}` : whole;
  if (!/^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(plain)) return undefined;
  return Number(plain);
}

/** Removes float noise from a division: 0.07 / 100 gives 0.0007, not 0.0007000000000000001. */
function roundFloat(value: number): number {
  return Number(value.toPrecision(15));
}
