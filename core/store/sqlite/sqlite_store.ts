/**
 * The project's SQLite database, opened for writing: the data tables and Plutus's own
 * records of runs, steps, rejected rows and API state. Synchronous, as node:sqlite is;
 * the rest of Plutus reaches it through SqliteWriter (the Store of ../mod.ts).
 *
 * @module
 */
import { explainIoError } from "../../../util/io_errors.ts";
import { DatabaseSync } from "node:sqlite";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { errorMessage, StoreError } from "../../../util/errors.ts";
import type { TableSchema } from "../../../config/table_schema.ts";
import { nowIso } from "../../../util/time.ts";
import type {
  DatetimeConversion,
  LoadStamp,
  RejectRecord,
  Status,
  StepSummary,
  TableChanges,
} from "../mod.ts";
import { applyTableChanges, planTableChanges } from "./table_sync.ts";
import { SqliteTableLoader, type StageMode } from "./table_loader.ts";
import { convertStoredDatetimes } from "./datetime_migration.ts";
import { finishStepStatement, type StepRecord, stepSummaryOf } from "../step_rows.ts";

const BOOKKEEPING = `
CREATE TABLE IF NOT EXISTS _plutus_meta (key TEXT PRIMARY KEY, value TEXT) STRICT;
CREATE TABLE IF NOT EXISTS _plutus_runs (
  id INTEGER PRIMARY KEY,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  status TEXT NOT NULL,
  trigger TEXT NOT NULL,
  command TEXT,
  pid INTEGER,
  rerun_of INTEGER,
  mode TEXT
) STRICT;
CREATE TABLE IF NOT EXISTS _plutus_steps (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES _plutus_runs (id),
  source TEXT NOT NULL,
  table_name TEXT,
  input TEXT NOT NULL,
  checksum TEXT,
  status TEXT NOT NULL,
  rows_read INTEGER NOT NULL DEFAULT 0,
  rows_inserted INTEGER NOT NULL DEFAULT 0,
  rows_updated INTEGER NOT NULL DEFAULT 0,
  rows_duplicate INTEGER NOT NULL DEFAULT 0,
  rows_rejected INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  hint TEXT,
  archived_to TEXT,
  top_reasons TEXT,
  warnings TEXT,
  forced INTEGER,
  started_at TEXT NOT NULL,
  finished_at TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS _plutus_steps_run ON _plutus_steps (run_id);
CREATE INDEX IF NOT EXISTS _plutus_steps_checksum ON _plutus_steps (checksum);
-- what is wrong now: the last step of each waiting file and of each source
CREATE INDEX IF NOT EXISTS _plutus_steps_input ON _plutus_steps (input);
CREATE INDEX IF NOT EXISTS _plutus_steps_source ON _plutus_steps (source);
CREATE TABLE IF NOT EXISTS _plutus_rejects (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL,
  step_id INTEGER NOT NULL REFERENCES _plutus_steps (id),
  location TEXT NOT NULL,
  line INTEGER,
  column_name TEXT,
  value TEXT,
  reason TEXT NOT NULL,
  record TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS _plutus_rejects_step ON _plutus_rejects (step_id);
CREATE TABLE IF NOT EXISTS _plutus_state (
  source TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (source, key)
) STRICT;
INSERT OR IGNORE INTO _plutus_meta VALUES ('schema_version', '1');
`;

/** Brings a database made by an earlier Plutus up to date: columns added since. */
function addColumnsOfLaterVersions(db: DatabaseSync): void {
  const columns = db.prepare("SELECT name FROM pragma_table_info('_plutus_steps')").all()
    .map((row) => row.name);
  if (!columns.includes("top_reasons")) {
    db.exec("ALTER TABLE _plutus_steps ADD COLUMN top_reasons TEXT");
  }
  if (!columns.includes("warnings")) db.exec("ALTER TABLE _plutus_steps ADD COLUMN warnings TEXT");
  if (!columns.includes("forced")) db.exec("ALTER TABLE _plutus_steps ADD COLUMN forced INTEGER");
  const runColumns = db.prepare("SELECT name FROM pragma_table_info('_plutus_runs')").all()
    .map((row) => row.name);
  if (!runColumns.includes("mode")) db.exec("ALTER TABLE _plutus_runs ADD COLUMN mode TEXT");
}

/**
 * The page size of a new database (SQLite's default is 4 KB): tables of exports are read and
 * written in long runs, and bigger pages mean fewer of them to find, write and sort. The
 * messy benchmark's upload took 0.89x the time with keys in no order and 0.87x with keys in
 * order (farm-bench, 5 pairs each); the page cache is set in bytes, so memory stays the same.
 * SQLite keeps the page size of a database made before: it changes only by VACUUM outside WAL.
 */
const NEW_PAGE_BYTES = 16384;

/** SQLite's name of a database in memory (a dry run of a project without a database). */
const MEMORY = ":memory:";

/** The project database, opened for writing by a run. */
export class SqliteStore {
  readonly db: DatabaseSync;
  readonly path: string;

  /** The file opened (device and inode): a file put in its place is another database. */
  readonly #opened?: { dev: number; ino: number | null };

  private constructor(db: DatabaseSync, path: string, opened?: Deno.FileInfo) {
    this.db = db;
    this.path = path;
    if (opened) this.#opened = { dev: opened.dev, ino: opened.ino };
  }

  /** Throws when the file at the path is not the one opened: deleted, moved or replaced. */
  checkDatabaseFile(): void {
    if (!this.#opened) return;
    let now: Deno.FileInfo | undefined;
    try {
      now = Deno.statSync(this.path);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    if (now && now.dev === this.#opened.dev && now.ino === this.#opened.ino) return;
    throw new StoreError(
      `the database ${this.path} was ${
        now ? "replaced" : "deleted"
      } while this run had it open: what the run wrote went into the removed file and is not in the database at that path`,
      {
        code: "db_replaced",
        hint:
          "A file being loaded stays in inbox/ (not archived). Do not delete, move or replace the database while Plutus runs. " +
          `If ${this.path}-wal is left without its database, move it away; then run plutus run to load the file again.`,
      },
    );
  }

  /** Opens (creating if needed) the database at `path`, in WAL mode, with Plutus's tables. */
  static open(path: string): SqliteStore {
    try {
      // a dry run's database in memory has no folder: "." would be the caller's folder,
      // where a Plutus run for a project elsewhere may not write
      if (path !== MEMORY) mkdirSync(dirname(path), { recursive: true });
      const db = new DatabaseSync(path, { timeout: 5000 });
      // A 16 MB page cache (SQLite's default is 2 MB): a key index of a few hundred
      // thousand rows stays in memory, so keys that arrive in no order (emails, CRM ids)
      // load 1.5x faster; measured in bench/.
      // A new database gets pages of NEW_PAGE_BYTES; one made before keeps its own.
      db.exec(`PRAGMA page_size = ${NEW_PAGE_BYTES}`);
      db.exec(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA cache_size = -16000;",
      );
      // all of Plutus's tables, or none: a process killed here leaves no half-made database
      db.exec(`BEGIN IMMEDIATE; ${BOOKKEEPING}`);
      try {
        addColumnsOfLaterVersions(db);
        db.exec("COMMIT");
      } catch (error) {
        db.exec("ROLLBACK");
        throw error;
      }
      return new SqliteStore(db, path, path === MEMORY ? undefined : Deno.statSync(path));
    } catch (error) {
      // another program's write transaction: said as such, not as a folder or disk problem
      const known = explainIoError(error);
      if (known?.code === "db_locked") {
        throw new StoreError(`cannot open the database ${path}: ${known.message}`, {
          code: known.code,
          hint: known.hint,
          cause: error,
        });
      }
      throw new StoreError(`cannot open the database ${path}: ${errorMessage(error)}`, {
        code: known?.code ?? "db_open", // "disk_full", "not_writable": a kind to act on
        hint:
          "Check that the folder exists and is writable, that its disk has free space, and that the file is a SQLite database.",
        cause: error,
      });
    }
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }

  // ---- runs ------------------------------------------------------------------------

  /**
   * Records a new run as running; committed at once so a crash leaves a trace. `mode` is
   * "full" for a run that ignores incremental state.
   */
  startRun(trigger: string, command: string, rerunOf?: number, mode?: "full"): number {
    const result = this.db.prepare(
      "INSERT INTO _plutus_runs (started_at, status, trigger, command, pid, rerun_of, mode) VALUES (?, 'running', ?, ?, ?, ?, ?)",
    ).run(nowIso(), trigger, command, Deno.pid, rerunOf ?? null, mode ?? null);
    return Number(result.lastInsertRowid);
  }

  /** Ends a run; a step still running fails with `stoppedBy` (mod.ts). */
  finishRun(id: number, status: Status, stoppedBy?: string): void {
    const now = nowIso();
    if (stoppedBy !== undefined) {
      this.db.prepare(
        "UPDATE _plutus_steps SET status = 'failed', finished_at = ?, error = ? WHERE run_id = ? AND status = 'running'",
      ).run(now, stoppedBy, id);
    }
    this.db.prepare("UPDATE _plutus_runs SET status = ?, finished_at = ? WHERE id = ?")
      .run(status, now, id);
  }

  /**
   * Marks runs and steps left "running" by a process that died as interrupted. Call only
   * while holding the run lock: then nothing else can be running.
   */
  markInterrupted(): number[] {
    const stale = this.db.prepare("SELECT id FROM _plutus_runs WHERE status = 'running'")
      .all() as unknown as {
        id: number;
      }[];
    if (stale.length === 0) return [];
    const now = nowIso();
    this.db.prepare(
      "UPDATE _plutus_steps SET status = 'interrupted', finished_at = ?, error = 'the process stopped before this step finished; nothing of it was loaded' WHERE status = 'running'",
    ).run(now);
    this.db.prepare(
      "UPDATE _plutus_runs SET status = 'interrupted', finished_at = ? WHERE status = 'running'",
    )
      .run(now);
    return stale.map((run) => run.id);
  }

  // ---- steps -----------------------------------------------------------------------

  /** Records a step as running. */
  startStep(runId: number, source: string, input: string, checksum: string | null): number {
    const result = this.db.prepare(
      "INSERT INTO _plutus_steps (run_id, source, input, checksum, status, started_at) VALUES (?, ?, ?, ?, 'running', ?)",
    ).run(runId, source, input, checksum, nowIso());
    return Number(result.lastInsertRowid);
  }

  /** Writes a step's outcome (inside the step's transaction when there is one). */
  finishStep(step: StepSummary): void {
    const { sql, values } = finishStepStatement("_plutus_steps", step, nowIso(), () => "?");
    this.db.prepare(sql).run(...values);
  }

  setArchivedTo(stepId: number, path: string): void {
    this.db.prepare("UPDATE _plutus_steps SET archived_to = ? WHERE id = ?").run(path, stepId);
  }

  /** The last successful step that loaded a file with this checksum, if any. */
  findLoaded(checksum: string): StepSummary | undefined {
    const row = this.db.prepare(
      "SELECT * FROM _plutus_steps WHERE checksum = ? AND status = 'succeeded' ORDER BY id DESC LIMIT 1",
    ).get(checksum) as StepRecord | undefined;
    return row && stepSummaryOf(row);
  }

  /** Appends rejects of one step. */
  addRejects(runId: number, stepId: number, rejects: readonly RejectRecord[]): void {
    if (rejects.length === 0) return;
    const insert = this.db.prepare(
      "INSERT INTO _plutus_rejects (run_id, step_id, location, line, column_name, value, reason, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    );
    for (const reject of rejects) {
      insert.run(
        runId,
        stepId,
        reject.location,
        reject.line,
        reject.column_name,
        reject.value,
        reject.reason,
        reject.record,
      );
    }
  }

  // ---- API state ----------------------------------------------------------------------

  /** A value a source keeps between runs (its incremental position), or undefined. */
  getState(source: string, key: string): string | undefined {
    const row = this.db.prepare("SELECT value FROM _plutus_state WHERE source = ? AND key = ?").get(
      source,
      key,
    ) as
      | { value: string }
      | undefined;
    return row?.value;
  }

  /** Sets a source's value; inside the step's transaction, it commits with the rows. */
  setState(source: string, key: string, value: string): void {
    this.db.prepare(
      "INSERT INTO _plutus_state (source, key, value, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (source, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    ).run(source, key, value, nowIso());
  }

  // ---- data tables -----------------------------------------------------------------

  /** What loading into `schema` needs changed; throws when the change is incompatible. */
  planTable(schema: TableSchema): TableChanges {
    return planTableChanges(this.db, schema);
  }

  /** Applies table changes inside the current transaction. */
  applyTable(schema: TableSchema, changes: TableChanges): void {
    applyTableChanges(this.db, schema, changes);
  }

  /**
   * A loader for one table; use inside a transaction. `stage`: when it may stage rows whose
   * keys come in no order (table_loader.ts); never in a dry run, which keeps its steps'
   * changes in one transaction. `mergeRows`: tests merge staged rows in small runs.
   */
  loader(
    schema: TableSchema,
    stamp: LoadStamp,
    stage: StageMode = "auto",
    mergeRows?: number,
  ): SqliteTableLoader {
    return new SqliteTableLoader(this.db, schema, stamp, this.#dryRun ? "never" : stage, mergeRows);
  }

  #dryRun = false;
  #inStep = false;

  /**
   * Holds a dry run in one transaction that is never committed; its steps become
   * savepoints, so each step sees what the steps before it would have done, as in the real
   * run. endDryRun() rolls it all back.
   */
  beginDryRun(): void {
    this.db.exec("BEGIN IMMEDIATE");
    this.#dryRun = true;
  }

  /** Undoes everything a dry run did. */
  endDryRun(): void {
    this.#dryRun = this.#inStep = false;
    if (this.db.isTransaction) this.db.exec("ROLLBACK");
  }

  /**
   * Starts the step's one transaction, taking the write lock at once. Its statement
   * journals stay in memory: each multi-row INSERT keeps the pages it changes until it
   * ends (tens of KB), and SQLite's default spills past 64 KB to a temporary file, written
   * page by page on every statement — half of a step's time with keys in no order
   * (bench/messy_bench.ts). Not in a dry run: its savepoint would keep every page a step
   * changes, and memory must stay flat.
   */
  begin(): void {
    if (this.#dryRun) this.db.exec("SAVEPOINT step");
    else {
      this.db.exec("PRAGMA temp_store = MEMORY");
      try {
        this.db.exec("BEGIN IMMEDIATE");
      } catch (error) {
        this.#defaultTempStore(); // the write lock was refused: no step, no memory journals
        throw error;
      }
    }
    this.#inStep = true;
  }

  commit(): void {
    this.db.exec(this.#dryRun ? "RELEASE step" : "COMMIT");
    this.#inStep = false;
    this.#defaultTempStore();
  }

  rollback(): void {
    if (this.#dryRun) {
      if (this.#inStep) this.db.exec("ROLLBACK TO step; RELEASE step");
    } else if (this.db.isTransaction) this.db.exec("ROLLBACK");
    this.#inStep = false;
    this.#defaultTempStore();
  }

  /** Back to temporary files between steps (SQLite refuses the change inside one). */
  #defaultTempStore(): void {
    if (!this.#dryRun && !this.db.isTransaction) this.db.exec("PRAGMA temp_store = DEFAULT");
  }

  /**
   * Converts datetimes stored by earlier versions to UTC, once per database, in one
   * transaction (datetime_migration.ts); returns what changed.
   */
  convertDatetimes(tables: Iterable<TableSchema>, timeZone: string): DatetimeConversion[] {
    return convertStoredDatetimes(this.db, tables, timeZone);
  }
}
