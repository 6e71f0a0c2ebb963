/**
 * The store's face: everything outside core/store/ reaches the database through these
 * types, whichever backend the project's `database:` names (SQLite, the embedded default,
 * in core/store/sqlite/; PostgreSQL in core/store/postgres/). A backend is a `StoreDriver`.
 *
 * The guarantees every backend keeps (docs/reliability.md): one transaction per step, so a
 * file's rows go in all or none; a dry run changes nothing; one run at a time per project;
 * counts as docs/cli.md defines them (read = inserted + updated + duplicate + rejected).
 *
 * Backends are picked by openDriver() (open_driver.ts) from the project's
 * DatabaseLocation (database_location.ts). Nothing outside core/store/sqlite/ imports
 * node:sqlite (tests/store_confinement_test.ts).
 *
 * @module
 */
import type { TableSchema } from "../../config/table_schema.ts";
import type { ReasonCount } from "../history/reject_summary.ts";
import type { Stored } from "../transform/validate_column.ts";

/** The state of a run or a step: the one status vocabulary of every screen. */
export type Status = "running" | "succeeded" | "failed" | "skipped" | "interrupted";

/** Where a project's data lives, parsed once from `database:` (see databaseLocation()). */
export type DatabaseLocation =
  | { kind: "sqlite"; path: string }
  | { kind: "postgres"; url: string; schema: string };

/** A run, as every screen shows it. */
export interface RunSummary {
  id: number;
  startedAt: string;
  finishedAt?: string;
  status: Status;
  trigger: string;
  command?: string;
  /** The process that ran it (on the machine that ran it). */
  pid?: number;
  rerunOf?: number;
  /** "full" for `run --full`, so that its rerun does the same. */
  mode?: "full";
}

/** A run with its steps' counts added up, as the lists of runs show it. */
export interface RunTotals extends RunSummary {
  steps: number;
  /** Steps that failed or were interrupted. */
  failedSteps: number;
  rowsRead: number;
  inserted: number;
  updated: number;
  duplicate: number;
  rejected: number;
}

/**
 * A step, from the store to every screen: the one shape of a step (the CLI summary, the
 * live status, `status`, the run pages, the run log). Only the backend maps database rows
 * into it. A step that was never recorded (a dry run, a file no source reads) has id 0.
 */
export interface StepSummary {
  id: number;
  runId: number;
  source: string;
  input: string;
  table?: string;
  checksum?: string;
  status: Status;
  rowsRead: number;
  inserted: number;
  updated: number;
  duplicate: number;
  rejected: number;
  error?: string;
  hint?: string;
  /** The most frequent reject reasons, with an example of each. */
  topReasons: ReasonCount[];
  /** Things about a step that loaded the analyst must not miss. Stored. */
  warnings: string[];
  /** Things the analyst should know that are not errors (title lines skipped). Not stored. */
  notes: string[];
  archivedTo?: string;
  /**
   * Set for a file step told to load the file even if its content was loaded before
   * (--force, or the retry of a step that had it). Stored.
   */
  forced?: boolean;
  startedAt?: string;
  finishedAt?: string;
  durationMs: number;
}

/** One problem with one rejected row. */
export interface RejectRecord {
  location: string;
  line: number | null;
  column_name: string | null;
  value: string | null;
  reason: string;
  /** The row as read, as JSON: header → value. */
  record: string | null;
}

/** A stored reject, with where it belongs. */
export interface StoredReject extends RejectRecord {
  id: number;
  runId: number;
  stepId: number;
}

/** What a step did to its table (docs/cli.md defines each count). */
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

/** What a table needs before a step can load into it (planned outside the transaction). */
export interface TableChanges {
  create: boolean;
  addColumns: string[];
  /** Columns the table has but the schema no longer lists: kept, filled with NULL. */
  orphanColumns: string[];
  /**
   * Incompatible differences, each a sentence; a non-empty list fails the step
   * (assertCompatible() in table_changes.ts says so in the words every backend uses).
   */
  problems: string[];
}

/** Datetimes an earlier version stored in local time, converted to UTC once. */
export interface DatetimeConversion {
  table: string;
  column: string;
  values: number;
}

/** Rows of one step into one table; the counts are part of the contract. */
export interface TableLoader {
  /** Inserts `values.length / width` rows given as one flat array, deduplicating by key. */
  insert(values: Stored[]): Promise<void>;
  /** What the step did; `valid` is the number of rows given to insert(). */
  counts(valid: number): Promise<LoadCounts>;
}

/** One unit of work: everything a step writes, committed together or not at all. */
export interface StepWork {
  /** Creates or widens the table as planned; refuses changes with problems. */
  applyTable(schema: TableSchema, changes: TableChanges): Promise<void>;
  /** A loader for one table, closed by the transaction before it ends. */
  loader(schema: TableSchema, stamp: LoadStamp): Promise<TableLoader>;
  addRejects(runId: number, stepId: number, rejects: readonly RejectRecord[]): Promise<void>;
  finishStep(step: StepSummary): Promise<void>;
  setState(source: string, key: string, value: string): Promise<void>;
}

/** The writer a run holds: run and step records, state, and one transaction per step. */
export interface Store {
  readonly location: DatabaseLocation;
  startRun(trigger: string, command: string, rerunOf?: number, mode?: "full"): Promise<number>;
  /**
   * Ends a run. `stoppedBy`: the error that stopped it; a step of the run still marked
   * running fails with it (its transaction was rolled back), so status names the cause.
   */
  finishRun(id: number, status: Status, stoppedBy?: string): Promise<void>;
  /**
   * Marks runs left "running" by a process that died; returns their ids. Call only while
   * holding the run lock: then nothing else can be running.
   */
  markInterrupted(): Promise<number[]>;
  startStep(runId: number, source: string, input: string, checksum: string | null): Promise<number>;
  /** Writes a step's outcome outside a step's transaction (a step that loads nothing). */
  finishStep(step: StepSummary): Promise<void>;
  setArchivedTo(stepId: number, path: string): Promise<void>;
  /** The last step that loaded a file with this checksum, if any. */
  findLoaded(checksum: string): Promise<StepSummary | undefined>;
  getState(source: string, key: string): Promise<string | undefined>;
  /** What loading into `schema` needs changed (problems listed, nothing changed). */
  planTable(schema: TableSchema): Promise<TableChanges>;
  /**
   * Converts datetimes stored by earlier versions in local time to UTC, once per database
   * (SQLite only; other backends store instants natively and return []).
   */
  convertDatetimes(tables: Iterable<TableSchema>, timeZone: string): Promise<DatetimeConversion[]>;
  /** Runs `work` in one transaction: committed when it returns, rolled back when it throws. */
  transaction<T>(work: (step: StepWork) => Promise<T>): Promise<T>;
  /**
   * Runs a whole dry run: inside it every transaction() is a savepoint, and everything is
   * rolled back at the end, so later steps see earlier ones and nothing is kept.
   */
  dryRun<T>(work: () => Promise<T>): Promise<T>;
  /**
   * Throws when the database this writer opened is no longer the one at its location (a
   * SQLite file deleted or replaced while the run had it open): what it wrote went into
   * the removed file. Backends without such a file have nothing to check.
   */
  checkDatabaseFile?(): Promise<void>;
  close(): Promise<void>;
}

/** The run history, read-only: what `status`, `logs`, `rejects`, `rerun` and pages show. */
export interface RunHistory {
  /** The newest runs first (10 unless said). */
  listRuns(limit?: number): Promise<RunTotals[]>;
  run(id: number): Promise<RunSummary | undefined>;
  lastRun(): Promise<RunSummary | undefined>;
  runningRun(): Promise<RunSummary | undefined>;
  /** A run's steps in the order they ran. */
  steps(runId: number): Promise<StepSummary[]>;
  /**
   * The newest finished step that read the file `input`, or (with `source`) of that
   * source; with `running`, a step still running counts too.
   */
  lastStep(
    match: { input: string } | { source: string },
    options?: { running?: boolean },
  ): Promise<StepSummary | undefined>;
  /**
   * The first step after `stepId` that loaded the file `input` (or found its content
   * loaded already, unless `loaded`: then only one that loaded it, or set it aside with
   * plutus discard), or, with `source`, that succeeded for that API source.
   */
  laterLoad(
    stepId: number,
    match: { input: string; loaded?: boolean } | { source: string },
  ): Promise<StepSummary | undefined>;
  /** Rejects of a run (or of one step), in file order. */
  rejects(runId: number, options?: { stepId?: number }): Promise<StoredReject[]>;
  /** The rejects of a step's first `rows` rejected rows (a row may have several problems). */
  firstRejects(stepId: number, rows: number): Promise<StoredReject[]>;
  /** The most frequent reasons of a step (5 unless said), alike ones counted together. */
  topReasons(stepId: number, limit?: number): Promise<ReasonCount[]>;
  /** The project's data tables (not the _plutus_ ones), by name. */
  dataTables(): Promise<string[]>;
  /** Plutus's own record tables (_plutus_runs …), by name, as a query may read them. */
  recordTables(): Promise<string[]>;
}

/** A value a query gives back. */
export type SqlValue = string | number | bigint | Uint8Array | null;

/** An open read-only query: its columns, then its rows page by page. */
export interface QueryCursor {
  columns: string[];
  /**
   * Each column's table and column of origin (both null for an expression), where the
   * backend knows them (always for openExport()).
   */
  origins?: { table: string | null; column: string | null }[];
  pages(): AsyncGenerator<SqlValue[][]>;
  close(): Promise<void>;
}

/** How a column's text, as the database writes it, turns into the value a query gives. */
export interface CopyColumn {
  /** The value a query gives for the text; undefined: the text itself. */
  decode?: (text: string) => SqlValue;
  /**
   * Whether `bytes[from, to)` decodes to a number whose text is those very bytes (then no
   * decoding is needed): `42` of a bigint, `12.5` of a numeric, not `12.50`.
   */
  verbatim?: (bytes: Uint8Array, from: number, to: number) => boolean;
}

/**
 * A table's or a query's rows as the database writes them in CSV (PostgreSQL's `COPY … TO
 * STDOUT (FORMAT csv)`: a NULL is nothing, an empty text is `""`, rows end with LF), for an
 * export that rewrites only the fields it writes otherwise (core/export/copy_csv.ts).
 */
export interface CsvCopy {
  columns: string[];
  /** Each column's text, as it turns into the value a query gives. */
  decoders: CopyColumn[];
  /** Each column's table and column of origin, as QueryCursor.origins. */
  origins: { table: string | null; column: string | null }[];
  /**
   * Streams the rows of the columns at `indexes` to `sink`, piece by piece. The sink works
   * synchronously (a file written with writeSync): nothing more is read meanwhile, so memory
   * stays flat however slow the disk.
   */
  read(indexes: number[], sink: (bytes: Uint8Array) => void): Promise<void>;
  close(): Promise<void>;
}

/** How long a query may work, and a way to cancel it (a stopped query uses no CPU after). */
export interface QueryLimits {
  timeoutSeconds: number;
  signal?: AbortSignal;
}

/** One run at a time per project: held for a run's whole life. */
export interface RunLock {
  release(): Promise<void>;
}

/** Who holds a run lock, as its holder said when it took it. */
export interface LockHolder {
  pid: number;
  since: string;
  /** What runs: "the command line (plutus run)", "the GUI (plutus upload x.csv)". */
  what?: string;
}

/** A backend: opens what a project needs of its database. */
export interface StoreDriver {
  readonly location: DatabaseLocation;
  /** The location for people: a path, or a URL without its password. */
  readonly label: string;
  /**
   * The writer; creates the bookkeeping tables when missing. A dry run of a project
   * without a database works on an empty one that is never kept (nothing is created).
   */
  openWriter(options?: { dryRun?: boolean }): Promise<Store>;
  /**
   * Reads the history on a read-only connection (a run may be loading meanwhile);
   * undefined when no run has been recorded yet (no database, or no records in it).
   */
  readHistory<T>(read: (history: RunHistory) => Promise<T>): Promise<T | undefined>;
  /**
   * What loading into `schema` would change, read-only (check, the schema editor): a
   * database not created yet plans a new table.
   */
  planTable(schema: TableSchema): Promise<TableChanges>;
  /**
   * A read-only query off the main thread, bounded by `limits` (single statement; writes
   * refused). `limit` caps the rows, so that the database sorts only what it returns.
   */
  openQuery(
    sql: string,
    limits: QueryLimits,
    options?: { pageRows?: number; limit?: number },
  ): Promise<QueryCursor>;
  /**
   * A whole table (in the order it was loaded) or a read-only query, streamed for an
   * export: memory stays flat however many rows.
   */
  openExport(what: { table: string } | { sql: string }): Promise<QueryCursor>;
  /**
   * A whole table or a read-only query as the database's own CSV, where the backend writes
   * one (PostgreSQL): an export then decodes only the fields it writes otherwise, 2-3x
   * faster. Undefined for a query it cannot read so: openExport() reads it.
   */
  openCopy?(what: { table: string } | { sql: string }): Promise<CsvCopy | undefined>;
  /** Takes the project's run lock, or undefined while another process holds it. */
  tryLock(what?: string): Promise<RunLock | undefined>;
  /**
   * Marks run `runId` failed, its unfinished step with `cause`, on a connection of its own
   * (the run's own is gone), within seconds: it neither sets anything up nor waits long
   * for a lock that a half-dead session of the run may still hold.
   */
  recordStop(runId: number, cause: string): Promise<void>;
  /**
   * Who holds the run lock, as its holder said when it took it; a holder that took it a
   * moment ago may still be writing that: asked with `waitMs`, wait that long for it.
   */
  lockHolder(waitMs?: number): Promise<LockHolder | undefined>;
}
