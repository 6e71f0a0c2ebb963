/**
 * `plutus run`: load every file waiting in inbox/ (and API sources, once configured).
 *
 * @module
 */
import { listInbox } from "../../core/project/inbox.ts";
import { runPipeline } from "../../core/pipeline/run_pipeline.ts";
import { openProject } from "../../core/project/project.ts";
import { checkSourceNames } from "../../core/project/source_names.ts";
import type { GlobalOptions } from "../args.ts";
import { parseCommandArgs } from "../args.ts";
import { printRunSummary, progressListener } from "../run_report.ts";
import { watchInterrupt } from "../interrupt.ts";

export const help = `Usage: plutus run [--source NAME]... [--force] [--full] [--dry-run]

Pulls every API source, then loads every file waiting in inbox/: each file is read by the
source whose files pattern matches its name. Rows are cleaned, checked against their
table's schema, de-duplicated and loaded, one transaction per file or API source. Loaded
files move to archive/YYYY-MM-DD/; a file that fails stays in inbox/ so you can fix it and
run again (or use plutus rerun).

Options:
  -s, --source NAME   only this source (repeat for several)
      --force         load files even if the same content was loaded before
      --full          API sources: ask for everything, not only what is new since last time
      --dry-run       show what would be loaded; change nothing

Examples:
  plutus run
  plutus run --source google_ads --source meta_ads
  plutus run --dry-run --project ~/acme

Exit code 1 when a step failed, 2 when the configuration is wrong.`;

export async function run(args: string[], globals: GlobalOptions): Promise<number> {
  const { values } = parseCommandArgs("run", args, {
    source: { type: "string", short: "s", multiple: true },
    force: { type: "boolean" },
    full: { type: "boolean" },
    "dry-run": { type: "boolean" },
  }, { max: 0 });
  const project = await openProject(globals.project);
  checkSourceNames(project, values.source ?? []);
  const stop = watchInterrupt(project.paths.inbox, {
    dryRun: values["dry-run"],
    progress: progressListener(),
  });
  const result = await runPipeline(project, {
    trigger: "cli",
    command: ["run", ...args].join(" "),
    sources: values.source,
    force: values.force,
    full: values.full,
    dryRun: values["dry-run"],
    onEvent: stop.listener,
  }).finally(stop.dispose);
  printRunSummary(result, project, {
    only: values.source,
    otherFiles: values.source ? (await listInbox(project.paths.inbox)).length : 0,
  });
  return result.status === "failed" ? 1 : 0;
}
