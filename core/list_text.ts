/**
 * Lists for messages: a file can have thousands of headers, and an error should name
 * enough of them to help, not print them all.
 *
 * @module
 */

/** `a, b, c, … and 1,234 more` — at most `max` items, joined by `separator`. */
export function listSome(items: readonly string[], max = 30, separator = ", "): string {
  if (items.length <= max) return items.join(separator);
  return `${items.slice(0, max).join(separator)}${separator}… and ${
    (items.length - max).toLocaleString("en-US")
  } more`;
}
