/**
 * `plutus check`: validate the configuration, the schemas and the waiting files; load nothing.
 *
 * @module
 */
import { checkProject } from "../../core/check_project.ts";
import { openProject } from "../../core/project.ts";
import type { GlobalOptions } from "../args.ts";
import { parseCommandArgs } from "../args.ts";
import { dim, green, print, red, yellow } from "../output.ts";

export const help = `Usage: plutus check

Checks plutus.yaml and every schema/*.yaml (each error with its file and line), compares
each schema with its table in the database, and reads the header of every file waiting in
inbox/ to check its source's column mapping. Nothing is loaded or moved.

Exit code 0 when all is well, 1 when a file or table has a problem, 2 when the
configuration itself is invalid.

Example:
  plutus check --project ~/acme`;

export async function run(args: string[], globals: GlobalOptions): Promise<number> {
  parseCommandArgs("check", args, {}, { max: 0 });
  const project = await openProject(globals.project);
  const items = await checkProject(project);
  for (const item of items) {
    print(`${item.ok ? green("ok     ") : red("problem")} ${item.subject}: ${item.detail}`);
    if (item.hint) print(`        ${yellow("hint:")} ${item.hint}`);
  }
  const problems = items.filter((item) => !item.ok).length;
  print("");
  print(
    problems === 0
      ? green("All good: plutus run would load the files above.")
      : dim(`${problems} problem(s) found; nothing was loaded.`),
  );
  return problems === 0 ? 0 : 1;
}
