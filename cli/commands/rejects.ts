/**
 * `plutus rejects [RUN] [--csv]`: the rows a run rejected, with their values and reasons,
 * on screen or as CSV files to fix in a spreadsheet and upload again.
 *
 * @module
 */
import { join } from "node:path";
import { PlutusError } from "../../util/errors.ts";
import { locateProject } from "../../core/project/project_paths.ts";
import { recoverInterruptedRuns } from "../../core/run/recover_runs.ts";
import { openProject } from "../../core/project/project.ts";
import {
  describeProblems,
  rejectsFiles,
  rejectsOfRun,
  shownValue,
  writeRejectFiles,
} from "../../core/history/rejects_export.ts";
import { rejectsAdvice } from "../../core/history/rejects_advice.ts";
import { openDriver } from "../../core/store/open_driver.ts";
import type { GlobalOptions } from "../args.ts";
import { parseCommandArgs, parseRunId } from "../args.ts";
import { bold, count, dim, print, table, terminalText, yellow } from "../output.ts";
import { relativePath } from "../run_report.ts";

export const help = `Usage: plutus rejects [RUN] [--csv] [--limit N]

Shows the rows the last run (or run RUN) rejected: where each one is (file and line, or
sheet and row), its values, and every reason.

With --csv, writes them to exports/rejects-run-RUN/, one CSV per file (or API source),
named after it (leads.csv → leads.rejects-run-RUN.csv): the source's own columns, then
_reason, _location and _source. Fix the values in a spreadsheet, save as CSV (keep the
_ columns), and load the file again; Plutus recognises it and reads it with its source:
  plutus upload exports/rejects-run-3/leads.rejects-run-3.csv
Delete a row to leave it out. Text that starts like a formula (=, +, -, @) is written with
a leading ' and loaded without it.

Options:
      --csv        write CSV files to fix, instead of printing
  -l, --limit N    rows to print per file (default 50)

Examples:
  plutus rejects
  plutus rejects 12 --csv`;

export async function run(args: string[], globals: GlobalOptions): Promise<number> {
  const { values, positionals } = parseCommandArgs("rejects", args, {
    csv: { type: "boolean" },
    limit: { type: "string", short: "l" },
  }, { max: 1 });
  const paths = await locateProject(globals.project);
  // a run whose process died shows as interrupted, as in plutus status
  await recoverInterruptedRuns(paths);
  const limit = values.limit === undefined ? 50 : parseRunId(values.limit, "rejects --limit")!;
  const found = await openDriver(paths.database).readHistory(async (history) => {
    const runId = parseRunId(positionals[0], "rejects") ?? (await history.lastRun())?.id;
    if (runId === undefined || !(await history.run(runId))) return undefined;
    return { runId, steps: await rejectsOfRun(history, runId) };
  });
  if (!found) {
    throw new PlutusError(
      positionals[0] ? `there is no run ${positionals[0]}` : "there are no runs yet",
      {
        code: "no_run",
        hint: "See the runs with: plutus status",
      },
    );
  }
  const { runId, steps } = found;
  if (steps.length === 0) {
    print(`Run ${runId} rejected no rows.`);
    return 0;
  }
  if (values.csv) {
    // An API source's rejects are written as the table columns its mapping reads.
    const project = await openProject(paths.root);
    const written = await writeRejectFiles(
      rejectsFiles(steps, runId, {
        sources: project.config.sources,
        tables: project.tables,
        timeZone: project.config.timezone,
      }),
      join(paths.exports, `rejects-run-${runId}`),
    );
    for (const file of written) {
      print(`Wrote ${count(file.rows)} rejected row(s) to ${relativePath(file.path)}`);
    }
    // A step that failed loaded nothing, its good rows neither: the fix belongs in the file.
    const advice = rejectsAdvice(steps, runId);
    if (advice.uploadFixed.length > 0) {
      print(dim(
        `Fix ${
          advice.uploadFixed.length < steps.length
            ? `the rows of ${
              advice.uploadFixed.map((name) => terminalText(name, false)).join(", ")
            }`
            : "them"
        } in a spreadsheet, save as CSV (keep the _ columns), then: plutus upload FILE`,
      ));
    }
    for (const warning of advice.failedWhole) {
      print(`${yellow("warning:")} ${terminalText(warning, false)}`);
    }
    return 0;
  }
  for (const step of steps) {
    print(
      bold(
        `${terminalText(step.input, false)} (source ${step.source}, ${step.status}): ${
          count(step.rowsRejected)
        } row(s) rejected`,
      ),
    );
    const shown = step.rows.slice(0, limit);
    print(table(
      ["where", "reasons", "values"],
      shown.map((row) => [
        row.location,
        describeProblems(row),
        Object.entries(row.record).map(([key, value]) => `${key}=${shownValue(value)}`).join(
          " | ",
        ),
      ]),
      { maxWidth: 70, indent: "  " },
    ));
    if (step.rows.length > shown.length) {
      print(
        dim(`  … ${count(step.rows.length - shown.length)} more: plutus rejects ${runId} --csv`),
      );
    }
    if (step.rows.length < step.rowsRejected) {
      print(
        dim(
          `  (the step failed: the first ${
            count(step.rows.length)
          } rejects were kept with their details)`,
        ),
      );
    }
    print("");
  }
  return 0;
}
