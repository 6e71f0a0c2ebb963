/**
 * What a run reports while it goes: the CLI draws progress from these events, the GUI
 * pushes them to the browser. Both watch the same stream.
 *
 * @module
 */
import type { Status, StepSummary } from "../store/mod.ts";

/** How a step ended, with its counts: the one step summary of every screen. */
export type StepResult = StepSummary;

/**
 * A new step, running, not recorded yet (id 0): a step of a run, a dry run's step, or a
 * file no source reads.
 */
export function newStepResult(
  source: string,
  input: string,
  options: { table?: string; runId?: number; status?: Status } = {},
): StepResult {
  return {
    id: 0,
    runId: options.runId ?? 0,
    source,
    input,
    table: options.table,
    status: options.status ?? "running",
    rowsRead: 0,
    inserted: 0,
    updated: 0,
    duplicate: 0,
    rejected: 0,
    topReasons: [],
    notes: [],
    warnings: [],
    durationMs: 0,
  };
}

/** How a run ended. */
export interface RunResult {
  id: number;
  status: Status;
  startedAt: string;
  finishedAt: string;
  steps: StepResult[];
  /** The run's log file, relative to the project folder. */
  logFile?: string;
  warnings: string[];
  dryRun: boolean;
  durationMs: number;
}

/** Everything a run reports, in order. */
export type RunEvent =
  | {
    type: "run_started";
    runId: number;
    trigger: string;
    planned: { source: string; input: string }[];
  }
  | {
    type: "step_started";
    runId: number;
    stepId: number;
    source: string;
    input: string;
    index: number;
  }
  | {
    type: "step_progress";
    runId: number;
    stepId: number;
    source: string;
    input: string;
    rowsRead: number;
    elapsedMs: number;
  }
  | {
    /** The step's rows are committed (its file is not moved to archive/ yet). */
    type: "step_committed";
    runId: number;
    stepId: number;
    source: string;
    input: string;
  }
  | { type: "step_finished"; runId: number; step: StepResult }
  | { type: "warning"; runId: number; message: string }
  | { type: "run_finished"; run: RunResult };

/** A listener for run events. */
export type RunListener = (event: RunEvent) => void;
