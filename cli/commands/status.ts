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
import { leftBehindSqlite } from "../../core/project/left_behind.ts";
import { recoverInterruptedRuns } from "../../core/run/recover_runs.ts";
import { runJson, stepJson } from "../../core/history/run_json.ts";
import type { RunHistory } from "../../core/store/mod.ts";
import { openDriver } from "../../core/store/open_driver.ts";
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

const local = (iso?: string) => (iso ? localStamp(new Date(iso)) : "—");

export async function run(args: string[], globals: GlobalOptions): Promise<number> {
  const { values, positionals } = parseCommandArgs("status", args, {
    json: { type: "boolean" },
    last: { type: "string", short: "n" },
  }, { max: 1 });
  const paths = await locateProject(globals.project);
  const runId = parseRunId(positionals[0], "status");
  const limit = values.last === undefined ? 10 : parseRunId(values.last, "status --last")!;
  const driver = openDriver(paths.database);
  await recoverInterruptedRuns(paths);
  const { project, configError } = await tryOpenProject(paths);
  const problems = runId === undefined
    ? await openProblems(paths, { project, configError })
    : undefined;
  // a project moved to PostgreSQL whose SQLite file still holds its earlier runs
  const left = runId === undefined && project ? await leftBehindSqlite(project) : undefined;
  const leftJson = left && { file: left.file, holds: left.summary, copy_with: left.command };
  const output = await driver.readHistory(
    (history) =>
      runId === undefined
        ? listRuns(history, limit, values.json === true, problems!, project, leftJson)
        : showRun(history, runId, values.json === true, project),
  );
  const leftNote = left && !values.json
    ? `${
      yellow("Note:")
    } ${left.file} still holds ${left.summary} from before the project moved to PostgreSQL; the server has not got them. Copy them there with: ${left.command}`
    : undefined;
  if (output === undefined) {
    if (runId !== undefined) throw noRun(runId);
    print(
      values.json
        ? JSON.stringify({
          open_problems: problems!.problems,
          ...(leftJson ? { left_behind: leftJson } : {}),
          runs: [],
        })
        : [...describeOpenProblems(problems!), "No runs yet. Load files with: plutus run"].join(
          "\n",
        ),
    );
    if (leftNote) print(leftNote);
    return 0;
  }
  print(output);
  if (leftNote) print(leftNote);
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
          problem.runId !== undefined
            ? `${problem.runStatus ?? "failed"} in run ${problem.runId}: `
            : ""
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

async function listRuns(
  history: RunHistory,
  limit: number,
  json: boolean,
  problems: OpenProblems,
  project?: Project,
  leftBehind?: { file: string; holds: string; copy_with: string },
): Promise<string> {
  const runs = [];
  for (const run of await history.listRuns(limit)) {
    if (run.failedSteps === 0) {
      runs.push({ ...run, resolvedByRun: null });
      continue;
    }
    const failed = (await history.steps(run.id)).filter((step) =>
      step.status === "failed" || step.status === "interrupted"
    );
    const resolutions = await stepResolutions(history, failed, project);
    const all = failed.length > 0 && failed.every((step) => resolutions.has(step.id));
    runs.push({ ...run, resolvedByRun: all ? Math.max(...resolutions.values()) : null });
  }
  if (json) {
    return JSON.stringify(
      {
        open_problems: problems.problems,
        ...(leftBehind ? { left_behind: leftBehind } : {}),
        runs: runs.map((run) => ({ ...runJson(run), resolved_by_run: run.resolvedByRun })),
      },
      null,
      2,
    );
  }
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
        local(run.startedAt),
        run.resolvedByRun !== null
          ? `${paint(run.status)} (resolved by ${run.resolvedByRun})`
          : paint(run.status),
        run.trigger,
        run.failedSteps > 0 ? `${run.steps} (${run.failedSteps} failed)` : String(run.steps),
        count(run.rowsRead),
        count(run.inserted),
        count(run.updated),
        count(run.duplicate),
        count(run.rejected),
        run.command ?? "",
      ]),
      { right: ["run", "read", "inserted", "updated", "duplicate", "rejected"], maxWidth: 40 },
    ),
    "",
    dim("Details of a run: plutus status RUN    its log: plutus logs RUN"),
  ].join("\n");
}

async function showRun(
  history: RunHistory,
  runId: number,
  json: boolean,
  project?: Project,
): Promise<string> {
  const run = await history.run(runId);
  if (!run) throw noRun(runId);
  const recorded = await history.steps(runId);
  const resolutions = await stepResolutionDetails(history, recorded, project);
  const steps = [];
  for (const step of recorded) {
    steps.push({
      ...step,
      topReasons: await history.topReasons(step.id),
      resolvedByRun: resolutions.get(step.id)?.runId ?? null,
      setAsideBy: resolutions.get(step.id)?.setAsideBy ?? null,
    });
  }
  if (json) {
    return JSON.stringify(
      {
        run: runJson(run),
        steps: steps.map((step) => ({
          ...stepJson(step),
          resolved_by_run: step.resolvedByRun,
          set_aside_by: step.setAsideBy,
        })),
      },
      null,
      2,
    );
  }
  const lines = [
    `${bold(`Run ${run.id}`)} ${paint(run.status)} — plutus ${run.command ?? "run"} from the ${
      run.trigger === "gui" ? "GUI" : "command line"
    }, ${local(run.startedAt)} to ${local(run.finishedAt)}`,
  ];
  if (steps.length === 0) return [...lines, "", "It had no steps: inbox/ was empty."].join("\n");
  lines.push(
    "",
    stepTable(steps, { ids: true, maxWidth: 40 }),
  );
  for (const step of steps) {
    // one line each: a line break in a file name is shown escaped, not followed
    const input = terminalText(step.input, false);
    if (step.error) {
      const failed = step.status === "failed" || step.status === "interrupted";
      lines.push(
        "",
        `${failed && step.resolvedByRun === null ? red("error:") : yellow("note:")} ${input}: ${
          terminalText(step.error, false)
        }`,
      );
      if (step.resolvedByRun !== null) {
        lines.push(green(
          step.setAsideBy
            ? `set aside by run ${step.resolvedByRun} (${step.setAsideBy})`
            : `resolved by run ${step.resolvedByRun}, which loaded it since`,
        ));
      } else if (step.hint) lines.push(`${yellow("hint:")} ${step.hint}`);
    }
    const reasons = rejectedReasons(input, step);
    if (reasons.length > 0) lines.push("", ...reasons);
    for (const warning of step.warnings) {
      lines.push("", `${yellow("warning:")} ${input}: ${terminalText(warning, false)}`);
    }
    if (step.archivedTo) {
      lines.push(dim(`${input} → ${terminalText(step.archivedTo, false)}`));
    }
  }
  // the rerun hint only where a rerun has something to do
  let rerun = false;
  try {
    rerun = project !== undefined && canRerun(await planRerun(project, run.id));
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
