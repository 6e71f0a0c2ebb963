/**
 * Runs and steps as `plutus status --json` prints them: the field names scripts rely on
 * (docs/cli.md), snake_case, null for "none".
 *
 * @module
 */
import type { RunSummary, RunTotals, StepSummary } from "../store/mod.ts";

/** A run for scripts, with its counts when it has them. */
export function runJson(run: RunSummary | RunTotals): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: run.id,
    started_at: run.startedAt,
    finished_at: run.finishedAt ?? null,
    status: run.status,
    trigger: run.trigger,
    command: run.command ?? null,
    pid: run.pid ?? null,
    rerun_of: run.rerunOf ?? null,
    mode: run.mode ?? null,
  };
  if ("failedSteps" in run) {
    Object.assign(out, {
      steps: run.steps,
      failed_steps: run.failedSteps,
      rows_read: run.rowsRead,
      rows_inserted: run.inserted,
      rows_updated: run.updated,
      rows_duplicate: run.duplicate,
      rows_rejected: run.rejected,
    });
  }
  return out;
}

/** A step for scripts. */
export function stepJson(step: StepSummary): Record<string, unknown> {
  return {
    id: step.id,
    run_id: step.runId,
    source: step.source,
    table_name: step.table ?? null,
    input: step.input,
    checksum: step.checksum ?? null,
    status: step.status,
    rows_read: step.rowsRead,
    rows_inserted: step.inserted,
    rows_updated: step.updated,
    rows_duplicate: step.duplicate,
    rows_rejected: step.rejected,
    error: step.error ?? null,
    hint: step.hint ?? null,
    archived_to: step.archivedTo ?? null,
    top_reasons: step.topReasons,
    // as stored: a JSON text, as earlier versions printed it
    warnings: step.warnings.length > 0 ? JSON.stringify(step.warnings) : null,
    started_at: step.startedAt ?? null,
    finished_at: step.finishedAt ?? null,
  };
}
