/**
 * `plutus upload FILE...`: copy files into inbox/ and load them at once.
 *
 * @module
 */
import { resolve } from "node:path";
import { PlutusError, RunLockedError, UsageError } from "../../util/errors.ts";
import { type DiscardedFile, replaceFailedFile } from "../../core/project/discard_file.ts";
import { copyIntoInbox } from "../../core/project/inbox.ts";
import type { FileRequest } from "../../core/pipeline/plan_files.ts";
import { runPipeline } from "../../core/pipeline/run_pipeline.ts";
import { openProject } from "../../core/project/project.ts";
import { checkFileSourceName } from "../../core/project/source_names.ts";
import type { GlobalOptions } from "../args.ts";
import { parseCommandArgs } from "../args.ts";
import { dim, print } from "../output.ts";
import { printRunSummary, progressListener } from "../run_report.ts";
import { watchInterrupt } from "../interrupt.ts";

export const help = `Usage: plutus upload FILE... [--source NAME] [--force] [--dry-run]

Copies each FILE into the project's inbox/ and loads it, exactly as plutus run would.
Your original file is never changed or moved. Each file is read by the source whose
files pattern matches its name, or by --source.

A file waiting in inbox/ under the same name that failed to load is replaced (it is kept
in archive/discarded/); one that never failed stays, and the upload gets the name
"NAME (2)". Upload an unchanged file twice and it is used once.

Options:
  -s, --source NAME   read every file with this source, whatever its name
      --force         load even if the same content was loaded before
      --dry-run       show what would be loaded; copy nothing, change nothing

Examples:
  plutus upload ~/Downloads/google_ads_2026-11.csv
  plutus upload leads_export.csv --source hubspot_leads
  plutus upload --dry-run orders.csv --project ~/acme

Exit code 1 when a file failed to load (it stays in inbox/).`;

export async function run(args: string[], globals: GlobalOptions): Promise<number> {
  const { values, positionals } = parseCommandArgs("upload", args, {
    source: { type: "string", short: "s" },
    force: { type: "boolean" },
    "dry-run": { type: "boolean" },
  }, { min: 1, names: "at least one FILE" });
  const project = await openProject(globals.project);
  const source = values.source;
  if (source !== undefined) checkFileSourceName(project, source);
  const dryRun = values["dry-run"] === true;
  const files: FileRequest[] = [];
  const replaced: DiscardedFile[] = [];
  const makeRoom = replaceFailedFile(project.paths, "cli", replaced);
  for (const path of positionals) {
    if (dryRun) {
      const info = await Deno.stat(path).catch(() => {
        throw new UsageError(`${path}: no such file`, {
          hint: "Check the path; relative paths start from the folder you are in.",
        });
      });
      if (!info.isFile) {
        throw new UsageError(`${path} is not a regular file`, {
          hint: "Give the path of a CSV or spreadsheet file.",
        });
      }
      files.push({ name: path.split(/[\\/]/).pop()!, source, path: resolve(path) });
    } else {
      const copied = await copyIntoInbox(path, project.paths.inbox, makeRoom);
      files.push({ name: copied.name, sha256: copied.sha256, source });
    }
  }
  for (const file of replaced) {
    print(dim(`Replaced inbox/${file.name}, which had failed; it is kept in ${file.to}`));
  }
  const stop = watchInterrupt(project.paths.inbox, { dryRun, progress: progressListener() });
  const result = await runPipeline(project, {
    trigger: "cli",
    command: ["upload", ...args].join(" "),
    files,
    force: values.force,
    dryRun,
    onEvent: stop.listener,
  }).finally(stop.dispose).catch((error) => {
    // copied already: say where the files wait, and that the next run loads them
    if (dryRun) throw error;
    const names = files.map((file) => `inbox/${file.name}`).join(", ");
    const waits = `${names} ${files.length > 1 ? "wait" : "waits"} there`;
    if (error instanceof PlutusError && error.code === "db_locked") {
      throw new PlutusError(error.message, {
        code: error.code,
        cause: error,
        hint:
          `${error.hint!.replace(/, then run the command again: it changed nothing\.$/, ".")} ` +
          `Nothing was loaded: ${waits}. Once the database is free, ${
            source === undefined && !values.force
              ? `plutus run loads ${files.length > 1 ? "them" : "it"}`
              : `upload again as you did: ${againCommand(args, globals)}`
          }.`,
      });
    }
    if (!(error instanceof RunLockedError)) throw error;
    // plutus run would not give them the source or the --force this upload asked for
    throw new RunLockedError(error.message, {
      hint: source === undefined && !values.force
        ? `${waits} and ${
          files.length > 1 ? "load" : "loads"
        } with the next run: once this one has finished (plutus status shows it), run plutus run.`
        : `${waits}; once this one has finished (plutus status shows it), upload again as you ` +
          `did: ${againCommand(args, globals)}`,
    });
  });
  printRunSummary(result, project);
  const notLoaded = result.steps.some((step) =>
    step.status === "failed" || (step.status === "skipped" && step.source === "")
  );
  return notLoaded ? 1 : 0;
}

/** This upload's command line, to run again. */
function againCommand(args: readonly string[], globals: GlobalOptions): string {
  return `plutus ${
    ["upload", ...args, ...(globals.project === "." ? [] : ["--project", globals.project])]
      .map(shellWord).join(" ")
  }`;
}

/** An argument as a shell reads it back: quoted when it has spaces or special characters. */
function shellWord(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}
