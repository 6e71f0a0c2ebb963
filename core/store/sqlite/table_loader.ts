/**
 * Loads prepared rows into a table and de-duplicates them by the table's key in the same
 * statement: an UPSERT whose conflict rule is the schema's `keep` (first, last, latest).
 * Duplicates within the file and against stored rows are handled alike.
 *
 * Counting without a second pass: SQLite gives each new row the highest rowid plus one,
 * and an update keeps its row's rowid, so the rows inserted are the growth of the highest
 * rowid (Plutus deletes nothing during a step); rows updated are the stored rows a
 * temporary trigger saw change, each counted once however often it changed. The rest of
 * the valid rows are duplicates (docs/cli.md defines each count).
 *
 * @module
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import type { TableSchema } from "../../../config/table_schema.ts";
import type { Stored } from "../../transform/validate_column.ts";
import { ident, literal } from "./sql.ts";
import { keyColumns, ROW_HASH } from "./table_sync.ts";

/** What a step did to its table. */
export interface LoadCounts {
  inserted: number;
  updated: number;
  duplicate: number;
}

/** Who is loading: stamped on every row as `_source`, `_run_id`, `_loaded_at`. */
export interface LoadStamp {
  source: string;
  runId: number;
  loadedAt: string;
}

// Ten rows per statement: node:sqlite pays per bound value, and more rows per statement
// stopped paying off beyond this in measurements (bench/).
const ROWS_PER_STATEMENT = 10;

/** The columns an insert fills, in the order prepared rows carry them. */
export function insertColumns(schema: TableSchema): string[] {
  const columns = Object.keys(schema.columns);
  return schema.key ? columns : [...columns, ROW_HASH];
}

/** Inserts rows into one table inside the caller's transaction. */
export class TableLoader {
  readonly #db: DatabaseSync;
  readonly #table: string;
  readonly #width: number;
  readonly #many: StatementSync;
  readonly #one: StatementSync;
  readonly #maxRowidBefore: number;
  readonly #tracksUpdates: boolean;

  constructor(db: DatabaseSync, schema: TableSchema, stamp: LoadStamp) {
    this.#db = db;
    this.#table = ident(schema.name);
    const columns = insertColumns(schema);
    this.#width = columns.length;
    const stampValues = `${literal(stamp.source)}, ${stamp.runId}, ${literal(stamp.loadedAt)}`;
    const row = `(${columns.map(() => "?").join(", ")}, ${stampValues})`;
    const head = `INSERT INTO ${this.#table} (${
      [...columns, "_source", "_run_id", "_loaded_at"].map(ident).join(", ")
    }) VALUES `;
    const conflict = conflictClause(schema);
    this.#many = db.prepare(head + Array(ROWS_PER_STATEMENT).fill(row).join(", ") + conflict);
    this.#one = db.prepare(head + row + conflict);
    this.#maxRowidBefore = this.#maxRowid();
    this.#tracksUpdates = schema.key !== undefined && schema.keep !== "first";
    if (this.#tracksUpdates) {
      // Not INSERT OR IGNORE: a trigger's statements run under the conflict policy of the
      // statement that fired it (here the UPSERT's ABORT), so the second change of one row
      // would fail the step. Rows this step inserted are not stored rows: no record.
      db.exec(
        `CREATE TEMP TABLE IF NOT EXISTS _plutus_touched (rid INTEGER PRIMARY KEY);
         DELETE FROM temp._plutus_touched;
         DROP TRIGGER IF EXISTS temp._plutus_touch;
         CREATE TEMP TRIGGER _plutus_touch AFTER UPDATE ON main.${this.#table}
         WHEN old.rowid <= ${this.#maxRowidBefore}
         BEGIN
           INSERT INTO _plutus_touched SELECT old.rowid
           WHERE NOT EXISTS (SELECT 1 FROM _plutus_touched WHERE rid = old.rowid);
         END;`,
      );
    }
  }

  /** Inserts `values.length / width` rows given as one flat array. */
  insert(values: Stored[]): void {
    const width = this.#width;
    const rows = values.length / width;
    const chunk = width * ROWS_PER_STATEMENT;
    let offset = 0;
    for (; offset + chunk <= values.length; offset += chunk) {
      this.#many.run(...values.slice(offset, offset + chunk));
    }
    for (; offset < rows * width; offset += width) {
      this.#one.run(...values.slice(offset, offset + width));
    }
  }

  #maxRowid(): number {
    return (this.#db.prepare(`SELECT coalesce(max(rowid), 0) AS m FROM ${this.#table}`)
      .get() as { m: number }).m;
  }

  /** Counts what the step did; `valid` is the number of rows given to insert(). */
  counts(valid: number): LoadCounts {
    const inserted = this.#maxRowid() - this.#maxRowidBefore;
    const updated = this.#tracksUpdates
      ? (this.#db.prepare("SELECT count(*) AS n FROM temp._plutus_touched").get() as {
        n: number;
      }).n
      : 0;
    return { inserted, updated, duplicate: valid - inserted - updated };
  }

  /** Removes the temporary trigger; call before commit or rollback. */
  close(): void {
    if (this.#tracksUpdates) this.#db.exec("DROP TRIGGER IF EXISTS temp._plutus_touch");
  }
}

/**
 * The dedupe rule as SQL. first: the stored (or earlier) row stays. last: the incoming row
 * replaces it. latest: it replaces it when its order_by is greater or equal (ties go to the
 * incoming row; a missing order_by never wins). An update happens only when some value
 * differs, so a re-sent identical row counts as a duplicate, not an update.
 */
function conflictClause(schema: TableSchema): string {
  const key = keyColumns(schema);
  const target = ` ON CONFLICT (${key.map(ident).join(", ")})`;
  const others = Object.keys(schema.columns).filter((name) => !key.includes(name));
  if (!schema.key || schema.keep === "first" || others.length === 0) return `${target} DO NOTHING`;
  const table = ident(schema.name);
  const set = [...others, "_source", "_run_id", "_loaded_at"]
    .map((name) => `${ident(name)} = excluded.${ident(name)}`).join(", ");
  const differs = others.map((name) => `${table}.${ident(name)} IS NOT excluded.${ident(name)}`)
    .join(" OR ");
  let where = `(${differs})`;
  if (schema.keep === "latest") {
    const order = ident(schema.order_by!);
    where = `(excluded.${order} >= ${table}.${order} OR ${table}.${order} IS NULL) AND ${where}`;
  }
  return `${target} DO UPDATE SET ${set} WHERE ${where}`;
}
