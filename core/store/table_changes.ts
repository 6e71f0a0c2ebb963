/**
 * What a backend found incompatible between a table and its schema file, said in the same
 * words whichever backend found it.
 *
 * @module
 */
import { StoreError } from "../../util/errors.ts";
import type { TableSchema } from "../../config/table_schema.ts";
import type { TableChanges } from "./mod.ts";

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
