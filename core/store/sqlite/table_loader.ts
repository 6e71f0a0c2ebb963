/**
 * Loads prepared rows into a table and de-duplicates them by the table's key in the same
 * statement: an UPSERT whose conflict rule is the schema's `keep` (first, last, latest).
 * Duplicates within the file and against stored rows are handled alike.
 *
 * Counting without a second pass: SQLite gives each new row the highest rowid plus one,
 * and an update keeps its row's rowid, so the rows inserted are the growth of the highest
 * rowid (Plutus deletes nothing during a step); rows updated are the rows stored before
 * the step that the conflict clause replaced, each counted once however often it was
 * replaced: the clause marks their rowids in a bitmap as it replaces them. The rest of the
 * valid rows are duplicates (docs/cli.md defines each count).
 *
 * @module
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import type { TableSchema } from "../../../config/table_schema.ts";
import type { Stored } from "../../transform/validate_column.ts";
import type { LoadCounts, LoadStamp } from "../mod.ts";
import { insertColumns } from "../row_layout.ts";
import { conflictClause, ident, literal } from "./dialect.ts";
import { RowidSet } from "./rowid_set.ts";

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
  /**
   * Rows stored before the step that it replaced; none to count in a table that was empty.
   * The connection keeps the marking function for the rest of the run, so the set is held
   * through this box and let go once counted: a run of many files holds one bitmap at most.
   */
  readonly #replaced: { set?: RowidSet } = {};
  #counted: LoadCounts | undefined;

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
    this.#maxRowidBefore = this.#maxRowid();
    // Each stored row the conflict clause replaces is marked by a function its SET list
    // calls — SQLite works out SET only for a row it updates; rows this step inserted
    // (higher rowids) are not stored rows. A temporary trigger and table did this before: a
    // trigger program run per update, and a table of every replaced rowid (tens of MB in
    // memory on a full reload of millions of rows; the bitmap is a bit per stored row).
    let mark: string | undefined;
    const hadRows = (db.prepare(`SELECT EXISTS (SELECT 1 FROM ${this.#table}) AS any`).get() as {
      any: number;
    }).any === 1;
    if (schema.key !== undefined && schema.keep !== "first" && hadRows) {
      const replacedRows = this.#replaced;
      const before = this.#maxRowidBefore;
      replacedRows.set = new RowidSet(before);
      mark = `plutus_replaced_${++loaders}`;
      db.function(mark, { directOnly: true }, (rowid, loadedAt) => {
        if (Number(rowid) <= before) replacedRows.set?.add(Number(rowid));
        return loadedAt;
      });
    }
    const conflict = conflictClause(schema, mark);
    this.#many = db.prepare(head + Array(ROWS_PER_STATEMENT).fill(row).join(", ") + conflict);
    this.#one = db.prepare(head + row + conflict);
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
    if (this.#counted) return this.#counted;
    const inserted = this.#maxRowid() - this.#maxRowidBefore;
    const updated = this.#replaced.set?.size ?? 0;
    this.#replaced.set = undefined;
    this.#counted = { inserted, updated, duplicate: valid - inserted - updated };
    return this.#counted;
  }
}

// Names each loader's marking function apart: a connection keeps the functions it was given.
let loaders = 0;
