/**
 * A user missing one privilege Plutus needs is told which, with the GRANT that gives it,
 * naming the user and the database; nothing loads and the file stays in inbox/.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { expectCode, filesIn, runCli, withTempDir } from "./helpers.ts";
import { adminSql, freshDatabase } from "./pg_server.ts";

const ignore = Deno.env.get("PLUTUS_TEST_PG_URL") === undefined && Deno.env.get("CI") !== "true";

Deno.test({
  name: "a user without TEMPORARY, or without CREATE for its schema, is told the GRANT it needs",
  ignore,
  fn: async () => {
    const database = (await freshDatabase())!;
    const role = `plutus_priv_${Deno.pid}`;
    await adminSql(database.adminUrl, [
      `DROP ROLE IF EXISTS ${role}`,
      `CREATE ROLE ${role} LOGIN PASSWORD 'pw-${role}'`,
      `REVOKE ALL ON DATABASE ${database.name} FROM PUBLIC`,
      `GRANT CONNECT ON DATABASE ${database.name} TO ${role}`,
    ]);
    await adminSql(database.url, [`GRANT CREATE, USAGE ON SCHEMA public TO ${role}`]);
    try {
      await withTempDir(async (dir) => {
        const url = new URL(database.url);
        url.username = role;
        url.password = `pw-${role}`;
        const project = join(dir, "acme");
        expectCode(await runCli(["init", project, "--demo", "--database", url.href]), 0);
        const temporary = expectCode(
          await runCli([
            "upload",
            join(project, "samples", (await filesIn(join(project, "samples")))[0]!),
            "--project",
            project,
          ]),
          1,
        );
        const said = temporary.stdout + temporary.stderr;
        assert.match(
          said,
          new RegExp(
            `user "${role}" may not create temporary tables in database "${database.name}"`,
          ),
        );
        assert.match(said, new RegExp(`GRANT TEMPORARY ON DATABASE ${database.name} TO ${role};`));
        // its own schema, which it may not create
        const config = join(project, "plutus.yaml");
        await Deno.writeTextFile(
          config,
          `database_schema: marketing\n${await Deno.readTextFile(config)}`,
        );
        const schema = expectCode(await runCli(["run", "--project", project]), 1);
        assert.match(
          schema.stdout + schema.stderr,
          new RegExp(`user "${role}" may not create the schema Plutus keeps its tables in`),
        );
        assert.doesNotMatch(schema.stdout + schema.stderr, /does not let user .* connect/);
      });
    } finally {
      await database.drop();
      await adminSql(database.adminUrl, [`DROP ROLE IF EXISTS ${role}`]);
    }
  },
});
