/**
 * Text written into a regular expression.
 *
 * @module
 */

/**
 * A pattern that matches `text` literally; with `anySpace`, each run of white space in it
 * matches any run of white space (a format's or a footer's words, however spaced).
 */
export function escapeRegex(text: string, anySpace = false): string {
  const literal = text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return anySpace ? literal.replace(/\s+/g, "\\s+") : literal;
}
