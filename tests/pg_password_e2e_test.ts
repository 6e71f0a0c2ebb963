/**
 * A PostgreSQL password as servers and password managers make them: with the characters a
 * URL gives a meaning to (/ # ? @ : % and spaces) and those .env quotes ("  \ '). Every
 * command reads it the same way, from .env, and none prints it.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { expectCode, runCli, withTempDir } from "./helpers.ts";
import { adminSql, freshDatabase } from "./pg_server.ts";

const ignore = Deno.env.get("PLUTUS_TEST_PG_URL") === undefined && Deno.env.get("CI") !== "true";

const PASSWORDS: [string, string][] = [
  ["URL characters", "a/b#c?d%41e@f: g"],
  ["quotes and a backslash", `q"u'o\\te $HOME \${X}`],
];

for (const [label, password] of PASSWORDS) {
  Deno.test({
    name: `a password with ${label} works in every command and shows in none`,
    ignore,
    fn: async () => {
      const database = (await freshDatabase())!;
      const role = `plutus_pw_${Deno.pid}_${label.length}`;
      await adminSql(database.adminUrl, [
        `DROP ROLE IF EXISTS ${role}`,
        `CREATE ROLE ${role} LOGIN PASSWORD '${password.replaceAll("'", "''")}'`,
        `ALTER DATABASE ${database.name} OWNER TO ${role}`,
      ]);
      try {
        await withTempDir(async (dir) => {
          const url = new URL(database.url);
          url.username = role;
          url.password = encodeURIComponent(password);
          const project = join(dir, "acme");
          const outputs: string[] = [];
          const ok = async (args: string[]) => {
            const result = expectCode(await runCli([...args, "--project", project]), 0);
            outputs.push(result.stdout + result.stderr);
            return result;
          };
          outputs.push(
            expectCode(await runCli(["init", project, "--demo", "--database", url.href]), 0)
              .stdout,
          );
          await ok(["check"]);
          await ok(["run"]);
          await ok(["status"]);
          const counted = await ok(["query", "SELECT count(*) AS n FROM leads"]);
          assert.match(counted.stdout, /\b[1-9]\d*\b/);
          await ok(["export", "leads"]);
          await ok(["rejects", "1"]);
          for (const output of outputs) {
            for (const shown of [password, encodeURIComponent(password), "a/b#c", `q"u'o`]) {
              assert.ok(!output.includes(shown), `the password shows in:\n${output}`);
            }
          }
        });
      } finally {
        await database.drop();
        await adminSql(database.adminUrl, [`DROP ROLE IF EXISTS ${role}`]);
      }
    },
  });
}

Deno.test({
  name:
    "plutus init --database without a password: the password written into .env afterwards is the one used",
  ignore,
  fn: async () => {
    const database = (await freshDatabase())!;
    const role = `plutus_later_${Deno.pid}`;
    const password = "typed in later #1";
    await adminSql(database.adminUrl, [
      `DROP ROLE IF EXISTS ${role}`,
      `CREATE ROLE ${role} LOGIN PASSWORD '${password}'`,
      `ALTER DATABASE ${database.name} OWNER TO ${role}`,
    ]);
    try {
      await withTempDir(async (dir) => {
        const url = new URL(database.url);
        url.username = role;
        url.password = "";
        const project = join(dir, "acme");
        const init = expectCode(await runCli(["init", project, "--database", url.href]), 0);
        assert.match(init.stdout, /Put the password in \.env after PG_PASSWORD=/);
        const yaml = await Deno.readTextFile(join(project, "plutus.yaml"));
        assert.match(yaml, new RegExp(`^database: "postgres://${role}:\\$\\{PG_PASSWORD\\}@`, "m"));
        const envPath = join(project, ".env");
        const env = await Deno.readTextFile(envPath);
        assert.match(env, /^PG_PASSWORD=$/m);
        // as docs/postgres.md says: after the =, in quotes for a space or a #
        await Deno.writeTextFile(
          envPath,
          env.replace(/^PG_PASSWORD=$/m, `PG_PASSWORD='${password}'`),
        );
        const check = expectCode(await runCli(["check", "--project", project]), 0);
        assert.match(check.stdout, /ok {6}database: PostgreSQL/);
        expectCode(await runCli(["status", "--project", project]), 0);
      });
    } finally {
      await database.drop();
      await adminSql(database.adminUrl, [`DROP ROLE IF EXISTS ${role}`]);
    }
  },
});

Deno.test("plutus init --database with a password .env cannot hold refuses before it makes anything", () =>
  withTempDir(async (dir) => {
    const project = join(dir, "acme");
    const refused = expectCode(
      await runCli(["init", project, "--database", "postgres://u:two%0Alines@db.example.com/m"]),
      2,
    );
    assert.match(refused.stderr, /the password holds a line break, which \.env cannot hold/);
    assert.ok(!refused.stderr.includes("two"));
    // nothing made: the same init with a good password then works
    expectCode(
      await runCli(["init", project, "--database", "postgres://u:one-line@db.example.com/m"]),
      0,
    );
  }));
