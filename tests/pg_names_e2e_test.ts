/**
 * Names PostgreSQL would cut at 63 bytes are refused before anything is created, by check
 * and by run, naming the schema file: a cut name is not found again by its full one.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { expectCode, filesIn, runCli, withTempDir, writeFiles } from "./helpers.ts";
import { freshDatabase } from "./pg_server.ts";

const ignore = Deno.env.get("PLUTUS_TEST_PG_URL") === undefined && Deno.env.get("CI") !== "true";

Deno.test({
  name: "a column name over 63 bytes is refused on PostgreSQL by check and run; nothing loads",
  ignore,
  fn: async () => {
    const database = (await freshDatabase())!;
    try {
      await withTempDir(async (dir) => {
        const long = `utm_${"campaign_".repeat(7)}name`; // 71 bytes
        const project = join(dir, "acme");
        expectCode(await runCli(["init", project, "--database", database.url]), 0);
        await writeFiles(project, {
          "schema/leads.yaml":
            `columns:\n  email: { type: text, required: true }\n  ${long}: { type: text }\nkey: [email]\n`,
          "plutus.yaml": (await Deno.readTextFile(join(project, "plutus.yaml"))).replace(
            /^sources:[^]*$/m,
            `sources:\n  crm:\n    kind: file\n    files: "leads*.csv"\n    table: leads\n    columns: { email: Email, ${long}: Campaign }\n`,
          ),
          "inbox/leads_1.csv": "Email,Campaign\na@example.com,spring\n",
        });
        const said =
          `schema/leads.yaml: column "${long}" is 71 bytes long; PostgreSQL keeps names of up to 63 bytes`;
        const check = expectCode(await runCli(["check", "--project", project]), 1);
        assert.ok(check.stdout.includes(said), check.stdout);
        const run = expectCode(await runCli(["run", "--project", project]), 1);
        assert.ok((run.stdout + run.stderr).includes(said), run.stdout + run.stderr);
        assert.deepEqual(await filesIn(join(project, "inbox")), ["leads_1.csv"]);
      });
    } finally {
      await database.drop();
    }
  },
});

Deno.test({
  name:
    "a schema not there yet: check says the first run creates it, and the run does (a reserved word too)",
  ignore,
  fn: async () => {
    const database = (await freshDatabase())!;
    try {
      await withTempDir(async (dir) => {
        const project = join(dir, "acme");
        expectCode(await runCli(["init", project, "--demo", "--database", database.url]), 0);
        const config = join(project, "plutus.yaml");
        await Deno.writeTextFile(
          config,
          `database_schema: user\n${await Deno.readTextFile(config)}`,
        );
        const check = expectCode(await runCli(["check", "--project", project]), 0);
        assert.match(
          check.stdout,
          /ok {6}database schema user: not created yet: the first run creates it/,
        );
        expectCode(await runCli(["run", "--project", project]), 0);
        const counted = expectCode(
          await runCli(["query", "SELECT count(*) AS n FROM leads", "--csv", "--project", project]),
          0,
        );
        assert.match(counted.stdout, /^n\r?\n[1-9]\d*\r?\n/);
      });
    } finally {
      await database.drop();
    }
  },
});
