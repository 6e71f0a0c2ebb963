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
import type { LoadCounts, LoadStamp } from "../mod.ts";
import { insertColumns } from "../row_layout.ts";
import { conflictClause, ident, literal } from "./dialect.ts";

// Ten rows per statement: node:sqlite pays per bound value, and more rows per statement
// stopped paying off beyond this in measurements (bench/).
const ROWS_PER_STATEMENT = 10;

/**
 * Inserts rows into one table inside the caller's transaction; synchronous, as
 * node:sqlite is (the writer wraps it in the TableLoader of mod.ts).
 */
export class SqliteTableLoader {
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
