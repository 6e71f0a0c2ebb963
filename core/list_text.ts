/**
 * Numbers and lists for messages: counts with thousands separators, and lists cut short —
 * a file can have thousands of headers, and an error should name enough of them to help.
 *
 * @module
 */

/**
 * 1234567 → "1,234,567". Written out because toLocaleString's first call loads the locale
 * data (~10 ms), which every command would pay at start.
 */
export function formatCount(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const [whole, fraction] = String(Math.abs(value)).split(".");
  const grouped = whole!.replace(/\B(?=(\d{3})+$)/g, ",");
  return `${value < 0 ? "-" : ""}${grouped}${fraction === undefined ? "" : `.${fraction}`}`;
}

/** `a, b, c, … and 1,234 more` — at most `max` items, each cut short, joined by `separator`. */
export function listSome(items: readonly string[], max = 30, separator = ", "): string {
  const shown = items.slice(0, max).map((item) => cutText(item));
  if (items.length <= max) return shown.join(separator);
  return `${shown.join(separator)}${separator}… and ${formatCount(items.length - max)} more`;
}

/** The most characters of one header or value a message shows. */
export const MAX_SHOWN_CHARS = 80;

/**
 * `text` as it is, or its first `max` characters and where it was cut: a 200 KB "header"
 * (a JSON file read as CSV) must not become a 200 KB error message.
 */
export function cutText(text: string, max = MAX_SHOWN_CHARS): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… (cut at ${max} of ${formatCount(text.length)} characters)`;
}
