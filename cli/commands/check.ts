/**
 * `plutus check`: validate the configuration, the schemas and the waiting files; load nothing.
 *
 * @module
 */
import { checkApiSources } from "../../core/check/check_api.ts";
import { checkDatabase } from "../../core/check/check_database.ts";
import { checkProject } from "../../core/check/check_project.ts";
import { openProject } from "../../core/project/project.ts";
import type { GlobalOptions } from "../args.ts";
import { parseCommandArgs } from "../args.ts";
import { dim, green, print, red, yellow } from "../output.ts";

export const help = `Usage: plutus check [--online]

Checks plutus.yaml and every schema/*.yaml (each error with its file and line), compares
each schema with its table in the database, and reads the header of every file waiting in
inbox/ to check its source's column mapping. Nothing is loaded or moved. When database:
is a PostgreSQL URL, it connects once and reports the server's version, whether TLS is in
use and whether the user may create tables in the schema.

With --online, also asks each API source for its first page: the answer (status, or the
error), how many records came, the fields they have, and mapped paths none of them has.

Exit code 0 when all is well, 1 when a file or table has a problem, 2 when the
configuration itself is invalid.

Examples:
  plutus check --project ~/acme
  plutus check --online`;

export async function run(args: string[], globals: GlobalOptions): Promise<number> {
  const { values } = parseCommandArgs("check", args, { online: { type: "boolean" } }, { max: 0 });
  const project = await openProject(globals.project);
  // side by side: a server that does not answer costs its connect_timeout once, not twice
  // (the connection test and the tables' check each wait for it)
  const [items, database] = await Promise.all([checkProject(project), checkDatabase(project)]);
  items.splice(1, 0, ...database); // a PostgreSQL project's connection
  if (values.online) items.push(...await checkApiSources(project));
  else if (Object.values(project.config.sources).some((source) => source.kind === "api")) {
    items.push({
      subject: "API sources",
      ok: true,
      detail: "not asked (add --online to ask each for its first page)",
    });
  }
  for (const item of items) {
    print(`${item.ok ? green("ok     ") : red("problem")} ${item.subject}: ${item.detail}`);
    if (item.hint) print(`        ${yellow("hint:")} ${item.hint}`);
  }
  const problems = items.filter((item) => !item.ok).length;
  const waiting = !items.some((item) => item.subject === "inbox/");
  print("");
  print(
    problems > 0
      ? dim(`${problems} problem(s) found; nothing was loaded.`)
      : waiting
      ? green("All good: plutus run would load the files above.")
      : green("All good. Put exports in inbox/ (or: plutus upload FILE) to load them."),
  );
  return problems === 0 ? 0 : 1;
}
