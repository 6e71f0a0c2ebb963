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

/**
 * A size as people read it: `512 B`, `41.9 KB`, `42.0 MB`, `1,536.2 MB` — KB only below
 * 1 MB, thousands separated.
 */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const [value, unit] = bytes < 1 << 20 ? [bytes / 1024, "KB"] : [bytes / (1 << 20), "MB"];
  const [whole, tenth] = value.toFixed(1).split(".");
  return `${formatCount(Number(whole))}.${tenth} ${unit}`;
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
