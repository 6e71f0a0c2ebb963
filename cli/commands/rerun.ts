/**
 * `plutus rerun [RUN]`: run the failed steps of a run again, after a fix.
 *
 * @module
 */
import { runPipeline } from "../../core/pipeline/run_pipeline.ts";
import { canRerun, planRerun } from "../../core/pipeline/rerun_plan.ts";
import { openProject } from "../../core/project/project.ts";
import type { GlobalOptions } from "../args.ts";
import { parseCommandArgs, parseRunId } from "../args.ts";
import { print } from "../output.ts";
import { listInbox } from "../../core/project/inbox.ts";
import { listSome } from "../../util/list_text.ts";
import { printRunSummary, printWarning, progressListener } from "../run_report.ts";
import { watchInterrupt } from "../interrupt.ts";

export const help = `Usage: plutus rerun [RUN]

Runs again only the steps that failed in the last run (or in run RUN): typically after you
fixed a rejected file in inbox/ or corrected plutus.yaml or a schema file. Files that
loaded are not touched again; API sources that failed are asked again, in the same mode
(a failed run --full is rerun in full; a failed run or upload with --force is rerun with
--force: the file is loaded even though its content was loaded before). A failure that a
later run already put right is not rerun.

Examples:
  plutus rerun
  plutus rerun 12

Exit code 1 when a step fails again.`;

export async function run(args: string[], globals: GlobalOptions): Promise<number> {
  const { positionals } = parseCommandArgs("rerun", args, {}, { max: 1 });
  const project = await openProject(globals.project);
  const plan = await planRerun(project, parseRunId(positionals[0], "rerun"));
  for (const name of plan.gone) {
    printWarning(`${name} failed in run ${plan.runId} but is no longer in inbox/; it is not rerun`);
  }
  for (const name of plan.removed) {
    printWarning(
      `source ${name} failed in run ${plan.runId} but is no longer in plutus.yaml; it is not rerun`,
    );
  }
  for (const { input, byRun, setAsideBy } of plan.resolved) {
    print(
      `${input} failed in run ${plan.runId} and was ${
        setAsideBy ? `set aside by run ${byRun} (${setAsideBy})` : `loaded by run ${byRun}`
      } since.`,
    );
  }
  if (!canRerun(plan)) {
    print(
      `Run ${plan.runId} has no failed steps to rerun${
        plan.gone.length > 0 ? " whose files are still in inbox/" : ""
      }.`,
    );
    // a file that failed in an earlier run still waits: say how to load it
    const waiting = await listInbox(project.paths.inbox);
    if (waiting.length > 0) {
      print(
        `${waiting.length} file(s) wait in inbox/ (${
          listSome(waiting, 3)
        }): plutus run loads them.`,
      );
    }
    return 0;
  }
  const stop = watchInterrupt(project.paths.inbox, { progress: progressListener() });
  const result = await runPipeline(project, {
    trigger: "cli",
    command: `rerun ${plan.runId}`,
    files: plan.files,
    apis: plan.apis,
    full: plan.full,
    rerunOf: plan.runId,
    onEvent: stop.listener,
  }).finally(stop.dispose);
  printRunSummary(result, project);
  return result.status === "failed" ? 1 : 0;
}
