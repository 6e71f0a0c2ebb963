/**
 * A project pointed at PostgreSQL from the command line: `plutus init --database URL` and
 * `plutus check`'s connection test, the password in no output. The tests that need a real
 * server use PLUTUS_TEST_PG_URL (.ci/run starts one; README says how to run one locally).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { expectCode, plutus, runCli, withTempDir } from "./helpers.ts";

const SERVER_URL = Deno.env.get("PLUTUS_TEST_PG_URL");
const ignore = SERVER_URL === undefined && Deno.env.get("CI") !== "true";
const PASSWORD = "Pa55 w:rd/with@signs";

Deno.test("plutus init --database moves an inline password into .env (0600) and writes ${PG_PASSWORD}", () =>
  withTempDir(async (dir) => {
    const url = `postgresql://plutus:${
      encodeURIComponent(PASSWORD)
    }@db.example.com:6432/marketing?sslmode=require`;
    const result = expectCode(await runCli(["init", join(dir, "acme"), "--database", url]), 0);
    assert.match(
      result.stdout,
      /The tables will live in PostgreSQL: postgres:\/\/plutus@db\.example\.com:6432\/marketing\?sslmode=require/,
    );
    // its summary of what it made says what is true of a PostgreSQL project
    assert.doesNotMatch(result.stdout, /the SQLite database/);
    assert.match(result.stdout, /\n {2}data\/ +empty: the tables live in PostgreSQL/);
    const yaml = await Deno.readTextFile(join(dir, "acme", "plutus.yaml"));
    assert.match(
      yaml,
      /^database: "postgresql:\/\/plutus:\$\{PG_PASSWORD\}@db\.example\.com:6432\/marketing\?sslmode=require"$/m,
    );
    assert.ok(!yaml.includes("Pa55"), yaml);
    const env = await Deno.readTextFile(join(dir, "acme", ".env"));
    assert.match(env, /^PG_PASSWORD="Pa55 w:rd\/with@signs"$/m);
    assert.equal((await Deno.stat(join(dir, "acme", ".env"))).mode! & 0o777, 0o600);
    assert.ok(!(result.stdout + result.stderr).includes("Pa55"));
  }));

Deno.test("plutus init --database refuses a wrong URL, names the part, creates nothing and prints no password", () =>
  withTempDir(async (dir) => {
    const result = expectCode(
      await runCli([
        "init",
        join(dir, "acme"),
        "--database",
        `postgres://plutus:${encodeURIComponent(PASSWORD)}@db.example.com/marketing?sslmode=on`,
      ]),
      2,
    );
    assert.match(
      result.stderr,
      /error: --database: sslmode must be one of disable, allow, prefer, require, verify-ca, verify-full; got "on"/,
    );
    assert.ok(!(result.stdout + result.stderr).includes("Pa55"));
    await assert.rejects(Deno.stat(join(dir, "acme", "plutus.yaml")), Deno.errors.NotFound);
    const mysql = expectCode(
      await runCli(["init", join(dir, "b"), "--database", "mysql://u@h/db"]),
      2,
    );
    assert.match(mysql.stderr, /Plutus stores data in a SQLite file .* or in PostgreSQL/);
  }));

Deno.test("plutus check points at the line of a wrong database: URL (exit 2), without the password", () =>
  withTempDir(async (dir) => {
    const project = join(dir, "acme");
    expectCode(
      await runCli([
        "init",
        project,
        "--database",
        `postgres://plutus:${
          PASSWORD.replaceAll(" ", "%20").replaceAll("/", "%2F").replaceAll("@", "%40")
        }@db.example.com/m`,
      ]),
      0,
    );
    const yamlPath = join(project, "plutus.yaml");
    const yaml = await Deno.readTextFile(yamlPath);
    await Deno.writeTextFile(yamlPath, yaml.replace('/m"', '/m?sslmod=require"'));
    const line = yaml.split("\n").findIndex((l) => l.startsWith("database:")) + 1;
    const result = expectCode(await runCli(["check", "--project", project]), 2);
    assert.match(
      result.stderr,
      new RegExp(`plutus\\.yaml:${line} database: unknown parameter "sslmod"`),
    );
    assert.ok(!(result.stdout + result.stderr).includes("Pa55"));
  }));

Deno.test("plutus check says when the server's host is unknown (exit 1), without the password", () =>
  withTempDir(async (dir) => {
    const project = join(dir, "acme");
    expectCode(
      await runCli([
        "init",
        project,
        "--database",
        `postgres://plutus:${encodeURIComponent(PASSWORD)}@no-such-host.invalid/marketing`,
      ]),
      0,
    );
    const result = expectCode(await runCli(["check", "--project", project]), 1);
    assert.match(
      result.stdout,
      /problem database: the database host "no-such-host\.invalid" was not found \(postgres:\/\/plutus@no-such-host\.invalid\/marketing\)/,
    );
    assert.match(
      result.stdout,
      /hint: Check the host name \(the database: URL in plutus\.yaml; in the GUI: Database\)/,
    );
    assert.ok(!(result.stdout + result.stderr).includes("Pa55"));
  }));

Deno.test({
  name:
    "plutus check reports the server's version, TLS and the right to create tables; a wrong password is named",
  ignore,
  fn: () =>
    withTempDir(async (dir) => {
      const project = join(dir, "acme");
      expectCode(await runCli(["init", project, "--database", SERVER_URL!]), 0);
      // the real program once (the permissions it runs with); the wrong password in-process
      const ok = expectCode(await plutus(["check", "--project", project]), 0);
      assert.match(ok.stdout, /ok {6}database: PostgreSQL \d+(\.\d+)? at postgres:\/\//);
      assert.match(ok.stdout, /ok {6}database schema public: user "[^"]+" may create tables there/);
      const envPath = join(project, ".env");
      const env = await Deno.readTextFile(envPath);
      const url = new URL(SERVER_URL!);
      if (url.password !== "") {
        await Deno.writeTextFile(
          envPath,
          env.replace(/^PG_PASSWORD=.*$/m, `PG_PASSWORD="${PASSWORD}"`),
        );
        const wrong = expectCode(await runCli(["check", "--project", project]), 1);
        assert.match(
          wrong.stdout,
          /problem database: PostgreSQL at \S+ refused the password of user/,
        );
        assert.ok(!(wrong.stdout + wrong.stderr).includes("Pa55"));
      }
    }),
});

Deno.test("plutus check masks a password written inline in plutus.yaml and says to move it to .env", () =>
  withTempDir(async (dir) => {
    const project = join(dir, "acme");
    expectCode(await runCli(["init", project]), 0);
    const yamlPath = join(project, "plutus.yaml");
    const inline = `postgres://plutus:${
      encodeURIComponent(PASSWORD)
    }@no-such-host.invalid/marketing`;
    await Deno.writeTextFile(
      yamlPath,
      (await Deno.readTextFile(yamlPath)).replace(/^database: .*$/m, `database: "${inline}"`),
    );
    const result = expectCode(await runCli(["check", "--project", project]), 1);
    assert.match(
      result.stdout,
      /problem database: the database host "no-such-host\.invalid" was not found/,
    );
    assert.match(
      result.stdout,
      /ok {6}database password: plutus\.yaml holds the password itself \(masked in all output\)\n\s+hint: Move it to \.env/,
    );
    assert.ok(!(result.stdout + result.stderr).includes("Pa55"), result.stdout);
    assert.ok(!(result.stdout + result.stderr).includes("Pa55%20"), result.stdout);
  }));
