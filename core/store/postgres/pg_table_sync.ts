/**
 * Keeps a data table in step with its schema file, in PostgreSQL: creates it with real
 * types, adds new columns, and refuses changes that would need existing rows rewritten (a
 * type or key change), with the same messages as the SQLite backend.
 *
 * @module
 */
import type { TableSchema } from "../../../config/table_schema.ts";
import { PlutusError } from "../../../util/errors.ts";
import type { TableChanges } from "../mod.ts";
import { keyColumns, keyIndexName, ROW_HASH } from "../row_layout.ts";
import { assertCompatible, planTableChanges } from "../table_changes.ts";
import type { Sql } from "./pg_connect.ts";
import { ident, PG_TYPE_NAMES, PG_TYPES, qualified } from "./pg_sql.ts";

/** The statement that creates the unique index of a table's key (or its row hash). */
export function keyIndexSql(dbSchema: string, schema: TableSchema): string {
  return `CREATE UNIQUE INDEX ${ident(keyIndexName(schema.name))} ON ${
    qualified(dbSchema, schema.name)
  } (${keyColumns(schema).map(ident).join(", ")})`;
}

async function storedColumns(sql: Sql, dbSchema: string, table: string) {
  return await sql<{ name: string; type: string }[]>`
    SELECT column_name AS name, data_type AS type FROM information_schema.columns
    WHERE table_schema = ${dbSchema} AND table_name = ${table} ORDER BY ordinal_position`;
}

async function indexColumns(sql: Sql, dbSchema: string, index: string): Promise<string[]> {
  const rows = await sql<{ name: string }[]>`
    SELECT a.attname AS name
    FROM pg_index i
      JOIN pg_class c ON c.oid = i.indexrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
      CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k (attnum, ord)
      JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
    WHERE n.nspname = ${dbSchema} AND c.relname = ${index}
    ORDER BY k.ord`;
  return rows.map((row) => row.name);
}

/** Compares the table with its schema and says what to change (applyPgTable() refuses problems). */
export async function planPgTable(
  sql: Sql,
  dbSchema: string,
  schema: TableSchema,
): Promise<TableChanges> {
  assertNamesFit(schema);
  const columns = await storedColumns(sql, dbSchema, schema.name);
  const keyIndex = await indexColumns(sql, dbSchema, keyIndexName(schema.name));
  let hasRows = false;
  if (columns.length > 0) {
    const [{ any }] = await sql.unsafe<[{ any: boolean }]>(
      `SELECT EXISTS (SELECT 1 FROM ${qualified(dbSchema, schema.name)}) AS any`,
    );
    hasRows = any;
  }
  return planTableChanges(
    schema,
    { columns, keyIndex, hasRows },
    (column) => PG_TYPE_NAMES[PG_TYPES[column.type]]!,
  );
}

// PostgreSQL keeps the first 63 bytes of a name (NAMEDATALEN - 1) and drops the rest
const MAX_NAME_BYTES = 63;

/**
 * Refuses a table whose names PostgreSQL would cut: two long columns would become one, and
 * a cut column is not found again by its full name (the second file's load failed with
 * "column … already exists"). SQLite keeps any length.
 */
function assertNamesFit(schema: TableSchema): void {
  const bytes = (name: string) => new TextEncoder().encode(name).length;
  const where = `schema/${schema.name}.yaml`;
  const long = bytes(keyIndexName(schema.name)) > MAX_NAME_BYTES
    ? `the table name "${schema.name}" is ${bytes(schema.name)} bytes long`
    : Object.keys(schema.columns).filter((name) => bytes(name) > MAX_NAME_BYTES)
      .map((name) => `column "${name}" is ${bytes(name)} bytes long`)[0];
  if (long === undefined) return;
  throw new PlutusError(
    `${where}: ${long}; PostgreSQL keeps names of up to ${MAX_NAME_BYTES} bytes (a table's ` +
      `up to ${MAX_NAME_BYTES - 5}, for the index of its key) and cuts the rest`,
    {
      code: "pg_name_too_long",
      hint: `Shorten the name in ${where} (the source's columns: mapping can still read ` +
        "the long header), then run again.",
    },
  );
}

/** Applies planned changes; run it inside the step's transaction so a failure undoes it. */
export async function applyPgTable(
  sql: Sql,
  dbSchema: string,
  schema: TableSchema,
  changes: TableChanges,
): Promise<void> {
  assertCompatible(schema, changes);
  const table = qualified(dbSchema, schema.name);
  if (changes.create) {
    const columns = Object.entries(schema.columns).map(([name, column]) =>
      `${ident(name)} ${PG_TYPES[column.type]}`
    );
    if (!schema.key) columns.push(`${ROW_HASH} text NOT NULL`);
    columns.push(
      "_source text NOT NULL",
      "_run_id bigint NOT NULL",
      "_loaded_at timestamptz NOT NULL",
    );
    await sql.unsafe(`CREATE TABLE ${table} (${columns.join(", ")})`);
  }
  for (const name of changes.addColumns) {
    await sql.unsafe(
      `ALTER TABLE ${table} ADD COLUMN ${ident(name)} ${PG_TYPES[schema.columns[name]!.type]}`,
    );
  }
  const wanted = keyColumns(schema);
  const index = keyIndexName(schema.name);
  if ((await indexColumns(sql, dbSchema, index)).join(",") !== wanted.join(",")) {
    if (!schema.key && !changes.create) {
      // a table that had a key and is now keyless (and empty) needs the hash column first
      await sql.unsafe(
        `ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS ${ROW_HASH} text NOT NULL DEFAULT ''`,
      );
    }
    await sql.unsafe(`DROP INDEX IF EXISTS ${qualified(dbSchema, index)}`);
    await sql.unsafe(keyIndexSql(dbSchema, schema));
  }
}
