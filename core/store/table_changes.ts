/**
 * How a data table is kept in step with its schema file, whichever backend holds it: each
 * backend reports what it stores (columns with their storage types, the key index, whether
 * there are rows), and one planner decides what to add and what to refuse, in the same
 * words everywhere.
 *
 * @module
 */
import { StoreError } from "../../util/errors.ts";
import type { ColumnSchema, TableSchema } from "../../config/table_schema.ts";
import type { TableChanges } from "./mod.ts";
import { keyColumns } from "./row_layout.ts";

/** What a backend found of a table in its database. */
export interface StoredTable {
  /** Each column and the type the backend stores it as; empty when there is no such table. */
  columns: { name: string; type: string }[];
  /** The columns of the table's key index, in order; empty when it has none. */
  keyIndex: string[];
  /** Whether the table holds any row (a key change is refused only then). */
  hasRows: boolean;
}

/**
 * Compares the stored table with its schema and says what to change; a difference that
 * is not a plain addition (a type or key change, which would need existing rows
 * rewritten) is listed in `problems`. `storageType` is the backend's type for a column,
 * spelled as the backend reports it.
 */
export function planTableChanges(
  schema: TableSchema,
  stored: StoredTable,
  storageType: (column: ColumnSchema) => string,
): TableChanges {
  if (stored.columns.length === 0) {
    return { create: true, addColumns: [], orphanColumns: [], problems: [] };
  }
  const types = new Map(stored.columns.map((column) => [column.name, column.type]));
  const problems: string[] = [];
  for (const [name, column] of Object.entries(schema.columns)) {
    const type = types.get(name);
    if (type !== undefined && type !== storageType(column)) {
      problems.push(`column ${name} is now ${column.type}, but the table stores it as ${type}`);
    }
  }
  const wantedKey = keyColumns(schema);
  if (stored.keyIndex.join(",") !== wantedKey.join(",") && stored.hasRows) {
    problems.push(
      `the key is now [${wantedKey.join(", ")}], but the table's rows were de-duplicated by [${
        stored.keyIndex.join(", ")
      }]`,
    );
  }
  const names = new Set(Object.keys(schema.columns));
  return {
    create: false,
    addColumns: Object.keys(schema.columns).filter((name) => !types.has(name)),
    orphanColumns: stored.columns.map((column) => column.name).filter((name) =>
      !names.has(name) && !name.startsWith("_")
    ),
    problems,
  };
}

/** Throws a StoreError, naming each problem and the way out, when `changes` has problems. */
export function assertCompatible(schema: TableSchema, changes: TableChanges): void {
  if (changes.problems.length === 0) return;
  throw new StoreError(
    `${schema.file} no longer matches table ${schema.name} in the database: ${
      changes.problems.join("; ")
    }`,
    {
      code: "schema_incompatible",
      location: schema.file,
      hint: `Undo that change in ${schema.file}, or give the new definition a new table name ` +
        `(a new schema file); the existing rows stay as they are.`,
    },
  );
}
