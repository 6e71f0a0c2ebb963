/**
 * The crash scenarios of tests/crash_harness.ts against a PostgreSQL database: each kill
 * gets a fresh database on the test server (tests/pg_server.ts) and is checked from the
 * server's side — the table holds all of the step's rows or none, Plutus's tables were made
 * all at once, an API source's position moved only with its rows, the input file is in one
 * place, the dead run is not left "running", and the analyst's next command ends with every
 * row. Used by `deno task torture --backend postgres`.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { connectPg } from "../core/store/postgres/pg_connect.ts";
import { type CrashScenario, inputCopies, killAfter, type KillOutcome } from "./crash_harness.ts";
import { expectCode, plutus, runCli } from "./helpers.ts";
import { freshDatabase, type TestDatabase } from "./pg_server.ts";

/** A scenario's project in `dir` whose database is a fresh one on the test server. */
async function setUpOnPg(scenario: CrashScenario, dir: string): Promise<TestDatabase> {
  const database = await freshDatabase();
  if (!database) throw new Error("no PostgreSQL server: set PLUTUS_TEST_PG_URL (README, Tests)");
  await scenario.setUp(dir);
  const url = new URL(database.url);
  const password = decodeURIComponent(url.password);
  url.password = "PG_PASSWORD_REF";
  const config = join(dir, "plutus.yaml");
  await Deno.writeTextFile(
    config,
    `database: ${url.href.replace("PG_PASSWORD_REF", "${PG_PASSWORD}")}\n` +
      await Deno.readTextFile(config),
  );
  await Deno.writeTextFile(join(dir, ".env"), `PG_PASSWORD=${password}\n`, { append: true });
  return database;
}

/** Counts on the project's database; a table not made yet counts 0. */
function counter(url: string) {
  const sql = connectPg(url, { applicationName: "plutus torture" });
  const count = async (text: string) => Number((await sql.unsafe(text))[0]!.n);
  return {
    rows: async (table: string) =>
      await count(`SELECT count(*) AS n FROM information_schema.tables
        WHERE table_schema = 'public' AND table_name = '${table}'`) === 0
        ? 0
        : await count(`SELECT count(*) AS n FROM "${table}"`),
    count,
    close: () => sql.end({ timeout: 1 }),
  };
}

/** How long the scenario's run takes on PostgreSQL when nothing kills it. */
export async function calibratePg(scenario: CrashScenario, dir: string): Promise<number> {
  const database = await setUpOnPg(scenario, dir);
  const db = counter(database.url);
  try {
    const started = performance.now();
    expectCode(await plutus(scenario.args(dir)), 0);
    const ms = performance.now() - started;
    assert.equal(await db.rows(scenario.table), scenario.expectedRows);
    return ms;
  } finally {
    await db.close();
    await database.drop();
  }
}

/** Runs the scenario on a fresh database, kills it after `delayMs`, checks, recovers. */
export async function killAndCheckPg(
  scenario: CrashScenario,
  dir: string,
  delayMs: number,
): Promise<KillOutcome> {
  const database = await setUpOnPg(scenario, dir);
  const db = counter(database.url);
  const context = `${scenario.name} on PostgreSQL, killed after ${Math.round(delayMs)} ms`;
  try {
    const killed = await killAfter(scenario.args(dir), dir, delayMs);
    const rows = await db.rows(scenario.table);
    assert.ok(
      rows === 0 || rows === scenario.expectedRows,
      `${rows} rows: neither none nor all ${scenario.expectedRows}`,
    );
    const own = await db.count(`SELECT count(*) AS n FROM information_schema.tables
      WHERE table_schema = 'public' AND table_name LIKE '\\_plutus\\_%'`);
    assert.ok(own === 0 || own === 5, `${own} of Plutus's 5 tables`);
    if (scenario.table === "contacts" && own > 0) {
      const state = await db.count(`SELECT count(*) AS n FROM _plutus_state WHERE source = 'crm'`);
      assert.equal(state, rows > 0 ? 1 : 0, "the incremental position moved without its rows");
    }
    if (scenario.table === "orders") {
      const { inbox, archive } = inputCopies(dir);
      assert.ok(inbox.length + archive.length <= 1, `one copy at most: ${[...inbox, ...archive]}`);
      if (archive.length > 0) assert.ok(rows > 0, "archived, but its rows are not in the table");
    }
    // status tells the truth: the dead run is interrupted, not running
    const status = expectCode(await runCli(["status", "--json", "--project", dir]), 0);
    assert.doesNotMatch(status.stdout, /"status":\s*"running"/);

    await scenario.recover(dir);
    assert.equal(await db.rows(scenario.table), scenario.expectedRows, "after the rerun");
    const running = await db.count(
      "SELECT count(*) AS n FROM _plutus_runs WHERE status = 'running'",
    );
    assert.equal(running, 0, "a run is left running");
    return { at: delayMs, killed, rowsAfterKill: rows };
  } catch (error) {
    (error as Error).message = `${context}: ${(error as Error).message}`;
    throw error;
  } finally {
    await db.close();
    await database.drop();
  }
}
