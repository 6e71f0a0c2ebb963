/**
 * Keeps a data table in step with its schema file: creates it, adds new columns, and
 * refuses changes that would need existing rows rewritten (a type or key change).
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { StoreError } from "../../../util/errors.ts";
import { COLUMN_TYPES, type TableSchema } from "../../../config/table_schema.ts";
import { ident } from "./sql.ts";

/** Columns every data table carries besides its own. */
export const SYSTEM_COLUMNS = ["_source", "_run_id", "_loaded_at"] as const;
/** For a table without a key: a hash of the row's values, unique, so whole-row duplicates drop. */
export const ROW_HASH = "_row_hash";

/** What has to happen to a table before a step can load into it. */
export interface TableChanges {
  create: boolean;
  addColumns: string[];
  /** Columns the table has but the schema no longer lists: kept, filled with NULL. */
  orphanColumns: string[];
}

interface ColumnInfo {
  name: string;
  type: string;
}

/** The unique index that enforces a table's key (or its row hash). */
export function keyIndexName(table: string): string {
  return `${table}__key`;
}

/** The columns the key index covers. */
export function keyColumns(schema: TableSchema): string[] {
  return schema.key ?? [ROW_HASH];
}

/**
 * Compares the table in the database with its schema and says what to change; throws a
 * StoreError, changing nothing, when the difference is not a plain addition.
 */
export function planTableChanges(db: DatabaseSync, schema: TableSchema): TableChanges {
  const existing = db.prepare(`PRAGMA table_info(${ident(schema.name)})`)
    .all() as unknown as ColumnInfo[];
  if (existing.length === 0) return { create: true, addColumns: [], orphanColumns: [] };
  const stored = new Map(existing.map((column) => [column.name, column.type.toUpperCase()]));
  const problems: string[] = [];
  for (const [name, column] of Object.entries(schema.columns)) {
    const type = stored.get(name);
    if (type !== undefined && type !== COLUMN_TYPES[column.type]) {
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
  if (problems.length > 0) {
    throw new StoreError(
      `${schema.file} no longer matches table ${schema.name} in the database: ${
        problems.join("; ")
      }`,
      {
        code: "schema_incompatible",
        location: schema.file,
        hint: `Undo that change in ${schema.file}, or give the new definition a new table name ` +
          `(a new schema file); the existing rows stay as they are.`,
      },
    );
  }
  const names = new Set(Object.keys(schema.columns));
  return {
    create: false,
    addColumns: Object.keys(schema.columns).filter((name) => !stored.has(name)),
    orphanColumns: existing.map((column) => column.name).filter((name) =>
      !names.has(name) && !name.startsWith("_")
    ),
  };
}

/** Applies planned changes; run it inside the step's transaction so a failure undoes it. */
export function applyTableChanges(
  db: DatabaseSync,
  schema: TableSchema,
  changes: TableChanges,
): void {
  const table = ident(schema.name);
  if (changes.create) {
    const columns = Object.entries(schema.columns).map(([name, column]) =>
      `${ident(name)} ${COLUMN_TYPES[column.type]}`
    );
    if (!schema.key) columns.push(`${ROW_HASH} TEXT NOT NULL`);
    columns.push("_source TEXT NOT NULL", "_run_id INTEGER NOT NULL", "_loaded_at TEXT NOT NULL");
    db.exec(`CREATE TABLE ${table} (${columns.join(", ")}) STRICT`);
  }
  for (const name of changes.addColumns) {
    db.exec(
      `ALTER TABLE ${table} ADD COLUMN ${ident(name)} ${COLUMN_TYPES[schema.columns[name]!.type]}`,
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
