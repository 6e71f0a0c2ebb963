/**
 * The one place that turns PostgreSQL's bookkeeping rows into the store's shapes.
 *
 * @module
 */
import type { ReasonCount } from "../../history/reject_summary.ts";
import type { RunSummary, Status, StepSummary } from "../mod.ts";

/** A row of _plutus_runs as read. */
export interface RunRow {
  id: number;
  started_at: string;
  finished_at: string | null;
  status: Status;
  trigger: string;
  command: string | null;
  pid: number | string | null;
  rerun_of: number | null;
  mode: string | null;
}

/** A row of _plutus_steps as read. */
export interface StepRow {
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
  top_reasons: string | null;
  warnings: string | null;
  started_at: string;
  finished_at: string | null;
}

/** A run row as every screen shows it. */
export function runSummary(row: RunRow): RunSummary {
  return {
    id: Number(row.id),
    startedAt: row.started_at,
    finishedAt: row.finished_at ?? undefined,
    status: row.status,
    trigger: row.trigger,
    command: row.command ?? undefined,
    pid: row.pid === null || row.pid === undefined ? undefined : Number(row.pid),
    rerunOf: row.rerun_of === null ? undefined : Number(row.rerun_of),
    mode: row.mode === "full" ? "full" : undefined,
  };
}

/** A step row as every screen shows it. */
export function stepSummary(row: StepRow): StepSummary {
  const started = row.started_at ? Date.parse(row.started_at) : NaN;
  const finished = row.finished_at ? Date.parse(row.finished_at) : NaN;
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
    topReasons: row.top_reasons ? JSON.parse(row.top_reasons) as ReasonCount[] : [],
    warnings: row.warnings ? JSON.parse(row.warnings) as string[] : [],
    notes: [],
    archivedTo: row.archived_to ?? undefined,
    startedAt: row.started_at ?? undefined,
    finishedAt: row.finished_at ?? undefined,
    durationMs: Number.isNaN(started) || Number.isNaN(finished) ? 0 : finished - started,
  };
}
