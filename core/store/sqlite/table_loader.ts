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
 * Keys in no order: when a large file's keys come in no order (CRM ids, order numbers,
 * e-mails), each row its key's index entry lands somewhere in an index, and each replacement
 * (keep last or latest) rewrites a row somewhere in a table, larger than the page cache: a
 * 1M-row export took twice as long as the same rows sorted. Such a file's rows, once that
 * shows (STAGE_AFTER rows, a share of them lower than the row before), go to a scratch
 * table instead; at the end they are sorted by key, each key's rows in file order, and fed
 * to the same UPSERT in runs of MERGE_ROWS: the same rows win, the counts are the same, and
 * the pages are visited in order. The rows that came before stay as loaded. (New rows of
 * those staged are stored in key order.) One statement for all would keep a copy of every
 * page it changes in memory (its statement journal: the step's are in memory) and hold the
 * thread for seconds; a run is a few MB and the caller may yield between runs.
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
import { PlutusError } from "../../../util/errors.ts";
import { explainIoError } from "../../../util/io_errors.ts";

// Ten rows per statement: node:sqlite pays per bound value, and more rows per statement
// stopped paying off beyond this in measurements (bench/).
const ROWS_PER_STATEMENT = 10;
// Rows loaded directly before the order of their keys decides (small files never stage),
// and the share of rows with a lower key than the row before that makes a file staged.
const STAGE_AFTER = 50_000;
const STAGE_SHARE = 0.05;

/** When rows are staged: as their keys' order decides, always (tests), or never. */
export type StageMode = "auto" | "always" | "never";

/**
 * The scratch table: temporary, in a file SQLite deletes when the connection closes (or at
 * once, if the process dies: it is unlinked once opened). ATTACH, its alternative, is not
 * allowed under the permissions the executable runs with.
 */
const STAGE = "temp.plutus_stage";
const SORTED = "temp.plutus_sorted";
// Rows per merge statement: each statement has a cost of its own (a few milliseconds, the
// statement journal it opens), so runs of 2,000 took 3.0–3.4 s to merge 1M rows of ~170 bytes
// and runs of 20,000 2.2–2.5 s (a run then holds the thread ~50 ms). But a statement keeps
// the pages it changes in memory: runs hold about MERGE_BYTES of rows, so wide rows merge
// in fewer (3 KB rows: +87 MB in runs of 20,000, +1 MB in runs of 2,000).
const MERGE_ROWS = 20_000;
const MIN_MERGE_ROWS = 500;
const MERGE_BYTES = 4 << 20;
// Pages of the scratch tables' file: staged and sorted rows are written once and read in
// order, so bigger pages mean fewer calls to write and read them. Pages of 32 KB raised the
// sort's peak memory by 57 MB (staged_merge_memory_test.ts), 16 KB by 15 MB as 8 KB did.
const STAGE_PAGE_BYTES = 16384;
// The page cache while the staged rows are sorted (see #sort).
const SORT_CACHE_KB = 8000;

/**
 * Inserts rows into one table inside the caller's transaction; synchronous, as
 * node:sqlite is (the writer wraps it in the TableLoader of mod.ts).
 */
export class SqliteTableLoader {
  readonly #db: DatabaseSync;
  readonly #table: string;
  readonly #width: number;
  #many: StatementSync;
  #one: StatementSync;
  readonly #maxRowidBefore: number;
  /**
   * Rows stored before the step that it replaced; none to count in a table that was empty.
   * The connection keeps the marking function for the rest of the run, so the set is held
   * through this box and let go once counted: a run of many files holds one bitmap at most.
   */
  readonly #replaced: { set?: RowidSet } = {};
  #counted: LoadCounts | undefined;
  /** The staging plan while undecided, undefined once decided or when it cannot stage. */
  #watch: { mode: StageMode; keyAt: number[]; seen: number; lower: number } | undefined;
  #last: Stored[] | undefined;
  /** Staged rows and how far the merge has come: sorted (rowids 1…rows), merged up to `done`. */
  #merge: { sorted: boolean; rows: number; done: number; runRows: number } | undefined;
  readonly #stagedColumns: string;
  readonly #mergeSql: string;
  readonly #sortSql: string;
  readonly #keyList: string;
  /** Rows per merge statement: set by a test, else sized by the staged rows' bytes. */
  readonly #mergeRows: number | undefined;
  /** Text bytes (about) and rows staged: their average sizes the merge's runs. */
  #stagedBytes = 0;
  #stagedRows = 0;

  constructor(
    db: DatabaseSync,
    schema: TableSchema,
    stamp: LoadStamp,
    stage: StageMode = "never",
    mergeRows?: number,
  ) {
    this.#db = db;
    this.#mergeRows = mergeRows;
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
    [this.#many, this.#one] = this.#inserts(head, row, conflict);
    this.#stagedColumns = columns.map(ident).join(", ");
    this.#keyList = (schema.key ?? []).map(ident).join(", ");
    this.#mergeSql = `${head.replace(/ VALUES $/, "")} SELECT ${this.#stagedColumns}, ${stampValues}
      FROM ${SORTED} WHERE rowid > ? AND rowid <= ? ORDER BY rowid${conflict}`;
    this.#sortSql = `CREATE TABLE ${SORTED} AS SELECT ${this.#stagedColumns} FROM ${STAGE}
      ORDER BY ${this.#keyList}, rowid`;
    // only replacements pay for keys in no order: keep first inserts or leaves rows alone
    if (stage !== "never" && schema.key !== undefined && schema.keep !== "first") {
      const keyAt = schema.key.map((name) => columns.indexOf(name));
      this.#watch = { mode: stage, keyAt, seen: 0, lower: 0 };
    }
  }

  /** Inserts `values.length / width` rows given as one flat array. */
  insert(values: Stored[]): void {
    if (this.#watch) this.#decide(values);
    const width = this.#width;
    const rows = values.length / width;
    if (this.#merge) {
      this.#stagedRows += rows;
      for (const value of values) this.#stagedBytes += typeof value === "string" ? value.length : 8;
    }
    const chunk = width * ROWS_PER_STATEMENT;
    let offset = 0;
    try {
      for (; offset + chunk <= values.length; offset += chunk) {
        this.#many.run(...values.slice(offset, offset + chunk));
      }
      for (; offset < rows * width; offset += width) {
        this.#one.run(...values.slice(offset, offset + width));
      }
    } catch (error) {
      throw this.#merge ? sortSpaceError(error) : error;
    }
  }

  /** Counts rows whose key is lower than the row's before; stages once that is common. */
  #decide(values: Stored[]): void {
    const watch = this.#watch!;
    const width = this.#width;
    let last = this.#last;
    for (let offset = 0; offset < values.length; offset += width) {
      const key = watch.keyAt.map((at) => values[offset + at]!);
      if (last !== undefined && compareKeys(key, last) < 0) watch.lower++;
      last = key;
    }
    this.#last = last;
    watch.seen += values.length / width;
    if (watch.mode === "auto" && watch.seen < STAGE_AFTER) return;
    this.#watch = undefined;
    if (watch.mode === "always") this.#stage();
    else if (watch.lower >= watch.seen * STAGE_SHARE && this.#storedInKeyOrder()) this.#stage();
  }

  /**
   * Whether the rows stored before the step lie in key order (or are few): then merging in
   * key order visits their pages in order. A table loaded row by row lies in the order its
   * files came; a file in that same order (next week's export of the same CRM) loads faster
   * directly: merged in key order it took 1.4x as long (1M rows into 630k).
   */
  #storedInKeyOrder(): boolean {
    if (this.#maxRowidBefore < STAGE_AFTER) return true;
    // along the key index (no sort); the rows this step added are left out
    const rowids = this.#db.prepare(
      `SELECT rowid AS r FROM ${this.#table} ORDER BY ${this.#keyList} LIMIT 2000`,
    ).all().map((row) => row.r as number).filter((rowid) => rowid <= this.#maxRowidBefore);
    let rising = 0;
    for (let i = 1; i < rowids.length; i++) if (rowids[i]! > rowids[i - 1]!) rising++;
    return rising >= (rowids.length - 1) * 0.9;
  }

  /** From now on rows go to the scratch table; counts() merges them. */
  #stage(): void {
    // On disk, as temporary tables are between steps: in memory (the step's setting, for
    // its statement journals) it would hold the file's rows, and its sort too. SQLite
    // allows the change in a transaction until a temporary table exists; if it refuses,
    // the rows go on being loaded directly.
    try {
      this.#db.exec("PRAGMA temp_store = DEFAULT");
    } catch {
      return;
    }
    // the change of temp_store starts a new scratch file, which takes this page size: the
    // messy benchmark's upload took 0.92x the time of 4 KB pages (farm-bench, 5 pairs)
    this.#db.exec(`PRAGMA temp.page_size = ${STAGE_PAGE_BYTES}`);
    this.#db.exec(`CREATE TABLE ${STAGE} (${this.#stagedColumns})`);
    const row = `(${Array(this.#width).fill("?").join(", ")})`;
    [this.#many, this.#one] = this.#inserts(
      `INSERT INTO ${STAGE} (${this.#stagedColumns}) VALUES `,
      row,
      "",
    );
    this.#merge = { sorted: false, rows: 0, done: 0, runRows: MERGE_ROWS };
  }

  /** The statements that insert ROWS_PER_STATEMENT rows, and one row. */
  #inserts(head: string, row: string, tail: string): [StatementSync, StatementSync] {
    return [
      this.#db.prepare(head + Array(ROWS_PER_STATEMENT).fill(row).join(", ") + tail),
      this.#db.prepare(head + row + tail),
    ];
  }

  /**
   * Merges the next run of staged rows (sorting them first); false once none is left or
   * nothing was staged. counts() merges what is left; a caller that must stay responsive
   * calls this between waits.
   */
  mergeStep(): boolean {
    const merge = this.#merge;
    if (!merge) return false;
    try {
      if (!merge.sorted) {
        this.#sort();
        this.#db.exec(`DROP TABLE ${STAGE}`);
        merge.rows = (this.#db.prepare(`SELECT coalesce(max(rowid), 0) AS n FROM ${SORTED}`)
          .get() as { n: number }).n;
        merge.sorted = true;
        merge.runRows = this.#mergeRows ?? runRows(this.#stagedBytes, this.#stagedRows);
        this.#mergeRun = this.#db.prepare(this.#mergeSql);
      } else {
        this.#mergeRun!.run(merge.done, merge.done + merge.runRows);
        merge.done += merge.runRows;
      }
      if (merge.done < merge.rows) return true;
      this.#db.exec(`DROP TABLE ${SORTED}`);
      this.#merge = undefined;
      return false;
    } catch (error) {
      throw sortSpaceError(error);
    }
  }

  #mergeRun: StatementSync | undefined;

  /**
   * Sorts the staged rows into the merge's table. Every row has been read by then, so the
   * worker that prepared them is idle: SQLite's sorter gets a helper thread, and sorts in
   * lists of SORT_CACHE_KB (its in-memory lists are sized by the page cache), two at a time.
   * On the messy benchmark file the sort took 1.6-1.7 s instead of 1.9-2.1 s, at the same
   * peak memory; lists of 16 MB, or a bigger cache, were slower.
   */
  #sort(): void {
    const cache = (this.#db.prepare("PRAGMA main.cache_size").get() as { cache_size: number })
      .cache_size;
    this.#db.exec(`PRAGMA threads = 1; PRAGMA main.cache_size = -${SORT_CACHE_KB}`);
    try {
      this.#db.exec(this.#sortSql);
    } finally {
      this.#db.exec(`PRAGMA threads = 0; PRAGMA main.cache_size = ${cache}`);
    }
  }

  #maxRowid(): number {
    return (this.#db.prepare(`SELECT coalesce(max(rowid), 0) AS m FROM ${this.#table}`)
      .get() as { m: number }).m;
  }

  /** Counts what the step did; `valid` is the number of rows given to insert(). */
  counts(valid: number): LoadCounts {
    if (this.#counted) return this.#counted;
    while (this.mergeStep()) {
      // the rest of the staged rows, at once
    }
    const inserted = this.#maxRowid() - this.#maxRowidBefore;
    const updated = this.#replaced.set?.size ?? 0;
    this.#replaced.set = undefined;
    this.#counted = { inserted, updated, duplicate: valid - inserted - updated };
    return this.#counted;
  }
}

// Names each loader's marking function apart: a connection keeps the functions it was given.
let loaders = 0;

/** Rows per merge statement for rows of this average size: about MERGE_BYTES a run. */
function runRows(bytes: number, rows: number): number {
  const perRow = rows > 0 ? bytes / rows : 0;
  const fit = perRow > 0 ? Math.floor(MERGE_BYTES / perRow) : MERGE_ROWS;
  return Math.max(MIN_MERGE_ROWS, Math.min(MERGE_ROWS, fit));
}

/** Orders two keys as the key index does, near enough to tell rows in no order. */
function compareKeys(a: Stored[], b: Stored[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!, y = b[i]!;
    if (x !== y) return x! < y! ? -1 : 1;
  }
  return 0;
}

/**
 * A full disk while rows are staged or sorted: the temporary folder may be on another disk
 * than the project, and it needs about twice the file's size (the rows, then sorted).
 */
function sortSpaceError(error: unknown): unknown {
  if (explainIoError(error)?.code !== "disk_full") return error;
  const message = (error as Error).message;
  return new PlutusError(
    `a disk is full (${message}): this file's keys come in no order, so its rows are sorted ` +
      `in the temporary folder ${temporaryFolder()} before they are merged`,
    {
      code: "disk_full",
      hint:
        "Free about twice the file's size in that folder (or set SQLITE_TMPDIR to a folder on a larger disk) and some room on the project's disk, then run: plutus rerun. What was being loaded was rolled back.",
      cause: error,
    },
  );
}

/** Where SQLite puts its temporary files, as it looks for them (Unix: os_unix.c). */
function temporaryFolder(): string {
  const env = (name: string) => Deno.env.get(name) || undefined;
  if (Deno.build.os === "windows") return env("TEMP") ?? env("TMP") ?? "of Windows";
  return env("SQLITE_TMPDIR") ?? env("TMPDIR") ?? "/var/tmp";
}
