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

// The zone as the header's last word, bracketed or not: "Created (UTC)", "Time GMT",
// "created_at_utc", "Start (UTC+2)", "Start [GMT-05:00]", LinkedIn's "Start Date (in UTC)".
// Not a mention elsewhere: "Local time (not UTC)", "Converted from UTC to local",
// "utc_offset" name no zone of their column.
const ZONE_AT_END =
  /(?:[([]\s*(?:in\s+)?|(?:^|[\s_\-]))(?:utc|gmt)(?:\s*([+\-\u2212\u2013])\s*(\d{1,2})(?::?(\d{2}))?)?\s*[)\]]?\s*$/i;

/**
 * The zone a header says its times are in, as an IANA name (Etc/GMT-2 is UTC+2: those
 * names count the other way); null when it names an offset Plutus does not read from a
 * header (part of an hour: UTC+05:30); undefined when it names none.
 */
export function headerTimeZone(header: string): string | null | undefined {
  const match = ZONE_AT_END.exec(header);
  if (!match) return undefined;
  const [whole, sign, hours, minutes] = match;
  // a bracket closed must have been opened: "utc)" alone is no zone
  if (/[)\]]\s*$/.test(whole) !== /^[([]/.test(whole)) return undefined;
  if (sign === undefined || (Number(hours) === 0 && (minutes ?? "00") === "00")) return "UTC";
  if ((minutes ?? "00") !== "00" || Number(hours) > 14) return null;
  return `Etc/GMT${sign === "+" ? "-" : "+"}${Number(hours)}`;
}

/** A zone of headerTimeZone as a person writes it: "UTC", "UTC+02:00", "UTC-05:00". */
export function zoneLabel(zone: string): string {
  const fixed = /^Etc\/GMT([+-])(\d+)$/.exec(zone);
  if (!fixed) return zone;
  return `UTC${fixed[1] === "+" ? "-" : "+"}${fixed[2]!.padStart(2, "0")}:00`;
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
