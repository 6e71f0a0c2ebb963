/**
 * What to do with a run's rejected rows, decided in one place for `plutus rejects --csv` and
 * the GUI's Run page. Rows rejected by a step that loaded are fixed in the rejects file and
 * uploaded; a step that failed as a whole loaded nothing, its good rows neither: uploading
 * only its fixed rejects would leave those out, so its own file (or the rule) is fixed and
 * the step run again.
 *
 * @module
 */
import { isApiStep } from "./open_problems.ts";

/** A step with rejected rows, as far as the advice needs it. */
export interface RejectingStep {
  source: string;
  input: string;
  status: string;
  /** A later run loaded it (or set it aside): nothing left to advise. */
  resolved?: boolean;
}

/** The advice for the rejected rows of a run. */
export interface RejectsAdvice {
  /** Inputs whose rejects are fixed in the rejects file and uploaded: their step loaded. */
  uploadFixed: string[];
  /** One warning per step that failed as a whole and is not put right yet. */
  failedWhole: string[];
}

/** The advice for `steps`, the steps of run `runId` that rejected rows. */
export function rejectsAdvice(steps: readonly RejectingStep[], runId: number): RejectsAdvice {
  const advice: RejectsAdvice = { uploadFixed: [], failedWhole: [] };
  for (const step of steps) {
    if (step.status !== "failed") advice.uploadFixed.push(step.input);
    else if (!step.resolved) advice.failedWhole.push(failedWholeWarning(step, runId));
  }
  return advice;
}

/** Why the rejects of a step that loaded nothing are not to be uploaded alone, and what to do. */
function failedWholeWarning(step: RejectingStep, runId: number): string {
  const loadedNothing = "failed as a whole: none of its rows were loaded, the good ones neither.";
  const leftOut = "uploading only its fixed rejected rows would leave its good rows out.";
  if (isApiStep(step)) {
    return `source ${step.source} ${loadedNothing} Fix the source's mapping or clean rules ` +
      `in plutus.yaml and run: plutus rerun ${runId} (it asks the source again) — ${leftOut}`;
  }
  return `${step.input} ${loadedNothing} Fix the rows listed in the file itself ` +
    `(it waits in inbox/) and run: plutus rerun ${runId} — or, if a rule rejected them ` +
    `wrongly, fix plutus.yaml and rerun; ${leftOut}`;
}
