/**
 * Keeps a data table in step with its schema file: creates it, adds new columns, and
 * refuses changes that would need existing rows rewritten (a type or key change).
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import type { TableSchema } from "../../../config/table_schema.ts";
import type { TableChanges } from "../mod.ts";
import { keyColumns, keyIndexName, ROW_HASH } from "../row_layout.ts";
import { assertCompatible, planTableChanges as plan } from "../table_changes.ts";
import { ident, storageType } from "./dialect.ts";

interface ColumnInfo {
  name: string;
  type: string;
}

/** Compares the table in the database with its schema and says what to change. */
export function planTableChanges(db: DatabaseSync, schema: TableSchema): TableChanges {
  const table = ident(schema.name);
  const columns = (db.prepare(`PRAGMA table_info(${table})`).all() as unknown as ColumnInfo[])
    .map((column) => ({ name: column.name, type: column.type.toUpperCase() }));
  const hasRows = columns.length > 0 &&
    (db.prepare(`SELECT EXISTS (SELECT 1 FROM ${table}) AS any`).get() as { any: number }).any ===
      1;
  return plan(
    schema,
    { columns, keyIndex: indexColumns(db, keyIndexName(schema.name)), hasRows },
    storageType,
  );
}

/** Applies planned changes; run it inside the step's transaction so a failure undoes it. */
export function applyTableChanges(
  db: DatabaseSync,
  schema: TableSchema,
  changes: TableChanges,
): void {
  assertCompatible(schema, changes);
  const table = ident(schema.name);
  if (changes.create) {
    const columns = Object.entries(schema.columns).map(([name, column]) =>
      `${ident(name)} ${storageType(column)}`
    );
    if (!schema.key) columns.push(`${ROW_HASH} TEXT NOT NULL`);
    columns.push("_source TEXT NOT NULL", "_run_id INTEGER NOT NULL", "_loaded_at TEXT NOT NULL");
    db.exec(`CREATE TABLE ${table} (${columns.join(", ")}) STRICT`);
  }
  for (const name of changes.addColumns) {
    db.exec(
      `ALTER TABLE ${table} ADD COLUMN ${ident(name)} ${storageType(schema.columns[name]!)}`,
    );
  }
  const wanted = keyColumns(schema);
  if (indexColumns(db, keyIndexName(schema.name)).join(",") !== wanted.join(",")) {
    if (!schema.key && !changes.create) {
      // A table that had a key and is now keyless (and empty) needs the hash column first.
      const has = (db.prepare(`PRAGMA table_info(${table})`).all() as unknown as ColumnInfo[])
        .some((column) => column.name === ROW_HASH);
      if (!has) db.exec(`ALTER TABLE ${table} ADD COLUMN ${ROW_HASH} TEXT NOT NULL DEFAULT ''`);
    }
    db.exec(`DROP INDEX IF EXISTS ${ident(keyIndexName(schema.name))}`);
    db.exec(
      `CREATE UNIQUE INDEX ${ident(keyIndexName(schema.name))} ON ${table} (${
        wanted.map(ident).join(", ")
      })`,
    );
  }
}

function indexColumns(db: DatabaseSync, index: string): string[] {
  const rows = db.prepare(`PRAGMA index_info(${ident(index)})`).all() as unknown as {
    name: string;
  }[];
  return rows.map((row) => row.name);
}
