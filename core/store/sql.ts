/**
 * Small SQL text helpers shared by the store's files.
 *
 * @module
 */

/** Quotes an identifier for SQLite: `"order id"`, with inner quotes doubled. */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes a text literal for SQLite. */
export function literal(value: string | number): string {
  return typeof value === "number" ? String(value) : `'${value.replaceAll("'", "''")}'`;
}

/** The current time as stored: ISO 8601 in UTC, to the second. */
export function nowIso(date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}
