/**
 * What `plutus rerun` runs again: the failed (or interrupted) steps of a run whose files
 * still wait in inbox/ — after the analyst fixed the file or the configuration.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { PlutusError } from "../../config/errors.ts";
import type { Project } from "../project.ts";
import { readRunHistory } from "../store/run_history.ts";
import type { FileRequest } from "./plan_files.ts";

/** The steps to rerun, and the failed files that are no longer in inbox/. */
export interface RerunPlan {
  runId: number;
  files: FileRequest[];
  /** API sources whose steps failed: they are asked again. */
  apis: string[];
  gone: string[];
}

/** Plans a rerun of `runId`, or of the last run when absent. */
export function planRerun(project: Project, runId?: number): RerunPlan {
  const plan = readRunHistory(project.paths.database, (history) => {
    const run = runId === undefined ? history.lastRun() : history.run(runId);
    if (!run) return undefined;
    const failed = history.steps(run.id).filter((step) =>
      (step.status === "failed" || step.status === "interrupted") && step.source !== ""
    );
    const files: FileRequest[] = [];
    const apis: string[] = [];
    const gone: string[] = [];
    for (const step of failed) {
      if (project.config.sources[step.source]?.kind === "api") {
        if (!apis.includes(step.source)) apis.push(step.source);
        continue;
      }
      if (files.some((file) => file.name === step.input)) continue;
      if (existsSync(join(project.paths.inbox, step.input))) {
        files.push({ name: step.input, source: step.source });
      } else gone.push(step.input);
    }
    return { runId: run.id, files, apis, gone };
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
