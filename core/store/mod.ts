/**
 * The store's face: everything outside core/store/ reaches the database through these
 * types, whichever backend the project's `database:` names (SQLite, the embedded default,
 * in core/store/sqlite/; PostgreSQL in core/store/postgres/). A backend is a `StoreDriver`.
 *
 * The guarantees every backend keeps (docs/reliability.md): one transaction per step, so a
 * file's rows go in all or none; a dry run changes nothing; one run at a time per project;
 * counts as docs/cli.md defines them (read = inserted + updated + duplicate + rejected).
 *
 * DRAFT (lead, 2026-11-30): the shape every helper codes against. The store helper owns
 * this file and may refine it; say what changed in the report.
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
  rerunOf?: number;
  /** "full" for `run --full`, so that its rerun does the same. */
  mode?: "full";
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
  /** Incompatible differences, each a sentence; a non-empty list fails the step. */
  problems: string[];
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
  applyTable(schema: TableSchema, changes: TableChanges): Promise<void>;
  loader(schema: TableSchema, stamp: LoadStamp): Promise<TableLoader>;
  addRejects(runId: number, stepId: number, rejects: readonly RejectRecord[]): Promise<void>;
  finishStep(step: StepSummary): Promise<void>;
  setState(source: string, key: string, value: string): Promise<void>;
}

/** The writer a run holds: run and step records, state, and one transaction per step. */
export interface Store {
  readonly location: DatabaseLocation;
  startRun(trigger: string, command: string, rerunOf?: number, mode?: "full"): Promise<number>;
  finishRun(id: number, status: Status): Promise<void>;
  /** Marks runs left "running" by a process that died; returns their ids. */
  markInterrupted(): Promise<number[]>;
  startStep(runId: number, source: string, input: string, checksum: string | null): Promise<number>;
  finishStep(step: StepSummary): Promise<void>;
  setArchivedTo(stepId: number, path: string): Promise<void>;
  /** The step that loaded a file with this checksum, if any. */
  findLoaded(checksum: string): Promise<StepSummary | undefined>;
  getState(source: string, key: string): Promise<string | undefined>;
  planTable(schema: TableSchema): Promise<TableChanges>;
  /** Runs `work` in one transaction: committed when it returns, rolled back when it throws. */
  transaction<T>(work: (step: StepWork) => Promise<T>): Promise<T>;
  /**
   * Runs a whole dry run: inside it every transaction() is a savepoint, and everything is
   * rolled back at the end, so later steps see earlier ones and nothing is kept.
   */
  dryRun<T>(work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** The run history, read-only: what `status`, `logs`, `rejects`, `rerun` and pages show. */
export interface RunHistory {
  listRuns(limit?: number): Promise<(RunSummary & { steps: number; rowsLoaded: number })[]>;
  run(id: number): Promise<RunSummary | undefined>;
  lastRun(): Promise<RunSummary | undefined>;
  runningRun(): Promise<RunSummary | undefined>;
  steps(runId: number): Promise<StepSummary[]>;
  lastStep(match: { input: string } | { source: string }): Promise<StepSummary | undefined>;
  laterLoad(
    stepId: number,
    match: { input: string } | { source: string },
  ): Promise<StepSummary | undefined>;
  rejects(runId: number, options?: { stepId?: number; limit?: number }): Promise<
    (RejectRecord & { stepId: number })[]
  >;
  topReasons(stepId: number, limit?: number): Promise<ReasonCount[]>;
  /** The project's data tables (not the _plutus_ ones), by name. */
  dataTables(): Promise<string[]>;
}

/** A value a query gives back. */
export type SqlValue = string | number | bigint | Uint8Array | null;

/** An open read-only query: its columns, then its rows page by page. */
export interface QueryCursor {
  columns: string[];
  pages(): AsyncGenerator<SqlValue[][]>;
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

/** A backend: opens what a project needs of its database. */
export interface StoreDriver {
  readonly location: DatabaseLocation;
  /** The location for people: a path, or a URL without its password. */
  readonly label: string;
  /** The writer; creates the bookkeeping tables when missing. */
  openWriter(): Promise<Store>;
  /** Reads the history; a database not created yet reads as empty. */
  readHistory<T>(read: (history: RunHistory) => Promise<T>): Promise<T>;
  /** A read-only query, bounded by `limits` (single statement; writes refused). */
  openQuery(
    sql: string,
    limits: QueryLimits,
    options?: { pageRows?: number; limit?: number },
  ): Promise<QueryCursor>;
  /** Takes the project's run lock, or undefined with who holds it. */
  tryLock(what: string): Promise<RunLock | undefined>;
}
