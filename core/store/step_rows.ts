/**
 * Rows of _plutus_runs and _plutus_steps as stored (snake_case, NULL for "none") — the same
 * columns in every backend — and the one place they become the RunSummary and StepSummary
 * of mod.ts, and back. Numbers go through Number(): PostgreSQL's client gives bigint
 * columns as text.
 *
 * @module
 */
import type { ReasonCount } from "../history/reject_summary.ts";
import type { RunSummary, RunTotals, Status, StepSummary } from "./mod.ts";

/** A row of _plutus_runs. */
export interface RunRecord {
  id: number;
  started_at: string;
  finished_at: string | null;
  status: Status;
  trigger: string;
  command: string | null;
  pid: number | string | null;
  rerun_of: number | null;
  /**
   * "full" for a run that ignored API sources' incremental state (run --full), so that its
   * rerun does the same; null for an ordinary run (and runs of earlier versions).
   */
  mode: string | null;
}

/** A row of _plutus_runs with its steps' counts added up. */
export interface RunTotalsRecord extends RunRecord {
  steps: number;
  failed_steps: number;
  rows_read: number;
  rows_inserted: number;
  rows_updated: number;
  rows_duplicate: number;
  rows_rejected: number;
}

/** A row of _plutus_steps. */
export interface StepRecord {
  id: number;
  run_id: number;
  source: string;
  table_name: string | null;
  input: string;
  checksum: string | null;
  status: Status;
  rows_read: number;
  rows_inserted: number;
  rows_updated: number;
  rows_duplicate: number;
  rows_rejected: number;
  error: string | null;
  hint: string | null;
  archived_to: string | null;
  /**
   * The step's most frequent reject reasons (ReasonCount[] as JSON), counted over all its
   * rows; null for steps recorded by versions before it was kept.
   */
  top_reasons: string | null;
  /** Warnings about a step that succeeded (string[] as JSON), or null. */
  warnings: string | null;
  /** 1 for a step with --force (so that its retry has it too); null, or absent before. */
  forced?: number | string | null;
  started_at: string;
  finished_at: string | null;
}

/** What finishing a step writes into its row. */
export type StepOutcome = Pick<
  StepRecord,
  | "status"
  | "rows_read"
  | "rows_inserted"
  | "rows_updated"
  | "rows_duplicate"
  | "rows_rejected"
  | "error"
  | "hint"
  | "archived_to"
  | "table_name"
  | "top_reasons"
  | "warnings"
  | "forced"
>;

/** A run row as every screen shows a run. */
export function runSummaryOf(row: RunRecord): RunSummary {
  return {
    id: Number(row.id),
    startedAt: row.started_at,
    finishedAt: row.finished_at ?? undefined,
    status: row.status,
    trigger: row.trigger,
    command: row.command ?? undefined,
    pid: row.pid === null || row.pid === undefined ? undefined : Number(row.pid),
    rerunOf: row.rerun_of === null || row.rerun_of === undefined ? undefined : Number(row.rerun_of),
    mode: row.mode === "full" ? "full" : undefined,
  };
}

/** A run row with its counts, as the lists of runs show it. */
export function runTotalsOf(row: RunTotalsRecord): RunTotals {
  return {
    ...runSummaryOf(row),
    steps: Number(row.steps),
    failedSteps: Number(row.failed_steps),
    rowsRead: Number(row.rows_read),
    inserted: Number(row.rows_inserted),
    updated: Number(row.rows_updated),
    duplicate: Number(row.rows_duplicate),
    rejected: Number(row.rows_rejected),
  };
}

/** The one mapping of a _plutus_steps row into the StepSummary every screen shows. */
export function stepSummaryOf(row: StepRecord): StepSummary {
  return {
    id: Number(row.id),
    runId: Number(row.run_id),
    source: row.source,
    input: row.input,
    table: row.table_name ?? undefined,
    checksum: row.checksum ?? undefined,
    status: row.status,
    rowsRead: Number(row.rows_read),
    inserted: Number(row.rows_inserted),
    updated: Number(row.rows_updated),
    duplicate: Number(row.rows_duplicate),
    rejected: Number(row.rows_rejected),
    error: row.error ?? undefined,
    hint: row.hint ?? undefined,
    topReasons: parsed<ReasonCount[]>(row.top_reasons) ?? [],
    warnings: parsed<string[]>(row.warnings) ?? [],
    notes: [],
    archivedTo: row.archived_to ?? undefined,
    forced: row.forced !== null && row.forced !== undefined && Number(row.forced) === 1
      ? true
      : undefined,
    startedAt: row.started_at,
    finishedAt: row.finished_at ?? undefined,
    durationMs: row.finished_at
      ? Math.max(0, Date.parse(row.finished_at) - Date.parse(row.started_at))
      : 0,
  };
}

/**
 * The statement that writes a finished step's outcome into its row, for either backend:
 * `placeholder(i)` spells the i-th parameter (`?` or `$1`); the values go in that order.
 */
export function finishStepStatement(
  table: string,
  step: StepSummary,
  finishedAt: string,
  placeholder: (index: number) => string,
): { sql: string; values: (string | number | null)[] } {
  const outcome = outcomeOf(step);
  const columns = [...Object.keys(outcome), "finished_at"];
  return {
    sql: `UPDATE ${table} SET ${
      columns.map((column, i) => `${column} = ${placeholder(i)}`).join(", ")
    } WHERE id = ${placeholder(columns.length)}`,
    values: [...Object.values(outcome), finishedAt, step.id],
  };
}

/** What finishing `step` writes into its row. */
export function outcomeOf(step: StepSummary): StepOutcome {
  return {
    status: step.status,
    table_name: step.table ?? null,
    rows_read: step.rowsRead,
    rows_inserted: step.inserted,
    rows_updated: step.updated,
    rows_duplicate: step.duplicate,
    rows_rejected: step.rejected,
    error: step.error ?? null,
    hint: step.hint ?? null,
    archived_to: step.archivedTo ?? null,
    top_reasons: JSON.stringify(step.topReasons),
    warnings: step.warnings.length > 0 ? JSON.stringify(step.warnings) : null,
    forced: step.forced ? 1 : null,
  };
}

function parsed<T>(text: string | null): T | undefined {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}
