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
