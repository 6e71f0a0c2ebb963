/**
 * `plutus init [DIR] [--demo]`: create a project folder.
 *
 * @module
 */
import { FOLDERS } from "../../core/init/templates.ts";
import { initProject } from "../../core/init/init_project.ts";
import type { GlobalOptions } from "../args.ts";
import { parseCommandArgs } from "../args.ts";
import { bold, dim, print } from "../output.ts";
import { relativePath } from "../run_report.ts";

export const help = `Usage: plutus init [DIR] [--demo] [--database PATH|URL]

Creates a Plutus project in DIR (default: the current folder, or --project): plutus.yaml,
a schema/ folder with an example table, .env for API keys, and the folders inbox/,
archive/, data/, logs/ and exports/. It never overwrites an existing project.

With --demo, the project gets four sources (Google Ads, Meta Ads, HubSpot, Shopify) into
three tables (ad_spend, leads, orders), and sample exports waiting in inbox/ — with the
mess real exports have — ready for: plutus run

With --database, the project keeps its tables in that SQLite file, or in a PostgreSQL
server: postgres://USER@HOST:5432/DATABASE?sslmode=require. A password written in the URL
is moved to .env as PG_PASSWORD (the URL keeps \${PG_PASSWORD}); or add it there yourself.
Test the connection with: plutus check (docs/postgres.md)

Examples:
  plutus init acme
  plutus init acme-demo --demo
  plutus init acme --database "postgres://plutus@db.example.com/marketing?sslmode=require"`;

export async function run(args: string[], globals: GlobalOptions): Promise<number> {
  const { values, positionals } = parseCommandArgs("init", args, {
    demo: { type: "boolean" },
    database: { type: "string" },
  }, {
    max: 1,
  });
  const dir = positionals[0] ?? globals.project;
  const result = await initProject(dir, { demo: values.demo, database: values.database });
  const where = relativePath(result.root);
  print(`${bold("Created")} a Plutus ${values.demo ? "demo " : ""}project in ${where}/`);
  print("");
  for (const [folder, purpose] of Object.entries(FOLDERS)) {
    // a PostgreSQL project's data/ stays empty: its tables are on the server
    const what = folder === "data" && result.postgres
      ? "empty: the tables live in PostgreSQL (below)"
      : purpose;
    print(`  ${`${folder}/`.padEnd(10)} ${dim(what)}`);
  }
  print(`  ${"plutus.yaml".padEnd(10)} ${dim("sources, database and options")}`);
  print(`  ${".env".padEnd(10)} ${dim("API keys and passwords (private: mode 600)")}`);
  print(`  ${".schemas/".padEnd(10)} ${dim("lets your editor complete and check the YAML files")}`);
  print("");
  const project = where === "." ? "" : ` --project ${where}`;
  if (values.demo) {
    const samples = result.created.filter((name) => name.startsWith("inbox/")).length;
    print(`${samples} sample exports wait in inbox/. Next:`);
    print(`  plutus run${project}               load them`);
    print(`  plutus status${project}            see what happened`);
    print(`  plutus query "SELECT * FROM ad_spend LIMIT 5"${project}`);
  } else if (result.postgres) {
    print(`The tables will live in PostgreSQL: ${result.postgres}`);
    if (!result.passwordSaved) {
      print(
        "Put the password in .env after PG_PASSWORD= (or leave it empty if the server asks for none), then:",
      );
    } else print("The password is in .env as PG_PASSWORD. Next:");
    print(`  plutus check${project}            tests the connection`);
  } else {
    print("Next: describe your tables in schema/, your sources in plutus.yaml, then:");
    print(`  plutus check${project}`);
    print(`  plutus upload FILE${project}`);
  }
  return 0;
}
