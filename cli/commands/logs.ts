/**
 * `plutus logs [RUN] [--errors]`: print a run's log, or today's error log.
 *
 * @module
 */
import { PlutusError, UsageError } from "../../util/errors.ts";
import { locateProject } from "../../core/project/project_paths.ts";
import { recoverInterruptedRuns } from "../../core/run/recover_runs.ts";
import { errorLogPath, findRunLog, newestRunsFirst } from "../../core/run/log_reader.ts";
import { openDriver } from "../../core/store/open_driver.ts";
import type { GlobalOptions } from "../args.ts";
import { parseCommandArgs, parseRunId } from "../args.ts";
import { print, terminalText, writeAll } from "../output.ts";
import { relativePath } from "../run_report.ts";

export const help = `Usage: plutus logs [RUN] [--errors [--day YYYY-MM-DD]]

Prints the log of the last run, or of run RUN: every step, its counts, every error and
every rejected row with its file and line. With --errors, prints the day's error log,
which collects the errors and rejects of all runs of that day: the newest run first, each
run's lines in the order they happened.

Options:
      --errors        the error log of today (or of --day)
      --day DAY       with --errors: another day, as YYYY-MM-DD
      --path          print only the log file's path

Examples:
  plutus logs
  plutus logs 12
  plutus logs --errors`;

export async function run(args: string[], globals: GlobalOptions): Promise<number> {
  const { values, positionals } = parseCommandArgs("logs", args, {
    errors: { type: "boolean" },
    day: { type: "string" },
    path: { type: "boolean" },
  }, { max: 1 });
  const paths = await locateProject(globals.project);
  // a run whose process died shows as interrupted, as in plutus status
  await recoverInterruptedRuns(paths);
  let path: string;
  if (values.errors) {
    if (positionals.length > 0) {
      throw new UsageError("give either RUN or --errors, not both", {
        hint: "See: plutus logs --help",
      });
    }
    if (values.day !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(values.day)) {
      throw new UsageError(`--day takes a date as YYYY-MM-DD; got "${values.day}"`);
    }
    path = errorLogPath(paths.logs, values.day);
    if (!(await exists(path))) {
      print(
        `No errors logged ${values.day ? `on ${values.day}` : "today"} (${
          relativePath(path)
        } does not exist).`,
      );
      return 0;
    }
  } else {
    const driver = openDriver(paths.database);
    const runId = parseRunId(positionals[0], "logs") ??
      await driver.readHistory(async (history) => (await history.lastRun())?.id);
    if (runId === undefined) {
      print("No runs yet, so no logs. Load files with: plutus run");
      return 0;
    }
    const known = await driver.readHistory(
      async (history) => (await history.run(runId)) !== undefined,
    );
    if (!known) {
      throw new PlutusError(`there is no run ${runId}`, {
        code: "no_run",
        hint: "See the runs with: plutus status",
      });
    }
    const found = await findRunLog(paths.logs, runId);
    if (!found) {
      throw new PlutusError(
        `run ${runId} has no log file in ${relativePath(paths.logs)}/`,
        {
          code: "no_log",
          hint:
            "Logs are never deleted by Plutus; check whether someone moved it, or see plutus status " +
            runId,
        },
      );
    }
    path = found;
  }
  if (values.path) {
    print(path);
    return 0;
  }
  if (values.errors) {
    // A log written by an older version may hold raw control characters: escaped here.
    writeAll(Deno.stdout, terminalText(newestRunsFirst(await Deno.readTextFile(path))));
    return 0;
  }
  using file = await Deno.open(path);
  const buffer = new Uint8Array(1 << 16);
  // A log written by an older version may hold raw control characters: escaped here.
  const decoder = new TextDecoder();
  for (let read = await file.read(buffer); read !== null; read = await file.read(buffer)) {
    writeAll(Deno.stdout, terminalText(decoder.decode(buffer.subarray(0, read), { stream: true })));
  }
  writeAll(Deno.stdout, terminalText(decoder.decode()));
  return 0;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}
