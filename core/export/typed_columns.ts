/**
 * Which exported columns hold values that passed a typed rule, so that the CSV writes them
 * as they are: a phone number Plutus wrote as `+14155555874` must not come out as
 * `'+14155555874` (CRMs and ad platforms refuse it on re-import), and `-12.5` is a number,
 * not a formula. Free text keeps its protection.
 *
 * A column is typed when it comes straight from a table column (not an expression) whose
 * schema type is not text — or, for a text column, whose schema `clean:` rules include
 * `phone`: the table's own rules run on every row from every source, so every stored value
 * passed it. Even then a value is written as it is only when it has the shape its type
 * promises (see {@link isTypedValue}): a query's UNION can put any text under a typed name.
 *
 * @module
 */
import type { TableSchema } from "../../config/table_schema.ts";

/** What a typed column holds. */
export type ColumnKind = "number" | "boolean" | "date" | "datetime" | "email" | "url" | "phone";

/** Where a result column comes from: a table's column, or nothing (an expression). */
export interface ColumnOrigin {
  table: string | null;
  column: string | null;
}

/** The kind of each result column, or undefined for free text and expressions. */
export function typedColumnKinds(
  origins: readonly ColumnOrigin[],
  tables: ReadonlyMap<string, TableSchema>,
): (ColumnKind | undefined)[] {
  return origins.map(({ table, column }) => {
    if (table === null || column === null) return undefined;
    const schema = tables.get(table)?.columns[column];
    if (!schema) return undefined;
    switch (schema.type) {
      case "integer":
      case "decimal":
        return "number";
      case "boolean":
      case "date":
      case "datetime":
      case "email":
      case "url":
        return schema.type;
      default:
        return schema.clean.some((rule) => rule.name === "phone") ? "phone" : undefined;
    }
  });
}

const SHAPES: Record<ColumnKind, RegExp> = {
  number: /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/,
  boolean: /^[01]$/,
  date: /^\d{4}-\d{2}-\d{2}$/,
  datetime: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/,
  // letters, digits and . _ % + - only: nothing a spreadsheet could run
  email: /^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+$/,
  url: /^https?:\/\/\S+$/,
  // E.164, as the phone rule writes it
  phone: /^\+[1-9]\d{5,14}$/,
};

/** Whether `value` has the shape a `kind` column's values have after its rule. */
export function isTypedValue(kind: ColumnKind | undefined, value: unknown): boolean {
  if (kind === undefined) return false;
  if (typeof value === "number" || typeof value === "bigint") return true;
  return typeof value === "string" && SHAPES[kind].test(value);
}
