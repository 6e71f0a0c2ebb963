/**
 * `plutus db copy --to URL`: a project's SQLite file copied into PostgreSQL — every data
 * table with its rows (as the PostgreSQL backend types them), and the run history (runs,
 * steps, rejects, API state) with its ids, so `status`, `rejects` and `rerun` read the same
 * afterwards. One transaction on the server: all of it arrives, or none. The file is read
 * in one read transaction (a consistent snapshot) and never changed. Counts are compared
 * table by table before the commit.
 *
 * Plain SQL on both sides (the store interface has no "copy everything" operation); the
 * tables are made as the PostgreSQL backend makes them (core/store/postgres/: the same
 * types, `_row_hash`, `<table>__key` unique index, bookkeeping columns). It lives with the
 * SQLite backend because it reads the SQLite file itself.
 *
 * @module
 */
import { DatabaseSync, type StatementSync } from "node:sqlite";
import postgres from "postgres";
import type { TableSchema } from "../../../config/table_schema.ts";
import { errorMessage, PlutusError } from "../../../util/errors.ts";
import type { PostgresTarget } from "../postgres/pg_url.ts";
import { connectPg, explainPgConnectError, type Sql } from "../postgres/pg_connect.ts";
import { PG_TYPES } from "../postgres/pg_sql.ts";
import { applyPgTable } from "../postgres/pg_table_sync.ts";
import { keyIndexName } from "../row_layout.ts";

/** What a copy did, table by table. */
export interface CopyReport {
  /** Data tables, with the rows copied. */
  tables: { name: string; rows: number }[];
  /** The run history's tables (_plutus_runs …), with the rows copied. */
  history: { name: string; rows: number }[];
  /** Where to: the server's label and the schema. */
  label: string;
  schema: string;
  /** Target tables that existed and were replaced (with `replace`). */
  replaced: string[];
}

/** Options of copySqliteToPostgres(). */
export interface CopyOptions {
  /** Drop the target's tables of the same names first; without it, a table with rows refuses. */
  replace?: boolean;
  /** Told after each table, for a progress line. */
  onTable?: (name: string, rows: number) => void;
}

/** The history tables, parents first (the order they are created and filled in). */
const HISTORY = [
  "_plutus_meta",
  "_plutus_runs",
  "_plutus_steps",
  "_plutus_rejects",
  "_plutus_state",
];

const ROW_HASH = "_row_hash";

/** Rows per INSERT: bounded memory, whatever the table's size. */
const BATCH_ROWS = 2000;

/**
 * Copies the SQLite database at `sqlitePath` into `target` (its schema). `tables` are the
 * project's table schemas: they give each column its PostgreSQL type and each table its key.
 */
export async function copySqliteToPostgres(
  sqlitePath: string,
  target: PostgresTarget,
  tables: ReadonlyMap<string, TableSchema>,
  options: CopyOptions = {},
): Promise<CopyReport> {
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(sqlitePath, { readOnly: true, timeout: 5000 });
  } catch (error) {
    throw new PlutusError(`there is no database to copy at ${sqlitePath}`, {
      code: "no_database",
      hint: "Run plutus run first, or point the project at the server directly (docs/postgres.md).",
      cause: error,
    });
  }
  try {
    db.exec("BEGIN"); // one snapshot of the file, however long the copy takes
    db.prepare("SELECT count(*) FROM sqlite_schema").get();
  } catch (error) {
    db.close();
    // a folder, or a file of another kind (plutus.yaml): the file's fault, not the server's
    throw new PlutusError(`${sqlitePath} is not a SQLite database: ${errorMessage(error)}`, {
      code: "no_database",
      hint: "Give the project's SQLite file, usually data/plutus.db.",
      cause: error,
    });
  }
  const sql = connectPg(target.url, { applicationName: "plutus db copy" });
  try {
    const plans = sqliteTables(db, tables);
    const names = plans.map((plan) => plan.name);
    let existing: Map<string, boolean>;
    try {
      existing = await targetTables(sql, target.schema, names);
    } catch (error) {
      throw await explainPgConnectError(error, target.url);
    }
    const withRows = [...existing].filter(([, rows]) => rows).map(([name]) => name);
    if (withRows.length > 0 && !options.replace) {
      throw new PlutusError(
        `schema ${target.schema} on ${target.label} already has rows in ${
          withRows.join(", ")
        }; nothing was copied`,
        {
          code: "target_not_empty",
          hint:
            "Copy into an empty database or schema, or add --replace to drop those tables there first (their rows are lost).",
        },
      );
    }
    // an empty table of the same name may still be someone's: its columns, its grants
    const empty = [...existing].filter(([, rows]) => !rows).map(([name]) => name);
    if (empty.length > 0 && !options.replace) {
      throw new PlutusError(
        `schema ${target.schema} on ${target.label} already has table(s) ${
          empty.join(", ")
        } (empty); nothing was copied`,
        {
          code: "target_not_empty",
          hint:
            "Copy into another schema (--schema), or add --replace to drop those tables there first (with their own columns and grants).",
        },
      );
    }
    const report: CopyReport = {
      tables: [],
      history: [],
      label: target.label,
      schema: target.schema,
      replaced: options.replace ? [...existing.keys()] : [],
    };
    await sql.begin(async (tx) => {
      const [{ present }] = await tx<[{ present: boolean }]>`
        SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = ${target.schema}) AS present`;
      // only when missing: CREATE SCHEMA needs a right a least-privilege user lacks
      if (!present) await tx.unsafe(`CREATE SCHEMA ${ident(target.schema)}`);
      // children first, so no foreign key stands in the way
      for (const name of [...names].reverse()) {
        if (existing.has(name)) {
          await tx.unsafe(`DROP TABLE ${qualified(target.schema, name)}`);
        }
      }
      for (const plan of plans) {
        await plan.create(tx as unknown as Sql, target.schema);
        let copied: number;
        try {
          copied = await copyRows(db, tx, target.schema, plan);
        } catch (error) {
          throw rowsRefused(error, plan.name);
        }
        const [{ count }] = await tx.unsafe<[{ count: string }]>(
          `SELECT count(*) AS count FROM ${qualified(target.schema, plan.name)}`,
        );
        if (Number(count) !== plan.rows || copied !== plan.rows) {
          throw new PlutusError(
            `table ${plan.name} has ${plan.rows} rows in the SQLite file but ${count} arrived; nothing was copied`,
            { code: "copy_count", hint: "Run the copy again; if it repeats, report it." },
          );
        }
        for (const index of plan.after(target.schema)) await tx.unsafe(index);
        (plan.history ? report.history : report.tables).push({ name: plan.name, rows: plan.rows });
        options.onTable?.(plan.name, plan.rows);
      }
    });
    return report;
  } catch (error) {
    throw await explainPgConnectError(error, target.url);
  } finally {
    try {
      db.exec("ROLLBACK");
    } catch { /* no transaction open */ }
    db.close();
    await sql.end({ timeout: 5 }).catch(() => {});
  }
}

/** A value the server refused (a bad date, a too-long text…), named with its table. */
function rowsRefused(error: unknown, table: string): unknown {
  const code = String((error as { code?: unknown })?.code ?? "");
  // connection and login failures (classes 08, 28, 57) keep their own explanation
  if (!/^[0-9A-Z]{5}$/.test(code) || /^(08|28|57)/.test(code)) return error;
  return new PlutusError(
    `table ${table} could not be copied: the server refused a row (${
      (error as Error).message
    }); nothing was copied`,
    {
      code: "copy_refused",
      hint:
        "Fix or remove that row in the SQLite file (plutus query shows it), or ask for help with the message above.",
      cause: error,
    },
  );
}

/** One table to copy: how to create it on the server, and what to do after its rows. */
interface TablePlan {
  name: string;
  history: boolean;
  rows: number;
  columns: { name: string; pgType: string; boolean: boolean }[];
  create(sql: Sql, schema: string): Promise<void>;
  /** Indexes and sequences, set once the rows are in. */
  after(schema: string): string[];
}

/** The file's tables: history first (parents before children), then the data tables. */
function sqliteTables(db: DatabaseSync, schemas: ReadonlyMap<string, TableSchema>): TablePlan[] {
  const names = db.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
  ).all().map((row) => String(row.name));
  const history = HISTORY.filter((name) => names.includes(name));
  const data = names.filter((name) => !name.startsWith("_plutus_"));
  return [
    ...history.map((name) => historyPlan(db, name)),
    ...data.map((name) => dataPlan(db, name, schemas.get(name))),
  ];
}

interface SqliteColumn {
  name: string;
  type: string;
  notNull: boolean;
  /** The default as SQL text (`0`), when the column has a number as its default. */
  numberDefault?: string;
}

function sqliteColumns(db: DatabaseSync, table: string): SqliteColumn[] {
  return db.prepare(
    'SELECT name, type, "notnull" AS not_null, dflt_value FROM pragma_table_info(?) ORDER BY cid',
  ).all(table).map((row) => ({
    name: String(row.name),
    type: String(row.type).toUpperCase(),
    notNull: Number(row.not_null) === 1,
    numberDefault: /^-?\d+$/.test(String(row.dflt_value ?? ""))
      ? String(row.dflt_value)
      : undefined,
  }));
}

function rowCount(db: DatabaseSync, table: string): number {
  return Number(db.prepare(`SELECT count(*) AS n FROM ${ident(table)}`).get()!.n);
}

/** A data table as the PostgreSQL backend makes it: typed columns, then the stamps. */
function dataPlan(db: DatabaseSync, name: string, schema: TableSchema | undefined): TablePlan {
  const stored = sqliteColumns(db, name);
  const columns = stored.map(({ name: column, type }) => {
    const declared = schema?.columns[column]?.type;
    const pgType = declared
      ? PG_TYPES[declared]
      : column === "_run_id"
      ? "bigint"
      : column === "_loaded_at"
      ? "timestamptz"
      : type === "INTEGER"
      ? "bigint"
      : type === "REAL"
      ? "numeric"
      : "text";
    return { name: column, pgType, boolean: declared === "boolean" };
  });
  const notNull = new Set(["_source", "_run_id", "_loaded_at", ROW_HASH]);
  const key = schema?.key ?? (stored.some((c) => c.name === ROW_HASH) ? [ROW_HASH] : undefined);
  // A table whose schema file knows all its columns is made as a run would make it (the
  // backend's table sync: one place decides a column's type and the key index).
  const known = new Set([
    ...Object.keys(schema?.columns ?? {}),
    "_source",
    "_run_id",
    "_loaded_at",
    ...(schema?.key ? [] : [ROW_HASH]),
  ]);
  if (schema && stored.every((c) => known.has(c.name)) && stored.length === known.size) {
    return {
      name,
      history: false,
      rows: rowCount(db, name),
      columns,
      create: (sql, s) =>
        applyPgTable(sql, s, schema, {
          create: true,
          addColumns: [],
          orphanColumns: [],
          problems: [],
        }),
      after: () => [],
    };
  }
  return {
    name,
    history: false,
    rows: rowCount(db, name),
    columns,
    create: async (sql, s) => {
      await sql.unsafe(
        `CREATE TABLE ${qualified(s, name)} (${
          columns.map((c) =>
            `${ident(c.name)} ${c.pgType}${notNull.has(c.name) ? " NOT NULL" : ""}`
          )
            .join(", ")
        })`,
      );
    },
    after: (s) =>
      key
        ? [
          `CREATE UNIQUE INDEX ${ident(keyIndexName(name))} ON ${qualified(s, name)} (${
            key.map(ident).join(", ")
          })`,
        ]
        : [],
  };
}

/** A bookkeeping table, as the PostgreSQL backend's bookkeeping makes it. */
function historyPlan(db: DatabaseSync, name: string): TablePlan {
  const stored = sqliteColumns(db, name);
  const columns = stored.map(({ name: column, type, notNull, numberDefault }) => ({
    name: column,
    pgType: column === "id"
      ? "bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
      : `${type === "INTEGER" ? "bigint" : "text"}${notNull ? " NOT NULL" : ""}${
        numberDefault !== undefined ? ` DEFAULT ${numberDefault}` : ""
      }`,
    boolean: false,
  }));
  const extra: Record<string, string> = {
    _plutus_meta: "PRIMARY KEY (key)",
    _plutus_state: "PRIMARY KEY (source, key)",
  };
  const references: Record<string, [string, string]> = {
    _plutus_steps: ["run_id", "_plutus_runs"],
    _plutus_rejects: ["step_id", "_plutus_steps"],
  };
  const indexes: Record<string, string[]> = {
    _plutus_steps: ["run_id", "checksum", "input", "source"],
    _plutus_rejects: ["step_id"],
  };
  return {
    name,
    history: true,
    rows: rowCount(db, name),
    columns,
    create: async (sql, s) => {
      const parts = columns.map((c) => `${ident(c.name)} ${c.pgType}`);
      if (extra[name]) parts.push(extra[name]);
      const reference = references[name];
      if (reference) {
        parts.push(
          `FOREIGN KEY (${ident(reference[0])}) REFERENCES ${qualified(s, reference[1])} (id)`,
        );
      }
      await sql.unsafe(`CREATE TABLE ${qualified(s, name)} (${parts.join(", ")})`);
    },
    after: (s) => [
      ...(indexes[name] ?? []).map((column) =>
        `CREATE INDEX ${
          ident(`${name}_${column === "run_id" ? "run" : column === "step_id" ? "step" : column}`)
        } ON ${qualified(s, name)} (${ident(column)})`
      ),
      // new runs and steps continue after the copied ids
      ...(columns.some((c) => c.name === "id")
        ? [
          `SELECT setval(pg_get_serial_sequence('${
            qualified(s, name).replaceAll("'", "''")
          }', 'id'), greatest((SELECT max(id) FROM ${
            qualified(s, name)
          }), 1), (SELECT count(*) > 0 FROM ${qualified(s, name)}))`,
        ]
        : []),
    ],
  };
}

/**
 * Sends a table's rows from the file in batches, each one INSERT of a JSON array that the
 * server turns into typed rows (json_populate_recordset: its own input rules, as COPY's);
 * returns how many. Not COPY: Postgres.js waits forever when the server refuses a COPY's
 * row after the last chunk was sent, where an INSERT's error simply arrives.
 */
async function copyRows(
  db: DatabaseSync,
  tx: postgres.TransactionSql,
  schema: string,
  plan: TablePlan,
): Promise<number> {
  if (plan.rows === 0) return 0;
  const list = plan.columns.map((c) => ident(c.name)).join(", ");
  // rows as arrays: not in the bundled types yet (as in core/query/run_query.ts)
  const statement = db.prepare(`SELECT ${list} FROM ${ident(plan.name)}`) as StatementSync & {
    setReturnArrays(on: boolean): void;
  };
  statement.setReadBigInts(true); // integers beyond 2^53 arrive whole
  statement.setReturnArrays(true);
  const table = qualified(schema, plan.name);
  const insert =
    `INSERT INTO ${table} (${list}) SELECT ${list} FROM json_populate_recordset(NULL::${table}, $1::json)`;
  let count = 0;
  let batch: Record<string, unknown>[] = [];
  const send = async () => {
    if (batch.length === 0) return;
    // the client learns the parameter is json and writes the rows as JSON itself
    await tx.unsafe(insert, [batch as unknown as postgres.ParameterOrJSON<never>]);
    batch = [];
  };
  for (const row of statement.iterate() as Iterable<unknown[]>) {
    const record: Record<string, unknown> = {};
    row.forEach((value, i) => {
      record[plan.columns[i]!.name] = jsonValue(value, plan.columns[i]!.boolean);
    });
    batch.push(record);
    count++;
    if (batch.length >= BATCH_ROWS) await send();
  }
  await send();
  return count;
}

/** One value for json_populate_recordset: the server reads it with the column's type. */
function jsonValue(value: unknown, boolean: boolean): unknown {
  if (value === null || value === undefined) return null;
  if (boolean) return !(value === 0 || value === 0n);
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Uint8Array) {
    return `\\x${[...value].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
  }
  return value;
}

/** Which of `names` exist in the schema, and whether each has rows. */
async function targetTables(
  sql: postgres.Sql,
  schema: string,
  names: string[],
): Promise<Map<string, boolean>> {
  const found = await sql<{ name: string }[]>`
    SELECT table_name AS name FROM information_schema.tables
    WHERE table_schema = ${schema} AND table_name IN ${sql(names.length > 0 ? names : [""])}`;
  const out = new Map<string, boolean>();
  for (const { name } of found) {
    const [{ any }] = await sql.unsafe<[{ any: boolean }]>(
      `SELECT EXISTS (SELECT 1 FROM ${qualified(schema, name)}) AS any`,
    );
    out.set(name, any);
  }
  return out;
}

function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function qualified(schema: string, table: string): string {
  return `${ident(schema)}.${ident(table)}`;
}
