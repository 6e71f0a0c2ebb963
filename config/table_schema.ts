/**
 * The model of one schema/<table>.yaml file: the table's columns with their types,
 * constraints and clean rules, its natural key and which duplicate wins.
 *
 * @module
 */
import { z } from "zod";
import { cleanRules } from "./clean_rule_model.ts";
import { NAME_PATTERN } from "./plutus_config.ts";
import { regexText, strictObject } from "./zod_helpers.ts";
import { COLUMN_TYPES, type ColumnType } from "./column_types.ts";

export { COLUMN_TYPES, type ColumnType, type LogicalType } from "./column_types.ts";

const TEXT_LIKE: readonly ColumnType[] = ["text", "email", "url"];
const ORDERED: readonly ColumnType[] = ["integer", "decimal", "date", "datetime"];

const bound = z.union([z.number(), z.string()], { error: "expected a number or a date" });

const columnModel = strictObject({
  type: z.enum(Object.keys(COLUMN_TYPES) as [ColumnType, ...ColumnType[]]),
  required: z.boolean().default(false),
  clean: cleanRules.default([]),
  values: z.array(z.union([z.string(), z.number()])).min(1).optional(),
  min: bound.optional(),
  max: bound.optional(),
  pattern: regexText.optional(),
  max_length: z.int().min(1).optional(),
  description: z.string().optional(),
}).superRefine((column, context) => {
  const problem = (path: string, message: string) =>
    context.addIssue({ code: "custom", path: [path], message, input: column[path as "min"] });
  for (const key of ["min", "max"] as const) {
    if (column[key] === undefined) continue;
    if (!ORDERED.includes(column.type)) {
      problem(
        key,
        `${key} applies to integer, decimal, date and datetime columns, not ${column.type}`,
      );
    } else if (
      (column.type === "integer" || column.type === "decimal") !== (typeof column[key] === "number")
    ) {
      problem(
        key,
        `${key} of a ${column.type} column must be a ${
          column.type === "integer" || column.type === "decimal"
            ? "number"
            : "date such as 2024-01-01"
        }`,
      );
    }
  }
  for (const key of ["pattern", "max_length"] as const) {
    if (column[key] !== undefined && !TEXT_LIKE.includes(column.type)) {
      problem(key, `${key} applies to text, email and url columns, not ${column.type}`);
    }
  }
});

/** One column as loaded, with defaults filled in. */
export type ColumnSchema = z.output<typeof columnModel>;

/**
 * Names SQLite gives every table (a column named rowid hides the row number Plutus counts
 * loads by) and names it keeps for itself. The system columns _source, _run_id and
 * _loaded_at start with _, which NAME_PATTERN refuses already.
 */
const RESERVED_COLUMNS = new Set(["rowid", "oid", "_rowid_"]);

const columnName = z.string().regex(NAME_PATTERN, {
  message: "a column name is lower_snake_case: letters, digits and _, starting with a letter",
}).refine((name) => !RESERVED_COLUMNS.has(name) && !name.startsWith("sqlite_"), {
  message:
    "SQLite keeps this name for itself (rowid, oid and names starting with sqlite_); call the column something else, such as row_id",
});

/** The whole of a schema file. */
export const tableSchemaModel = strictObject({
  description: z.string().optional(),
  columns: z.record(columnName, columnModel).refine((columns) => Object.keys(columns).length > 0, {
    message: "a table needs at least one column",
  }),
  key: z.union([z.string(), z.array(z.string()).min(1)]).transform((key) =>
    typeof key === "string" ? [key] : key
  ).optional(),
  keep: z.enum(["first", "last", "latest"]).default("last"),
  order_by: z.string().optional(),
}).superRefine((table, context) => {
  const names = Object.keys(table.columns);
  const unknown = (path: (string | number)[], name: string) =>
    context.addIssue({
      code: "custom",
      path,
      input: name,
      message: `"${name}" is not a column of this table; columns: ${names.join(", ")}`,
    });
  table.key?.forEach((name, index) => {
    if (!names.includes(name)) unknown(["key", index], name);
  });
  if (table.keep === "latest" && table.order_by === undefined) {
    context.addIssue({
      code: "custom",
      path: ["order_by"],
      message: "keep: latest needs order_by: the column whose greater value wins",
    });
  }
  if (table.order_by !== undefined) {
    if (!names.includes(table.order_by)) unknown(["order_by"], table.order_by);
    else if (table.keep !== "latest") {
      context.addIssue({
        code: "custom",
        path: ["order_by"],
        message: `order_by is used only with keep: latest; keep is ${table.keep}`,
      });
    }
  }
});

/** A table definition as loaded: its name comes from the file name. */
export type TableSchema = z.output<typeof tableSchemaModel> & { name: string; file: string };
