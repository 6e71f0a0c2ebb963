/**
 * `plutus db copy --to URL`: a loaded SQLite project copied into PostgreSQL — every table
 * and the run history, counts equal, all or nothing, a non-empty target refused unless
 * --replace, plutus.yaml switched only when asked. Needs PLUTUS_TEST_PG_URL (.ci/run starts
 * a server; README says how locally).
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import postgres from "postgres";
import { expectCode, plutus, query, runCli, withTempDir } from "./helpers.ts";
import { saveDatabaseForm } from "../core/project/edit_database.ts";
import type { SslMode } from "../core/store/postgres/pg_url.ts";

const SERVER_URL = Deno.env.get("PLUTUS_TEST_PG_URL");
const ignore = SERVER_URL === undefined && Deno.env.get("CI") !== "true";

/** A schema of its own for each test: tests in parallel never meet. */
function schemaName(): string {
  return `copy_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
}

async function withServer<T>(work: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(SERVER_URL!, { max: 1, onnotice: () => {} });
  try {
    return await work(sql);
  } finally {
    await sql.end();
  }
}

/**
 * The demo project loaded into SQLite, and a schema name on the server that the test may
 * fill: dropped afterwards.
 */
function withLoadedDemo(test: (project: string, schema: string) => Promise<void>) {
  return withTempDir(async (dir) => {
    const project = join(dir, "demo");
    expectCode(await runCli(["init", project, "--demo"]), 0);
    expectCode(await runCli(["run", "--project", project]), 0);
    const schema = schemaName();
    try {
      await test(project, schema);
    } finally {
      await withServer((sql) => sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
    }
  });
}

/** Row counts of the project's tables in the SQLite file. */
function sqliteCounts(project: string): Record<string, number> {
  const tables = query(
    project,
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
  ).map((row) => String(row.name));
  return Object.fromEntries(
    tables.map((
      name,
    ) => [name, Number(query(project, `SELECT count(*) AS n FROM "${name}"`)[0]!.n)]),
  );
}

async function serverCounts(schema: string): Promise<Record<string, number>> {
  return await withServer(async (sql) => {
    const tables = await sql<{ name: string }[]>`
      SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = ${schema} ORDER BY table_name`;
    const out: Record<string, number> = {};
    for (const { name } of tables) {
      const [row] = await sql.unsafe(`SELECT count(*) AS n FROM "${schema}"."${name}"`);
      out[name] = Number(row!.n);
    }
    return out;
  });
}

Deno.test("plutus db copy needs --to with a PostgreSQL URL (exit 2)", () =>
  withTempDir(async (dir) => {
    const project = join(dir, "acme");
    expectCode(await runCli(["init", project]), 0);
    const none = expectCode(await runCli(["db", "copy", "--project", project]), 2);
    assert.match(none.stderr, /error: plutus db copy needs --to URL/);
    const mysql = expectCode(
      await runCli(["db", "copy", "--to", "mysql://u@h/db", "--project", project]),
      2,
    );
    assert.match(mysql.stderr, /error: --to takes a PostgreSQL URL/);
    const verb = expectCode(await runCli(["db", "move", "--project", project]), 2);
    assert.match(verb.stderr, /plutus db knows one action, copy; got "move"/);
    // a project on PostgreSQL already: refused, its URL's password in no output
    const yamlPath = join(project, "plutus.yaml");
    await Deno.writeTextFile(
      yamlPath,
      (await Deno.readTextFile(yamlPath)).replace(
        /^database: .*$/m,
        'database: "postgres://plutus:${PG_PASSWORD}@db.example.com/m"',
      ),
    );
    await Deno.writeTextFile(join(project, ".env"), "PG_PASSWORD=Copy-Secret-77\n");
    const twice = expectCode(
      await runCli(["db", "copy", "--to", "postgres://u@h/db", "--project", project]),
      2,
    );
    assert.match(twice.stderr, /error: this project keeps its tables in PostgreSQL already/);
    assert.ok(!(twice.stdout + twice.stderr).includes("Copy-Secret"));
  }));

Deno.test({
  name:
    "plutus db copy copies every table and the run history, counts equal; refuses a non-empty target; --replace --switch",
  ignore,
  fn: () =>
    withLoadedDemo(async (project, schema) => {
      const password = decodeURIComponent(new URL(SERVER_URL!).password);
      const yamlBefore = await Deno.readTextFile(join(project, "plutus.yaml"));
      // the real program once (the permissions it runs with); the copies below in-process
      const copied = expectCode(
        await plutus([
          "db",
          "copy",
          "--to",
          SERVER_URL!,
          "--schema",
          schema,
          "--project",
          project,
        ]),
        0,
      );
      assert.match(
        copied.stdout,
        /Copied 3 table\(s\), \d+ rows, and the run history into postgres:\/\/.*; the counts match\./,
      );
      assert.match(
        copied.stdout,
        /plutus\.yaml still names data\/plutus\.db\. To use the server, set in it:\n {2}database: "postgres:/,
      );
      // not "run this again with --switch": the copy is there, a second one is refused
      assert.match(copied.stdout, /\n\(or run this again with --switch --replace/);
      if (password.length > 0) {
        assert.match(copied.stdout, /in \.env the password .*PG_PASSWORD='…'/);
      }
      if (password.length >= 4) {
        assert.ok(!(copied.stdout + copied.stderr).includes(password));
      }
      assert.deepEqual(await serverCounts(schema), sqliteCounts(project));
      assert.equal(await Deno.readTextFile(join(project, "plutus.yaml")), yamlBefore);

      // the values arrive as the PostgreSQL backend types them
      const [sqliteSums] = query(
        project,
        "SELECT round(sum(spend), 2) AS spend, count(*) AS n, max(date) AS last FROM ad_spend",
      );
      await withServer(async (sql) => {
        const [row] = await sql.unsafe(
          `SELECT round(sum(spend), 2)::float8 AS spend, count(*)::int AS n, max(date)::text AS last,
                  pg_typeof(spend)::text AS spend_type, pg_typeof(date)::text AS date_type
           FROM "${schema}".ad_spend GROUP BY 4, 5`,
        );
        assert.equal(row!.spend, sqliteSums!.spend);
        assert.equal(row!.n, sqliteSums!.n);
        assert.equal(row!.last, sqliteSums!.last);
        assert.equal(row!.spend_type, "numeric");
        assert.equal(row!.date_type, "date");
        const [run] = await sql.unsafe(`SELECT id::int, status FROM "${schema}"._plutus_runs`);
        assert.deepEqual({ ...run }, { id: 1, status: "succeeded" });
      });

      const again = expectCode(
        await runCli([
          "db",
          "copy",
          "--to",
          SERVER_URL!,
          "--schema",
          schema,
          "--project",
          project,
        ]),
        1,
      );
      assert.match(
        again.stderr,
        new RegExp(
          `error: schema ${schema} on postgres://.* already has rows in .*ad_spend.*; nothing was copied`,
        ),
      );
      assert.match(again.stderr, /hint: .*add --replace/);

      const replaced = expectCode(
        await runCli([
          "db",
          "copy",
          "--to",
          SERVER_URL!,
          "--schema",
          schema,
          "--replace",
          "--switch",
          "--project",
          project,
        ]),
        0,
      );
      assert.match(replaced.stdout, /Switched: plutus\.yaml now names postgres:\/\//);
      const yaml = await Deno.readTextFile(join(project, "plutus.yaml"));
      assert.match(yaml, /^database: "postgres:\/\/[^"]*:\$\{PG_PASSWORD\}@/m);
      assert.match(yaml, new RegExp(`^database_schema: ${schema}$`, "m"));
      if (password !== "") {
        assert.ok(!yaml.includes(`:${password}@`));
        assert.match(await Deno.readTextFile(join(project, ".env")), /^PG_PASSWORD=/m);
      }
      assert.deepEqual(await serverCounts(schema), sqliteCounts(project));
    }),
});

Deno.test({
  name: "plutus db copy is all or nothing: a value the server refuses leaves no table behind",
  ignore,
  fn: () =>
    withLoadedDemo(async (project, schema) => {
      const db = new DatabaseSync(join(project, "data", "plutus.db"));
      db.exec(
        "UPDATE orders SET ordered_at = 'not a time' WHERE rowid = (SELECT max(rowid) FROM orders)",
      );
      db.close();
      const failed = expectCode(
        await runCli([
          "db",
          "copy",
          "--to",
          SERVER_URL!,
          "--schema",
          schema,
          "--project",
          project,
        ]),
        1,
      );
      assert.match(
        failed.stderr,
        /error: table orders could not be copied: the server refused a row \(.*not a time.*\); nothing was copied/,
      );
      assert.deepEqual(await serverCounts(schema), {});
    }),
});

Deno.test({
  name:
    "plutus db copy refuses an empty table of the same name there (someone's columns and grants) unless --replace",
  ignore,
  fn: () =>
    withLoadedDemo(async (project, schema) => {
      await withServer((sql) =>
        sql.unsafe(
          `CREATE SCHEMA "${schema}"; CREATE TABLE "${schema}".leads (email text, owner_note text)`,
        )
      );
      const copy = (...more: string[]) =>
        runCli([
          "db",
          "copy",
          "--to",
          SERVER_URL!,
          "--schema",
          schema,
          ...more,
          "--project",
          project,
        ]);
      const refused = expectCode(await copy(), 1);
      assert.match(
        refused.stderr,
        new RegExp(`already has table\\(s\\) leads \\(empty\\); nothing was copied`),
      );
      assert.deepEqual(await serverCounts(schema), { leads: 0 });
      const replaced = expectCode(await copy("--replace"), 0);
      assert.match(replaced.stdout, /Replaced there: leads\./);
      assert.deepEqual(await serverCounts(schema), sqliteCounts(project));
    }),
});

/** Points the project at the test server as the GUI's Database page saves it. */
async function switchLikeTheGui(project: string, schema: string): Promise<void> {
  const url = new URL(SERVER_URL!);
  await saveDatabaseForm(project, {
    host: url.hostname,
    port: Number(url.port || 5432),
    database: url.pathname.slice(1),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password) || undefined,
    sslmode: (url.searchParams.get("sslmode") as SslMode | null) ?? "prefer",
    schema,
  });
}

Deno.test({
  name:
    "a project switched to PostgreSQL with its runs still in data/plutus.db: status and check note it, db copy names --from, --from copies it into the project's server",
  ignore,
  fn: () =>
    withLoadedDemo(async (project, schema) => {
      await switchLikeTheGui(project, schema);
      const command = "plutus db copy --from data/plutus.db";
      const status = expectCode(await runCli(["status", "--project", project]), 0);
      assert.match(status.stdout, /No runs yet/);
      assert.match(
        status.stdout,
        /Note: data\/plutus\.db still holds 1 run\(s\) and \d+ row\(s\) in 3 table\(s\) from before the project moved to PostgreSQL; the server has not got them\. Copy them there with: plutus db copy --from data\/plutus\.db/,
      );
      // a script reading status --json is told too
      const json = expectCode(await runCli(["status", "--json", "--project", project]), 0);
      const leftBehind = JSON.parse(json.stdout).left_behind;
      assert.equal(leftBehind.file, "data/plutus.db");
      assert.match(leftBehind.holds, /^1 run\(s\) and \d+ row\(s\) in 3 table\(s\)$/);
      assert.equal(leftBehind.copy_with, command);
      const check = expectCode(await runCli(["check", "--project", project]), 0);
      assert.match(check.stdout, /ok +data\/plutus\.db: still holds 1 run\(s\)/);
      assert.ok(check.stdout.includes(`hint: Copy them there with: ${command}`));
      // plain db copy: not "use pg_dump", but the command that takes the file along
      const plain = expectCode(await runCli(["db", "copy", "--project", project]), 2);
      assert.match(
        plain.stderr,
        /error: this project keeps its tables in PostgreSQL already, but its SQLite file data\/plutus\.db still holds 1 run\(s\)/,
      );
      assert.ok(plain.stderr.includes(command));
      assert.ok(!plain.stderr.includes("pg_dump"));

      const copied = expectCode(
        await runCli(["db", "copy", "--from", "data/plutus.db", "--project", project]),
        0,
      );
      assert.match(copied.stdout, /Copied 3 table\(s\), \d+ rows, and the run history into /);
      assert.match(copied.stdout, /data\/plutus\.db stays as it was/);
      assert.deepEqual(await serverCounts(schema), sqliteCounts(project));
      const after = expectCode(await runCli(["status", "--project", project]), 0);
      assert.match(after.stdout, /\n +1 +\S+ \S+ +succeeded/);
      assert.ok(!after.stdout.includes("Note:"));
      const afterJson = expectCode(await runCli(["status", "--json", "--project", project]), 0);
      assert.equal(JSON.parse(afterJson.stdout).left_behind, undefined);
      const checked = expectCode(await runCli(["check", "--project", project]), 0);
      assert.ok(!checked.stdout.includes("data/plutus.db"));
      // a second copy into the server that has the rows now: refused, as with --to
      const again = expectCode(
        await runCli(["db", "copy", "--from", "data/plutus.db", "--project", project]),
        1,
      );
      assert.match(again.stderr, /already has rows in .*; nothing was copied/);
      const missing = expectCode(
        await runCli(["db", "copy", "--from", "old.db", "--project", project]),
        2,
      );
      assert.match(missing.stderr, /error: --from: there is no file old\.db/);
      // a file of another kind is the file's fault, not the server's
      const notDb = expectCode(
        await runCli(["db", "copy", "--from", "plutus.yaml", "--project", project]),
        1,
      );
      assert.match(notDb.stderr, /plutus\.yaml is not a SQLite database/);
      assert.doesNotMatch(notDb.stderr, /PostgreSQL/);
    }),
});
