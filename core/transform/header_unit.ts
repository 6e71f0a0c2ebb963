/**
 * The currency or unit a header names — "Amount spent (USD)", "Cost EUR", "CTR (%)" — so
 * that "Amount spent (EUR)" is never taken for a new spelling of "Amount spent (USD)": the
 * numbers under it count something else, and mixing them would be a silent wrong sum.
 *
 * @module
 */
import { CURRENCY_CODES } from "./clean/parse_number.ts";

const BRACKETED = /\s*[([]\s*([^)\]]+?)\s*[)\]]\s*$/;
const CODE_AT_END = new RegExp(`[\\s_\\-](${CURRENCY_CODES})$`, "i");
const SIGN_NAMES: Record<string, string> = { "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR" };

/** "Amount spent (USD)" → "USD", "cost_eur" → "EUR", "Share [%]" → "%"; undefined: none. */
export function headerUnit(header: string): string | undefined {
  const text = header.trim();
  const unit = BRACKETED.exec(text)?.[1] ?? CODE_AT_END.exec(text)?.[1];
  if (unit === undefined) return undefined;
  return SIGN_NAMES[unit] ?? (/^[a-z]{3}$/i.test(unit) ? unit.toUpperCase() : unit.toLowerCase());
}

/**
 * The zone a header says its times are in — "Created (UTC)", "Time GMT", "created_at_utc",
 * "Date (UTC+2)" — as an IANA name (Etc/GMT-2 is UTC+2: those names count the other way);
 * undefined when it names none, or an offset of part of an hour.
 */
export function headerTimeZone(header: string): string | undefined {
  const match = /(?:^|[^a-z])(?:utc|gmt)(?:\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?)?(?![a-z0-9])/i
    .exec(header);
  if (!match) return undefined;
  const [, sign, hours, minutes] = match;
  if (sign === undefined || Number(hours) === 0) {
    return minutes && minutes !== "00" ? undefined : "UTC";
  }
  if ((minutes && minutes !== "00") || Number(hours) > 14) return undefined;
  return `Etc/GMT${sign === "+" ? "-" : "+"}${Number(hours)}`;
}

/** The header without its unit: "Amount spent (USD)" → "Amount spent". */
export function withoutUnit(header: string): string {
  const text = header.trim();
  if (BRACKETED.test(text)) return text.replace(BRACKETED, "");
  return headerUnit(text) === undefined ? text : text.replace(CODE_AT_END, "");
}

/**
 * Whether two headers name different currencies or units. "$" goes with any dollar
 * (USD, CAD, AUD …); a header without a unit differs from none.
 */
export function unitsDiffer(a: string, b: string): boolean {
  const [one, two] = [headerUnit(a), headerUnit(b)];
  if (one === undefined || two === undefined || one === two) return false;
  const dollar = (unit: string, code: string) => unit === "$" && /^[A-Z]{2}D$/.test(code);
  return !dollar(one, two) && !dollar(two, one);
}
