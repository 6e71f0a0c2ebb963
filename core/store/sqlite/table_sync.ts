/**
 * Keeps a data table in step with its schema file: creates it, adds new columns, and
 * refuses changes that would need existing rows rewritten (a type or key change).
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import type { TableSchema } from "../../../config/table_schema.ts";
import type { TableChanges } from "../mod.ts";
import { keyColumns, ROW_HASH } from "../row_layout.ts";
import { assertCompatible } from "../table_changes.ts";
import { ident, storageType } from "./dialect.ts";

interface ColumnInfo {
  name: string;
  type: string;
}

/** The unique index that enforces a table's key (or its row hash). */
function keyIndexName(table: string): string {
  return `${table}__key`;
}

/**
 * Compares the table in the database with its schema and says what to change; a
 * difference that is not a plain addition is listed in `problems`.
 */
export function planTableChanges(db: DatabaseSync, schema: TableSchema): TableChanges {
  const existing = db.prepare(`PRAGMA table_info(${ident(schema.name)})`)
    .all() as unknown as ColumnInfo[];
  if (existing.length === 0) {
    return { create: true, addColumns: [], orphanColumns: [], problems: [] };
  }
  const stored = new Map(existing.map((column) => [column.name, column.type.toUpperCase()]));
  const problems: string[] = [];
  for (const [name, column] of Object.entries(schema.columns)) {
    const type = stored.get(name);
    if (type !== undefined && type !== storageType(column)) {
      problems.push(
        `column ${name} is now ${column.type}, but the table stores it as ${type}`,
      );
    }
  }
  const wantedKey = keyColumns(schema);
  const storedKey = indexColumns(db, keyIndexName(schema.name));
  if (storedKey.join(",") !== wantedKey.join(",")) {
    const count =
      (db.prepare(`SELECT count(*) AS n FROM ${ident(schema.name)}`).get() as { n: number }).n;
    if (count > 0) {
      problems.push(
        `the key is now [${wantedKey.join(", ")}], but the table's rows were de-duplicated by [${
          storedKey.join(", ")
        }]`,
      );
    }
  }
  const names = new Set(Object.keys(schema.columns));
  return {
    create: false,
    addColumns: Object.keys(schema.columns).filter((name) => !stored.has(name)),
    orphanColumns: existing.map((column) => column.name).filter((name) =>
      !names.has(name) && !name.startsWith("_")
    ),
    problems,
  };
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
