/**
 * `plutus db copy --to URL`: move a project's tables from its SQLite file into PostgreSQL;
 * `plutus db copy --from FILE`: a PostgreSQL project's old SQLite file into its server.
 *
 * @module
 */
import { copyProjectToPostgres } from "../../core/project/copy_project.ts";
import { switchDatabase } from "../../core/project/edit_database.ts";
import { openProject } from "../../core/project/project.ts";
import { UsageError } from "../../util/errors.ts";
import type { GlobalOptions } from "../args.ts";
import { parseCommandArgs } from "../args.ts";
import { bold, dim, green, print } from "../output.ts";
import { formatCount } from "../../util/list_text.ts";

export const help = `Usage: plutus db copy --to URL [--schema NAME] [--replace] [--switch | --yes]
       plutus db copy --from FILE [--replace]

Copies the project's SQLite database into a PostgreSQL server: every data table with its
rows, and the run history (runs, steps, rejected rows, API state), so status, rejects and
rerun read the same afterwards. It all goes in one transaction — all of it arrives, or
none — and the rows of each table are counted on both sides before it is committed. The
SQLite file is not changed (keep it as a backup). No run may start meanwhile.

A table of the same name that already has rows on the server stops the copy, unless
--replace is given: then those tables are dropped there first (their rows are lost).

Afterwards it offers to point plutus.yaml at the server (database: with \${PG_PASSWORD};
a password written in the URL goes to .env). On a terminal it asks; in scripts, --switch
(or --yes) switches without asking, and without either nothing is switched.

A project already on PostgreSQL (switched on the GUI's Database page, or by editing
database:) whose SQLite file still holds its earlier runs: --from FILE copies that file
into the project's own server, in the same way (plutus status and check name the file).

Options:
  --from FILE     the SQLite file to copy (default: the project's database: file); on a
                  project on PostgreSQL, into its own server, without --to
  --to URL        postgres://USER[:PASSWORD]@HOST:5432/DATABASE?sslmode=require; without a
                  password in it, PG_PASSWORD from .env (or the environment) is used
  --schema NAME   the schema on the server (default: database_schema:, or public)
  --replace       drop the server's tables of the same names first
  --switch, --yes switch plutus.yaml to the server after the copy, without asking

Examples:
  plutus db copy --to "postgres://plutus@db.example.com/marketing?sslmode=require"
  plutus db copy --to "postgres://plutus@localhost/marketing" --schema acme --switch
  plutus db copy --to "postgres://plutus@localhost/marketing" --replace --yes
  plutus db copy --from data/plutus.db`;

export async function run(args: string[], globals: GlobalOptions): Promise<number> {
  const { values, positionals } = parseCommandArgs("db", args, {
    to: { type: "string" },
    from: { type: "string" },
    schema: { type: "string" },
    replace: { type: "boolean" },
    switch: { type: "boolean" },
    yes: { type: "boolean" },
  }, { min: 1, max: 1, names: "what to do: plutus db copy --to URL" });
  if (positionals[0] !== "copy") {
    throw new UsageError(`plutus db knows one action, copy; got "${positionals[0]}"`, {
      hint: "See: plutus db --help",
    });
  }
  const project = await openProject(globals.project);
  let started = false;
  const { report, setting, from } = await copyProjectToPostgres(project, values.to, {
    schema: values.schema,
    replace: values.replace,
    from: values.from,
    onTable: (name, rows) => {
      // said once the copy runs: a refused project's database: (a URL) is never printed
      if (!started) print(`Copying ${values.from ?? project.config.database} into PostgreSQL…`);
      started = true;
      print(`  ${name.padEnd(24)} ${formatCount(rows).padStart(10)} rows`);
    },
  });
  const total = report.tables.reduce((sum, table) => sum + table.rows, 0);
  print(
    green(
      `Copied ${report.tables.length} table(s), ${
        formatCount(total)
      } rows, and the run history into ${report.label}, schema ${report.schema}; the counts match.`,
    ),
  );
  if (report.replaced.length > 0) print(dim(`Replaced there: ${report.replaced.join(", ")}.`));
  if (!setting) {
    // the project's own server: nothing to switch
    print(`${from} stays as it was: keep it as a backup. See the runs with: plutus status`);
    return 0;
  }
  let doSwitch = values.switch === true || values.yes === true;
  if (!doSwitch && Deno.stdin.isTerminal()) {
    doSwitch = (prompt("Point plutus.yaml at the server now? [y/N]") ?? "").trim().toLowerCase()
      .startsWith("y");
  }
  if (!doSwitch) {
    // the copy is there now: a second one would need --replace, so this says what to write
    print(`plutus.yaml still names ${project.config.database}. To use the server, set in it:`);
    print(`  database: "${setting.database}"`);
    if (setting.schema && setting.schema !== "public") {
      print(`  database_schema: ${setting.schema}`);
    }
    if (setting.password !== undefined) {
      print("and in .env the password of the URL you gave: PG_PASSWORD='…'");
    }
    print(dim("(or run this again with --switch --replace, which copies again and switches)"));
    return 0;
  }
  await switchDatabase(project.paths.root, setting);
  print(
    `${bold("Switched:")} plutus.yaml now names ${report.label}${
      setting.password !== undefined ? " (the password is in .env as PG_PASSWORD)" : ""
    }. ${project.config.database} stays as it was: keep it as a backup.`,
  );
  print("Check it with: plutus check");
  return 0;
}
