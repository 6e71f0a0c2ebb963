/**
 * Numbers as marketing exports write them: "$1,234.50", "(12.50)", "1.234,50 €",
 * "USD 99", "1 234", "-12%", "1e3".
 *
 * @module
 */
import { type Cell, CellError, showCell } from "../cell.ts";

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
  if (value === null || typeof value === "number") return value;
  if (typeof value === "boolean" || value instanceof Date) {
    return new CellError(`${showCell(value)} is not a number`);
  }
  const decimal = format.decimal ?? ".";
  const thousands = format.thousands ?? (decimal === "." ? "," : ".");
  let text = value.trim();
  if (text === "") return null;
  let negative = false;
  if (text.startsWith("(") && text.endsWith(")")) {
    negative = true;
    text = text.slice(1, -1).trim();
  }
  text = text.replace(/[\u2212\u2012\u2013]/g, "-"); // typographic minus signs
  if (text.startsWith("-")) {
    negative = !negative;
    text = text.slice(1).trim();
  } else if (text.startsWith("+")) text = text.slice(1).trim();
  text = text.replace(CURRENCY, "").trim();
  if (text.startsWith("-")) { // "$-12.50"
    negative = !negative;
    text = text.slice(1).trim();
  }
  text = text.replace(CURRENCY_END, "").trim();
  if (text.endsWith("-")) { // "12.50-" as some ledgers write it
    negative = !negative;
    text = text.slice(0, -1).trim();
  }
  const number = parsePlain(text, decimal, thousands);
  if (number === undefined) {
    const hint = decimal === "." && /^\d{1,3}(\.\d{3})*,\d+$/.test(text)
      ? ' (it looks like a decimal comma: use {parse_number: {decimal: ","}})'
      : "";
    return new CellError(`${showCell(value)} is not a number${hint}`);
  }
  if (!Number.isFinite(number)) return new CellError(`${showCell(value)} is too large a number`);
  return negative ? -number : number;
}

/** Parses "12.5%", "12.5 %" or "12.5" (a percent column) into 0.125. */
export function parsePercent(value: Cell, format: NumberFormat = {}): Cell | CellError {
  if (value === null || typeof value === "number") return value === null ? null : value / 100;
  if (typeof value !== "string") return new CellError(`${showCell(value)} is not a percentage`);
  const text = value.trim().replace(/\s*%$/, "");
  const number = parseNumber(text, format);
  if (number instanceof CellError) return new CellError(`${showCell(value)} is not a percentage`);
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
    if (!/^\d{1,3}$/.test(groups[0]!) || groups.slice(1).some((g) => !/^\d{3}$/.test(g))) {
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
