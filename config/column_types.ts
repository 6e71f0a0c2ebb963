/**
 * The column types of a schema file and the logical type each is stored as. Its own
 * small module (no zod), so that a backend's dialect can map them without loading models.
 *
 * @module
 */

/**
 * What a column holds, whatever the database: each backend's dialect maps it to a type of
 * its own (core/store/sqlite/dialect.ts).
 */
export type LogicalType = "text" | "integer" | "decimal" | "boolean" | "date" | "datetime";

/** Column types, each with the logical type it is stored as. */
export const COLUMN_TYPES = {
  text: "text",
  integer: "integer",
  decimal: "decimal",
  boolean: "boolean",
  date: "date",
  datetime: "datetime",
  email: "text",
  url: "text",
} as const satisfies Record<string, LogicalType>;

/** A column type name. */
export type ColumnType = keyof typeof COLUMN_TYPES;
