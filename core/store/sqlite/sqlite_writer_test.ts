import assert from "node:assert/strict";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { parseTableSchema } from "../../../config/load_table_schemas.ts";
import { newStepResult } from "../../run/events.ts";
import type { StoreDriver } from "../mod.ts";
import { assertCompatible } from "../table_changes.ts";
import { SqliteDriver } from "./sqlite_driver.ts";

const table = parseTableSchema(
  "columns:\n  email: { type: email }\n  stage: { type: text }\nkey: [email]\n",
  "schema/leads.yaml",
  "leads",
);
const stamp = { source: "test", runId: 1, loadedAt: "2026-11-30T10:00:00Z" };

async function withDriver(test: (driver: StoreDriver, dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  try {
    await test(new SqliteDriver(join(dir, "data", "plutus.db")), dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Loads `rows` as one step through the interface; `fail` throws before the commit. */
async function loadStep(driver: StoreDriver, rows: string[][], fail = false) {
  const store = await driver.openWriter();
  try {
    const runId = await store.startRun("cli", "run");
    const step = newStepResult("test", "leads.csv", { runId, table: "leads" });
    step.id = await store.startStep(runId, "test", "leads.csv", "abc");
    const changes = await store.planTable(table);
    assertCompatible(table, changes);
    await store.transaction(async (work) => {
      await work.applyTable(table, changes);
      const loader = await work.loader(table, { ...stamp, runId });
      await loader.insert(rows.flat());
      Object.assign(step, await loader.counts(rows.length), { status: "succeeded" });
      await work.finishStep(step);
      if (fail) throw new Error("the disk is full");
    }).catch((error) => {
      if (!fail) throw error;
    });
    await store.finishRun(runId, fail ? "failed" : "succeeded");
    return step;
  } finally {
    await store.close();
  }
}

async function tableRows(driver: StoreDriver): Promise<unknown[][]> {
  const cursor = await driver.openExport({ sql: "SELECT email, stage FROM leads ORDER BY 1" });
  const rows: unknown[][] = [];
  for await (const page of cursor.pages()) rows.push(...page);
  await cursor.close();
  return rows;
}

Deno.test("SqliteDriver: a transaction that returns commits the rows and the step; one that throws keeps nothing", () =>
  withDriver(async (driver) => {
    assert.equal(await driver.readHistory((history) => history.lastRun()), undefined);
    const first = await loadStep(driver, [["a@x.com", "lead"], ["a@x.com", "mql"]]);
    assert.deepEqual([first.inserted, first.updated, first.duplicate], [1, 0, 1]);
    await loadStep(driver, [["b@x.com", "lead"]], true);
    assert.deepEqual(await tableRows(driver), [["a@x.com", "mql"]]);
    const steps = await driver.readHistory(async (history) => [
      ...await history.steps(1),
      ...await history.steps(2),
    ]);
    // the failed transaction took its step's outcome with it: the step is still "running"
    assert.deepEqual(steps?.map((s) => [s.runId, s.status, s.inserted, s.duplicate]), [
      [1, "succeeded", 1, 1],
      [2, "running", 0, 0],
    ]);
    assert.deepEqual(await driver.readHistory((history) => history.dataTables()), ["leads"]);
  }));

Deno.test("SqliteDriver: a dry run sees its earlier steps and keeps nothing, not even a new file", () =>
  withDriver(async (driver, dir) => {
    const store = await driver.openWriter({ dryRun: true });
    try {
      const counts = await store.dryRun(async () => {
        const seen = [];
        for (const rows of [[["a@x.com", "lead"]], [["a@x.com", "mql"], ["c@x.com", "lead"]]]) {
          const changes = await store.planTable(table);
          seen.push(
            await store.transaction(async (work) => {
              await work.applyTable(table, changes);
              const loader = await work.loader(table, stamp);
              await loader.insert(rows.flat());
              return await loader.counts(rows.length);
            }),
          );
        }
        return seen;
      });
      assert.deepEqual(counts, [
        { inserted: 1, updated: 0, duplicate: 0 },
        { inserted: 1, updated: 1, duplicate: 0 }, // the second step saw the first one's row
      ]);
    } finally {
      await store.close();
    }
    assert.equal(await Deno.stat(join(dir, "data", "plutus.db")).catch(() => undefined), undefined);
  }));

Deno.test("SqliteDriver: one run lock per database, and its holder is named", () =>
  withDriver(async (driver) => {
    const lock = await driver.tryLock("the command line (plutus run)");
    assert.ok(lock);
    try {
      assert.equal(await driver.tryLock("the GUI (plutus run)"), undefined);
      assert.equal((await driver.lockHolder())?.what, "the command line (plutus run)");
    } finally {
      await lock.release();
    }
    const again = await driver.tryLock();
    assert.ok(again, "released, the lock can be taken again");
    await again.release();
  }));

Deno.test("a new database has pages of 16 KB; a database made with 4 KB pages keeps them and loads", () =>
  withDriver(async (driver, dir) => {
    await loadStep(driver, [["a@x.com", "lead"]]);
    const pageSize = (path: string) => {
      const db = new DatabaseSync(path, { readOnly: true });
      try {
        return (db.prepare("PRAGMA page_size").get() as { page_size: number }).page_size;
      } finally {
        db.close();
      }
    };
    assert.equal(pageSize(join(dir, "data", "plutus.db")), 16384);
    // a database of an earlier version
    const old = join(dir, "old", "plutus.db");
    await Deno.mkdir(join(dir, "old"));
    const made = new DatabaseSync(old);
    made.exec("PRAGMA page_size = 4096; PRAGMA journal_mode = WAL; CREATE TABLE x (a)");
    made.close();
    const oldDriver = new SqliteDriver(old);
    await loadStep(oldDriver, [["b@x.com", "mql"]]);
    assert.equal(pageSize(old), 4096);
    const tables = await oldDriver.readHistory((history) => history.dataTables());
    assert.ok(tables?.includes("leads"));
  }));
