/**
 * What a run reports while it goes: the CLI draws progress from these events, the GUI
 * pushes them to the browser. Both watch the same stream.
 *
 * @module
 */
import type { ReasonCount } from "../history/reject_summary.ts";
import type { Status } from "../store/sqlite/sqlite_store.ts";

/** How a step ended, with its counts. */
export interface StepResult {
  /** 0 for steps that were never recorded (dry runs, files no source matches). */
  id: number;
  source: string;
  input: string;
  table?: string;
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
  /** Things the analyst should know that are not errors: skipped title lines, a footer. */
  notes: string[];
  /** Things about a step that loaded that the analyst must not miss: a key that merged most rows. */
  warnings?: string[];
  archivedTo?: string;
  durationMs: number;
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
  | { type: "step_finished"; runId: number; step: StepResult }
  | { type: "warning"; runId: number; message: string }
  | { type: "run_finished"; run: RunResult };

/** A listener for run events. */
export type RunListener = (event: RunEvent) => void;
