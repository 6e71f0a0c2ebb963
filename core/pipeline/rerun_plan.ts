/**
 * What `plutus rerun` runs again: the failed (or interrupted) steps of a run whose files
 * still wait in inbox/ — after the analyst fixed the file or the configuration — in the
 * mode the run had (a failed `run --full` is rerun in full; a file whose step had --force
 * is loaded forced again: runPipeline() sees to that, for plutus run too). A step that a later run
 * already put right is not run again.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { PlutusError } from "../../util/errors.ts";
import { isApiStep, stepResolutionDetails } from "../history/open_problems.ts";
import type { Project } from "../project/project.ts";
import type { RunHistory, RunSummary } from "../store/mod.ts";
import { openDriver } from "../store/open_driver.ts";
import { recoverInterruptedRuns } from "../run/recover_runs.ts";
import type { FileRequest } from "./plan_files.ts";

/** The steps to rerun, and the failed ones that cannot or need not be. */
export interface RerunPlan {
  runId: number;
  files: FileRequest[];
  /** API sources whose steps failed: they are asked again. */
  apis: string[];
  /** Whether the run ignored incremental state (run --full): its rerun does too. */
  full: boolean;

  /** Failed files that are no longer in inbox/ and were not loaded since. */
  gone: string[];
  /** Failed API sources that plutus.yaml no longer has. */
  removed: string[];
  /**
   * Failed files or sources a later run loaded — or set aside, with the command that did
   * (`plutus discard`) — with that run's id.
   */
  resolved: { input: string; byRun: number; setAsideBy?: string }[];
}

/** Whether a rerun of the plan would run anything. */
export function canRerun(plan: RerunPlan): boolean {
  return plan.files.length > 0 || plan.apis.length > 0;
}

/** Plans a rerun of `runId`, or of the last run when absent. */
export async function planRerun(project: Project, runId?: number): Promise<RerunPlan> {
  // a run stopped by Ctrl-C or a kill still reads "running", and its step is no failure yet
  await recoverInterruptedRuns(project.paths);
  const plan = await openDriver(project.paths.database).readHistory(async (history) => {
    const run = runId === undefined ? await lastRunToRerun(history) : await history.run(runId);
    if (!run) return undefined;
    const failed = (await history.steps(run.id)).filter((step) =>
      (step.status === "failed" || step.status === "interrupted") && step.source !== ""
    );
    const resolutions = await stepResolutionDetails(history, failed, project);
    const files: FileRequest[] = [];
    const apis: string[] = [];
    const gone: string[] = [];
    const removed: string[] = [];
    const resolved: RerunPlan["resolved"] = [];
    for (const step of failed) {
      const resolution = resolutions.get(step.id);
      const api = isApiStep(step, project);
      if (resolution !== undefined) {
        const input = api ? `source ${step.source}` : step.input;
        resolved.push({ input, byRun: resolution.runId, setAsideBy: resolution.setAsideBy });
        continue;
      }
      if (api) {
        const known = project.config.sources[step.source] !== undefined ||
          project.brokenSources.has(step.source);
        const list = known ? apis : removed;
        if (!list.includes(step.source)) list.push(step.source);
        continue;
      }
      if (files.some((file) => file.name === step.input)) continue;
      if (existsSync(join(project.paths.inbox, step.input))) {
        files.push({ name: step.input, source: step.source });
      } else gone.push(step.input);
    }
    return {
      runId: run.id,
      files,
      apis,
      full: run.mode === "full",
      gone,
      removed,
      resolved,
    };
  });
  if (!plan) {
    throw new PlutusError(
      runId === undefined ? "there are no runs yet" : `there is no run ${runId}`,
      {
        code: "no_run",
        hint: "See the runs with: plutus status",
      },
    );
  }
  return plan;
}

/**
 * The run `plutus rerun` means without a number: the last one that loaded, not a record of
 * files set aside (`plutus discard`), which has nothing to rerun: after setting aside one of
 * a run's failed files, a rerun retries the others.
 */
async function lastRunToRerun(history: RunHistory): Promise<RunSummary | undefined> {
  const recent = await history.listRuns(20);
  const loading = recent.find((run) => !/^discard\b/.test(run.command ?? ""));
  return loading === undefined ? await history.lastRun() : await history.run(loading.id);
}
