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

/** `a, b, c, … and 1,234 more` — at most `max` items, joined by `separator`. */
export function listSome(items: readonly string[], max = 30, separator = ", "): string {
  if (items.length <= max) return items.join(separator);
  return `${items.slice(0, max).join(separator)}${separator}… and ${
    formatCount(items.length - max)
  } more`;
}
