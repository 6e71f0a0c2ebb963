/**
 * Loads a step's rows into a PostgreSQL table: every batch goes by COPY into a temporary
 * staging table, numbered in file order; at the end ONE statement merges the staged rows
 * into the table, applying the schema's keep rule, and counts what it did.
 *
 * The merge reproduces, set-based, what the SQLite backend does row by row (and what
 * tests/dedupe_model.ts models): for each key, the stored row (if any) comes first, then
 * the file's rows in order. A row replaces the current one when it wins — keep last:
 * always; keep latest: when its order_by is greater or equal to the greatest seen so far
 * for that key (a missing order_by never beats a value, but any row beats a missing one);
 * keep first, or a table without a key: never. So the table ends with each key's last
 * winner; a stored row counts as updated when some winner's values differ from it (an
 * identical re-sent row is a duplicate, not an update); a new key counts as inserted; every
 * other valid row is a duplicate. Text order_by values compare by code point (COLLATE "C"),
 * as SQLite's BINARY collation does.
 *
 * @module
 */
import type { TableSchema } from "../../../config/table_schema.ts";
import type { Stored } from "../../transform/validate_column.ts";
import type { LoadCounts, LoadStamp, TableLoader } from "../mod.ts";
import type { Sql } from "./pg_connect.ts";
import { copyRows, ident, literal, PG_TYPES, qualified } from "./pg_sql.ts";
import { insertColumns, keyColumns, ROW_HASH } from "./pg_table_sync.ts";

const STAGE = "_plutus_stage";
const TEXT_LIKE = new Set(["text", "email", "url"]);

/** A loader for one step into one table, on the step's connection and transaction. */
export class PgTableLoader implements TableLoader {
  readonly #sql: Sql;
  readonly #dbSchema: string;
  readonly #schema: TableSchema;
  readonly #stamp: LoadStamp;
  readonly #columns: string[];
  #ordinal = 1;
  #counted: LoadCounts | undefined;

  private constructor(sql: Sql, dbSchema: string, schema: TableSchema, stamp: LoadStamp) {
    this.#sql = sql;
    this.#dbSchema = dbSchema;
    this.#schema = schema;
    this.#stamp = stamp;
    this.#columns = insertColumns(schema);
  }

  /** Creates the staging table (temporary: it vanishes with the session if all else fails). */
  static async open(
    sql: Sql,
    dbSchema: string,
    schema: TableSchema,
    stamp: LoadStamp,
  ): Promise<PgTableLoader> {
    const loader = new PgTableLoader(sql, dbSchema, schema, stamp);
    const columns = loader.#columns.map((name) =>
      `${ident(name)} ${name === ROW_HASH ? "text" : PG_TYPES[schema.columns[name]!.type]}`
    );
    // one round trip: on a distant server each one costs a network delay
    await sql.unsafe(
      `DROP TABLE IF EXISTS pg_temp.${STAGE}; ` +
        `CREATE TEMP TABLE ${STAGE} (_ord bigint NOT NULL, ${columns.join(", ")})`,
    );
    return loader;
  }

  /** Copies `values.length / width` rows given as one flat array into the staging table. */
  async insert(values: Stored[]): Promise<void> {
    const width = this.#columns.length;
    if (values.length === 0) return;
    const text = copyRows(values, width, this.#ordinal);
    this.#ordinal += values.length / width;
    const columns = ["_ord", ...this.#columns].map(ident).join(", ");
    const writable = await this.#sql.unsafe(`COPY pg_temp.${STAGE} (${columns}) FROM STDIN`)
      .writable();
    const done = new Promise<void>((resolve, reject) => {
      writable.on("error", reject);
      // "finish" comes when the server has confirmed the COPY (Postgres.js waits for it)
      writable.on("finish", resolve);
      writable.end(new TextEncoder().encode(text));
    });
    // the writer's connection says when it is gone (pg_store.ts); other clients never do
    const lost = (this.#sql as unknown as { whenLost?: Promise<never> }).whenLost;
    await (lost ? Promise.race([done, lost]) : done);
  }

  /** Merges the staged rows into the table and counts; `valid` rows were given to insert(). */
  async counts(valid: number): Promise<LoadCounts> {
    if (this.#counted) return this.#counted;
    // the merge and the staging table's end in one round trip (Postgres.js gives the rows
    // of the first statement: the second returns none)
    const [row] = await this.#sql.unsafe<[{ inserted: string; updated: string }]>(
      `${mergeSql(this.#dbSchema, this.#schema, this.#stamp)}; DROP TABLE pg_temp.${STAGE}`,
    );
    const inserted = Number(row.inserted);
    const updated = Number(row.updated);
    this.#counted = { inserted, updated, duplicate: valid - inserted - updated };
    return this.#counted;
  }
}

/** The one statement that merges the staging table into the table and returns the counts. */
export function mergeSql(dbSchema: string, schema: TableSchema, stamp: LoadStamp): string {
  const table = qualified(dbSchema, schema.name);
  const columns = insertColumns(schema);
  const key = keyColumns(schema).map(ident).join(", ");
  const others = schema.key
    ? Object.keys(schema.columns).filter((name) => !schema.key!.includes(name))
    : [];
  const list = columns.map(ident).join(", ");
  const target = `${list}, "_source", "_run_id", "_loaded_at"`;
  const stampValues = `${literal(stamp.source)}, ${stamp.runId}, ${literal(stamp.loadedAt)}`;
  if (!schema.key || schema.keep === "first" || others.length === 0) {
    // the stored row, or else the key's first row in the file, stays: nothing is updated
    return `WITH firsts AS (
        SELECT DISTINCT ON (${key}) ${list}, _ord FROM pg_temp.${STAGE} ORDER BY ${key}, _ord
      ), merged AS (
        INSERT INTO ${table} (${target})
        SELECT ${list}, ${stampValues} FROM firsts ORDER BY _ord
        ON CONFLICT (${key}) DO NOTHING RETURNING 1
      )
      SELECT count(*) AS inserted, 0 AS updated FROM merged`;
  }
  const seqColumns = `${list}`;
  let wins = "true"; // keep: last
  let previousMax = "";
  if (schema.keep === "latest") {
    const order = schema.order_by!;
    const collate = TEXT_LIKE.has(schema.columns[order]!.type) ? ` COLLATE "C"` : "";
    const o = `${ident(order)}${collate}`;
    previousMax =
      `, max(${o}) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS _prev_max`;
    // _prev_max is the current row's order_by: a missing one is beaten by any row
    wins = `_prev_max IS NULL OR (${ident(order)} IS NOT NULL AND ${o} >= _prev_max${collate})`;
  }
  const values = `ROW(${others.map(ident).join(", ")})`;
  const set = [...others, "_source", "_run_id", "_loaded_at"]
    .map((name) => `${ident(name)} = excluded.${ident(name)}`).join(", ");
  return `WITH seq AS (
      SELECT 0::bigint AS _ord, true AS _stored, ${seqColumns} FROM ${table}
        WHERE (${key}) IN (SELECT ${key} FROM pg_temp.${STAGE})
      UNION ALL
      SELECT _ord, false, ${seqColumns} FROM pg_temp.${STAGE}
    ), marked AS (
      SELECT seq.*, row_number() OVER w AS _n, bool_or(_stored) OVER (PARTITION BY ${key}) AS _has_stored,
        min(_ord) FILTER (WHERE NOT _stored) OVER (PARTITION BY ${key}) AS _since,
        first_value(${values}) OVER w AS _first${previousMax}
      FROM seq WINDOW w AS (PARTITION BY ${key} ORDER BY _ord)
    ), winners AS (
      SELECT * FROM marked WHERE _n = 1 OR ${wins}
    ), final AS (
      SELECT DISTINCT ON (${key}) ${list}, _has_stored, _since,
        bool_or(_ord > 0 AND ${values} IS DISTINCT FROM _first) OVER (PARTITION BY ${key}) AS _changed
      FROM winners ORDER BY ${key}, _ord DESC
    ), merged AS (
      INSERT INTO ${table} (${target})
      SELECT ${list}, ${stampValues} FROM final WHERE NOT _has_stored OR _changed ORDER BY _since
      ON CONFLICT (${key}) DO UPDATE SET ${set}
      RETURNING 1
    )
    SELECT count(*) FILTER (WHERE NOT _has_stored) AS inserted,
      count(*) FILTER (WHERE _has_stored AND _changed) AS updated,
      (SELECT count(*) FROM merged) AS merged
    FROM final`;
}
