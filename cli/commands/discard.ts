/**
 * `plutus discard FILE...`: set waiting files aside in archive/discarded/, unloaded.
 *
 * @module
 */
import { discardWaiting, inboxNameOf } from "../../core/project/discard_file.ts";
import { locateProject } from "../../core/project/project_paths.ts";
import type { GlobalOptions } from "../args.ts";
import { parseCommandArgs } from "../args.ts";
import { dim, print } from "../output.ts";

export const help = `Usage: plutus discard FILE...

Sets files waiting in inbox/ aside without loading them: each moves to
archive/discarded/YYYY-MM-DD/ (Plutus never deletes a file), and the move is recorded as
a run, so plutus status shows where it went. Use it for a file that fails on every run
and that you will not fix, or for a link or other entry Plutus refuses to read.

FILE is the name of a waiting file (leads.csv), or its path inside inbox/.
To load a fixed version of a file that failed, you need not discard it first: upload the
fixed file under the same name and it replaces the failed one (which is kept in
archive/discarded/).

Examples:
  plutus discard leads_broken.csv
  plutus discard inbox/old_export.csv inbox/test.csv`;

export async function run(args: string[], globals: GlobalOptions): Promise<number> {
  const { positionals } = parseCommandArgs("discard", args, {}, {
    min: 1,
    names: "the name of at least one FILE waiting in inbox/",
  });
  const paths = await locateProject(globals.project);
  const names = [...new Set(positionals.map((arg) => inboxNameOf(paths, arg)))];
  const { runId, discarded } = await discardWaiting(paths, names, {
    trigger: "cli",
    command: ["discard", ...args].join(" "),
  });
  for (const file of discarded) print(`Set aside inbox/${file.name} → ${file.to}`);
  print(dim(`Recorded as run ${runId}: plutus status ${runId}`));
  return 0;
}
