/**
 * `plutus status [RUN] [--json]`: the recent runs, or one run's steps with their counts,
 * errors and top reject reasons.
 *
 * @module
 */
import { PlutusError } from "../../util/errors.ts";
import {
  type OpenProblems,
  openProblems,
  stepResolutionDetails,
  stepResolutions,
} from "../../core/history/open_problems.ts";
import { canRerun, planRerun } from "../../core/pipeline/rerun_plan.ts";
import { openProject, type Project } from "../../core/project/project.ts";
import { locateProject, type ProjectPaths } from "../../core/project/project_paths.ts";
import { recoverInterruptedRuns } from "../../core/run/recover_runs.ts";
import { readRunHistory, type RunHistory } from "../../core/store/sqlite/run_history.ts";
import { localStamp } from "../../util/time.ts";
import type { GlobalOptions } from "../args.ts";
import { parseCommandArgs, parseRunId } from "../args.ts";
import { bold, count, dim, green, print, red, table, terminalText, yellow } from "../output.ts";
import { paintStatus as paint, rejectedReasons, stepTable } from "../step_table.ts";

export const help = `Usage: plutus status [RUN] [--json]

Without RUN: what is wrong now — sources that cannot run as configured, files failing in
inbox/, API sources whose last step failed, each with its hint and the command that
retries it — then the last runs with their status and row counts. A failure that a later
run put right is not an open problem any more; its run shows "resolved".
With RUN: each step of that run — file, source, counts, error and hint (or the run that
resolved it since), and the most frequent reasons rows were rejected.

Options:
      --json       print JSON instead of tables (for scripts)
  -n, --last N     how many runs to list (default 10)

Examples:
  plutus status
  plutus status 12
  plutus status --json`;

const local = (iso: string | null) => (iso ? localStamp(new Date(iso)) : "—");

export async function run(args: string[], globals: GlobalOptions): Promise<number> {
  const { values, positionals } = parseCommandArgs("status", args, {
    json: { type: "boolean" },
    last: { type: "string", short: "n" },
  }, { max: 1 });
  const paths = await locateProject(globals.project);
  const runId = parseRunId(positionals[0], "status");
  const limit = values.last === undefined ? 10 : parseRunId(values.last, "status --last")!;
  const hasRunning = readRunHistory(
    paths.database,
    (history) => history.runningRun() !== undefined,
  );
  if (hasRunning) recoverInterruptedRuns(paths);
  const { project, configError } = await tryOpenProject(paths);
  const problems = runId === undefined
    ? await openProblems(paths, { project, configError })
    : undefined;
  const output = readRunHistory(
    paths.database,
    (history) =>
      runId === undefined
        ? listRuns(history, limit, values.json === true, problems!, project)
        : showRun(history, runId, values.json === true, project),
  );
  if (output === undefined) {
    if (runId !== undefined) throw noRun(runId);
    print(
      values.json
        ? JSON.stringify({ open_problems: problems!.problems, runs: [] })
        : [...describeOpenProblems(problems!), "No runs yet. Load files with: plutus run"].join(
          "\n",
        ),
    );
    return 0;
  }
  print(output);
  return 0;
}

/** The project, or why it does not open: status shows the runs either way. */
async function tryOpenProject(
  paths: ProjectPaths,
): Promise<{ project?: Project; configError?: unknown }> {
  try {
    return { project: await openProject(paths.root) };
  } catch (error) {
    if (error instanceof PlutusError) return { configError: error };
    throw error;
  }
}

/** "Open problems" first: what needs the analyst now, and what retries it. */
function describeOpenProblems({ problems, waiting }: OpenProblems): string[] {
  const lines: string[] = [];
  if (problems.length === 0) lines.push(green("No open problems."));
  else {
    lines.push(bold(`Open problems (${problems.length}):`));
    for (const problem of problems) {
      lines.push(
        `  ${red("✗")} ${problem.subject}: ${
          problem.runId !== undefined ? `failed in run ${problem.runId}: ` : ""
        }${problem.error}`,
      );
      if (problem.hint) lines.push(`    ${yellow("hint:")} ${problem.hint}`);
      lines.push(`    ${dim(`then: ${problem.retry}`)}`);
    }
  }
  if (waiting.length > 0) {
    lines.push(
      `${count(waiting.length)} file(s) wait in inbox/ (${waiting.slice(0, 3).join(", ")}${
        waiting.length > 3 ? ", …" : ""
      }): plutus run loads them.`,
    );
  }
  lines.push("");
  return lines;
}

function listRuns(
  history: RunHistory,
  limit: number,
  json: boolean,
  problems: OpenProblems,
  project?: Project,
): string {
  const runs = history.listRuns(limit).map((run) => {
    if (run.failed_steps === 0) return { ...run, resolved_by_run: null };
    const failed = history.steps(run.id).filter((step) =>
      step.status === "failed" || step.status === "interrupted"
    );
    const resolutions = stepResolutions(history, failed, project);
    const all = failed.length > 0 && failed.every((step) => resolutions.has(step.id));
    return { ...run, resolved_by_run: all ? Math.max(...resolutions.values()) : null };
  });
  if (json) return JSON.stringify({ open_problems: problems.problems, runs }, null, 2);
  const head = describeOpenProblems(problems);
  if (runs.length === 0) return [...head, "No runs yet. Load files with: plutus run"].join("\n");
  return [
    ...head,
    table(
      [
        "run",
        "started",
        "status",
        "by",
        "steps",
        "read",
        "inserted",
        "updated",
        "duplicate",
        "rejected",
        "command",
      ],
      runs.map((run) => [
        String(run.id),
        local(run.started_at),
        run.resolved_by_run !== null
          ? `${paint(run.status)} (resolved by ${run.resolved_by_run})`
          : paint(run.status),
        run.trigger,
        run.failed_steps > 0 ? `${run.steps} (${run.failed_steps} failed)` : String(run.steps),
        count(run.rows_read),
        count(run.rows_inserted),
        count(run.rows_updated),
        count(run.rows_duplicate),
        count(run.rows_rejected),
        run.command ?? "",
      ]),
      { right: ["run", "read", "inserted", "updated", "duplicate", "rejected"], maxWidth: 40 },
    ),
    "",
    dim("Details of a run: plutus status RUN    its log: plutus logs RUN"),
  ].join("\n");
}

function showRun(history: RunHistory, runId: number, json: boolean, project?: Project): string {
  const run = history.run(runId);
  if (!run) throw noRun(runId);
  const recorded = history.steps(runId);
  const resolutions = stepResolutionDetails(history, recorded, project);
  const steps = recorded.map((step) => ({
    ...step,
    top_reasons: history.topReasons(step.id),
    resolved_by_run: resolutions.get(step.id)?.runId ?? null,
    set_aside_by: resolutions.get(step.id)?.setAsideBy ?? null,
  }));
  if (json) return JSON.stringify({ run, steps }, null, 2);
  const lines = [
    `${bold(`Run ${run.id}`)} ${paint(run.status)} — plutus ${run.command ?? "run"} from the ${
      run.trigger === "gui" ? "GUI" : "command line"
    }, ${local(run.started_at)} to ${local(run.finished_at)}`,
  ];
  if (steps.length === 0) return [...lines, "", "It had no steps: inbox/ was empty."].join("\n");
  lines.push(
    "",
    stepTable(
      steps.map((step) => ({
        ...step,
        rowsRead: step.rows_read,
        inserted: step.rows_inserted,
        updated: step.rows_updated,
        duplicate: step.rows_duplicate,
        rejected: step.rows_rejected,
      })),
      { ids: true, maxWidth: 40 },
    ),
  );
  for (const step of steps) {
    // one line each: a line break in a file name is shown escaped, not followed
    const input = terminalText(step.input, false);
    if (step.error) {
      const failed = step.status === "failed" || step.status === "interrupted";
      lines.push(
        "",
        `${failed && step.resolved_by_run === null ? red("error:") : yellow("note:")} ${input}: ${
          terminalText(step.error, false)
        }`,
      );
      if (step.resolved_by_run !== null) {
        lines.push(green(
          step.set_aside_by
            ? `set aside by run ${step.resolved_by_run} (${step.set_aside_by})`
            : `resolved by run ${step.resolved_by_run}, which loaded it since`,
        ));
      } else if (step.hint) lines.push(`${yellow("hint:")} ${step.hint}`);
    }
    const reasons = rejectedReasons(input, {
      rejected: step.rows_rejected,
      topReasons: step.top_reasons,
    });
    if (reasons.length > 0) lines.push("", ...reasons);
    if (step.archived_to) {
      lines.push(dim(`${input} → ${terminalText(step.archived_to, false)}`));
    }
  }
  // the rerun hint only where a rerun has something to do
  let rerun = false;
  try {
    rerun = project !== undefined && canRerun(planRerun(project, run.id));
  } catch {
    // no rerun to offer
  }
  if (rerun) lines.push("", `Once fixed, rerun what failed: ${bold(`plutus rerun ${run.id}`)}`);
  lines.push("", dim(`The full log: plutus logs ${run.id}`));
  return lines.join("\n");
}

function noRun(runId: number): PlutusError {
  return new PlutusError(`there is no run ${runId}`, {
    code: "no_run",
    hint: "See the runs with: plutus status",
  });
}
