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
