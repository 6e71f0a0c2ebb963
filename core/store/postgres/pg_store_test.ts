/**
 * The PostgreSQL backend as the pipeline uses it: one transaction per step, dry runs,
 * bookkeeping, table changes, history, read-only queries and the run lock, each against a
 * real server (tests/pg_server.ts) in a database of its own.
 */
import assert from "node:assert/strict";
import { parseTableSchema } from "../../../config/load_table_schemas.ts";
import { StoreError } from "../../../util/errors.ts";
import { freshDatabase, pgMissing, type TestDatabase } from "../../../tests/pg_server.ts";
import type { StepSummary, StepWork } from "../mod.ts";
import { assertCompatible } from "../table_changes.ts";
import { connectPg } from "./pg_connect.ts";
import { PgDriver } from "./pg_driver.ts";

const ignore = await pgMissing();

const LEADS = `columns:
  email: { type: email }
  amount: { type: decimal }
  paid: { type: boolean }
  day: { type: date }
  seen_at: { type: datetime }
  visits: { type: integer }
key: [email]
keep: latest
order_by: seen_at
`;

function leads(text = LEADS, name = "leads") {
  return parseTableSchema(text, `schema/${name}.yaml`, name);
}

function pgTest(name: string, fn: (db: TestDatabase, driver: PgDriver) => Promise<void>) {
  Deno.test({
    name,
    ignore,
    fn: async () => {
      const db = (await freshDatabase())!;
      try {
        await fn(db, new PgDriver({ kind: "postgres", url: db.url, schema: "marketing" }));
      } finally {
        await db.drop();
      }
    },
  });
}

function step(id: number, runId: number, over: Partial<StepSummary> = {}): StepSummary {
  return {
    id,
    runId,
    source: "crm",
    input: "leads.csv",
    status: "succeeded",
    rowsRead: 3,
    inserted: 2,
    updated: 0,
    duplicate: 1,
    rejected: 0,
    topReasons: [],
    warnings: [],
    notes: [],
    durationMs: 0,
    ...over,
  };
}

async function tableRows(db: TestDatabase, query: string): Promise<Record<string, unknown>[]> {
  const sql = connectPg(db.url);
  try {
    return [...await sql.unsafe(query)];
  } finally {
    await sql.end();
  }
}

pgTest(
  "PgStore: rejects given a few at a time are all written with their step, in order; a rolled-back step's none",
  async (db, driver) => {
    const store = await driver.openWriter();
    try {
      const runId = await store.startRun("cli", "plutus run");
      const reject = (line: number) => ({
        location: `leads.csv:${line}`,
        line,
        column_name: "email",
        value: "x",
        reason: "not an email address",
        record: null,
      });
      const give = async (work: StepWork, stepId: number, from: number) => {
        // 2,500 rejects, 3 a batch, as a file's pipeline batches bring them
        for (let line = from; line < from + 2500; line += 3) {
          await work.addRejects(runId, stepId, [line, line + 1, line + 2].map(reject));
        }
      };
      const failed = await store.startStep(runId, "crm", "bad.csv", null);
      await assert.rejects(
        store.transaction(async (work) => {
          await give(work, failed, 0);
          throw new Error("the step fails");
        }),
        /the step fails/,
      );
      const loaded = await store.startStep(runId, "crm", "leads.csv", null);
      await store.transaction(async (work) => {
        await give(work, loaded, 10_000);
        await work.finishStep(step(loaded, runId, { rejected: 2502 }));
      });
      const rows = await tableRows(
        db,
        "SELECT step_id, line FROM marketing._plutus_rejects ORDER BY id",
      );
      assert.equal(rows.length, 2502);
      assert.ok(rows.every((row) => row.step_id === loaded), "only the committed step's rejects");
      assert.deepEqual(rows.map((row) => row.line), rows.map((_, i) => 10_000 + i));
    } finally {
      await store.close();
    }
  },
);

pgTest(
  "PgStore: a rejected value with a NUL or a lone UTF-16 surrogate is kept with a stand-in",
  async (db, driver) => {
    const store = await driver.openWriter();
    try {
      const runId = await store.startRun("cli", "plutus run");
      const stepId = await store.startStep(runId, "api", "contacts", null);
      await store.transaction(async (work) => {
        await work.addRejects(runId, stepId, [
          {
            location: "page 1, record 3",
            line: 3,
            column_name: "name",
            value: "Ren\uD800e\0x", // as an API's broken JSON text can give it
            reason: "too long",
            record: '{"name":"Ren\uDC00e"}',
          },
        ]);
        await work.finishStep(step(stepId, runId, { rejected: 1 }));
      });
      const rows = await tableRows(db, "SELECT value, record FROM marketing._plutus_rejects");
      assert.deepEqual(rows.map((row) => [row.value, row.record]), [[
        "Ren\uFFFDe\uFFFDx",
        '{"name":"Ren\uFFFDe"}',
      ]]);
    } finally {
      await store.close();
    }
  },
);

pgTest(
  "PgStore: a step's rows, typed, its records and state commit together",
  async (db, driver) => {
    const store = await driver.openWriter();
    try {
      const runId = await store.startRun("cli", "plutus run");
      const stepId = await store.startStep(runId, "crm", "leads.csv", "abc123");
      const schema = leads();
      const changes = await store.planTable(schema);
      assert.deepEqual(changes, { create: true, addColumns: [], orphanColumns: [], problems: [] });
      const counts = await store.transaction(async (work) => {
        await work.applyTable(schema, changes);
        const loader = await work.loader(schema, {
          source: "crm",
          runId,
          loadedAt: "2026-11-30T10:00:00Z",
        });
        await loader.insert([
          "a@x.com",
          12.5,
          1,
          "2026-01-02",
          "2026-01-02T10:00:00Z",
          3,
          "b@x.com",
          null,
          0,
          null,
          null,
          null,
          "a@x.com",
          99,
          1,
          "2026-01-03",
          "2026-01-01T10:00:00Z",
          4, // older: loses
        ]);
        const result = await loader.counts(3);
        await work.setState("crm", "cursor", "2026-01-03");
        await work.finishStep(step(stepId, runId, { table: "leads", ...result }));
        return result;
      });
      assert.deepEqual(counts, { inserted: 2, updated: 0, duplicate: 1 });
      await store.finishRun(runId, "succeeded");
      assert.equal(await store.getState("crm", "cursor"), "2026-01-03");
      assert.equal((await store.findLoaded("abc123"))?.id, stepId);
      const rows = await tableRows(
        db,
        `SELECT email, amount::text, paid, day::text, seen_at, visits, _source, _run_id
       FROM marketing.leads ORDER BY email`,
      );
      assert.deepEqual(rows, [
        {
          email: "a@x.com",
          amount: "12.5",
          paid: 1,
          day: "2026-01-02",
          seen_at: "2026-01-02T10:00:00.000Z",
          visits: 3,
          _source: "crm",
          _run_id: 1,
        },
        {
          email: "b@x.com",
          amount: null,
          paid: 0,
          day: null,
          seen_at: null,
          visits: null,
          _source: "crm",
          _run_id: 1,
        },
      ]);
      const types = await tableRows(
        db,
        `SELECT column_name, data_type FROM information_schema.columns
       WHERE table_schema = 'marketing' AND table_name = 'leads' ORDER BY ordinal_position`,
      );
      assert.deepEqual(types.map((row) => `${row.column_name} ${row.data_type}`).slice(0, 6), [
        "email text",
        "amount numeric",
        "paid boolean",
        "day date",
        "seen_at timestamp with time zone",
        "visits bigint",
      ]);
      const history = await driver.readHistory(async (h) => ({
        runs: await h.listRuns(),
        steps: await h.steps(runId),
        tables: await h.dataTables(),
      }));
      assert.equal(history?.runs[0]?.status, "succeeded");
      assert.equal(history?.runs[0]?.inserted, 2);
      assert.equal(history?.steps[0]?.inserted, 2);
      assert.equal(history?.steps[0]?.table, "leads");
      assert.deepEqual(history?.tables, ["leads"]);
    } finally {
      await store.close();
    }
  },
);

pgTest(
  "PgStore: a step that fails leaves nothing of itself: rows, table, state",
  async (db, driver) => {
    const store = await driver.openWriter();
    try {
      const runId = await store.startRun("cli", "plutus run");
      const schema = leads();
      const changes = await store.planTable(schema);
      await assert.rejects(
        store.transaction(async (work) => {
          await work.applyTable(schema, changes);
          const loader = await work.loader(schema, {
            source: "crm",
            runId,
            loadedAt: "2026-11-30T10:00:00Z",
          });
          await loader.insert(["a@x.com", 1, 1, null, null, 1]);
          await loader.counts(1);
          await work.setState("crm", "cursor", "x");
          throw new Error("the file ended early");
        }),
        /the file ended early/,
      );
      assert.equal(await store.getState("crm", "cursor"), undefined);
      const tables = await tableRows(
        db,
        "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'leads'",
      );
      assert.equal(tables[0]?.n, 0);
    } finally {
      await store.close();
    }
  },
);

pgTest(
  "PgStore: a dry run's later steps see the earlier ones; nothing is kept",
  async (db, driver) => {
    const store = await driver.openWriter();
    try {
      const schema = leads();
      const seen = await store.dryRun(async () => {
        const load = (email: string) =>
          store.transaction(async (work) => {
            await work.applyTable(schema, await store.planTable(schema));
            const loader = await work.loader(schema, {
              source: "crm",
              runId: 1,
              loadedAt: "2026-11-30T10:00:00Z",
            });
            await loader.insert([email, 1, 1, null, "2026-01-01T00:00:00Z", 1]);
            return await loader.counts(1);
          });
        const first = await load("a@x.com");
        await assert.rejects(store.transaction(() => Promise.reject(new Error("boom"))), /boom/);
        const second = await load("a@x.com");
        return [first, second];
      });
      assert.deepEqual(seen, [
        { inserted: 1, updated: 0, duplicate: 0 },
        { inserted: 0, updated: 0, duplicate: 1 },
      ]);
      const tables = await tableRows(
        db,
        "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'leads'",
      );
      assert.equal(tables[0]?.n, 0);
    } finally {
      await store.close();
    }
  },
);

pgTest(
  "PgStore: new columns are added; a changed type or key is refused, naming the file",
  async (_db, driver) => {
    const store = await driver.openWriter();
    try {
      const schema = leads();
      await store.transaction(async (work) => {
        await work.applyTable(schema, await store.planTable(schema));
        const loader = await work.loader(schema, {
          source: "crm",
          runId: 1,
          loadedAt: "2026-11-30T10:00:00Z",
        });
        await loader.insert(["a@x.com", 1, 1, null, null, 1]);
        await loader.counts(1);
      });
      const wider = leads(LEADS.replace("key:", "  stage: { type: text }\nkey:"));
      assert.deepEqual(await store.planTable(wider), {
        create: false,
        addColumns: ["stage"],
        orphanColumns: [],
        problems: [],
      });
      const retyped = leads(LEADS.replace("visits: { type: integer }", "visits: { type: text }"));
      await assert.rejects(
        store.planTable(retyped).then((changes) => assertCompatible(retyped, changes)),
        (error: StoreError) => {
          assert.equal(
            error.message,
            "schema/leads.yaml no longer matches table leads in the database: column visits is now text, but the table stores it as bigint",
          );
          assert.match(error.hint!, /Undo that change in schema\/leads\.yaml/);
          return true;
        },
      );
      const rekeyed = leads(LEADS.replace("key: [email]", "key: [email, day]"));
      await assert.rejects(
        store.planTable(rekeyed).then((changes) => assertCompatible(rekeyed, changes)),
        /the key is now \[email, day\], but the table's rows were de-duplicated by \[email\]/,
      );
    } finally {
      await store.close();
    }
  },
);

pgTest(
  "PgStore: runs left running by a dead process are marked interrupted",
  async (_db, driver) => {
    const store = await driver.openWriter();
    try {
      const runId = await store.startRun("cli", "plutus run");
      await store.startStep(runId, "crm", "leads.csv", null);
      assert.deepEqual(await store.markInterrupted(), [runId]);
      const steps = await driver.readHistory((h) => h.steps(runId));
      assert.equal(steps?.[0]?.status, "interrupted");
      assert.match(steps![0]!.error!, /nothing of it was loaded/);
      assert.equal((await driver.readHistory((h) => h.run(runId)))?.status, "interrupted");
    } finally {
      await store.close();
    }
  },
);

pgTest(
  "PgDriver: a database without Plutus's tables has no history (as SQLite without a file)",
  async (_db, driver) => {
    assert.equal(await driver.readHistory((h) => h.listRuns()), undefined);
    assert.equal(await driver.readHistory((h) => h.lastRun()), undefined);
  },
);

pgTest("PgDriver: a query is read-only, one statement, bounded in time", async (_db, driver) => {
  const store = await driver.openWriter();
  await store.close();
  const cursor = await driver.openQuery(
    "SELECT 1::bigint AS n, 'a'::text AS t, true AS b, 2.5::numeric AS d, now() > '2020-01-01' AS ok",
    { timeoutSeconds: 5 },
  );
  assert.deepEqual(cursor.columns, ["n", "t", "b", "d", "ok"]);
  const pages = [];
  for await (const page of cursor.pages()) pages.push(...page);
  await cursor.close();
  assert.deepEqual(pages, [[1, "a", 1, 2.5, 1]]);
  const refused = async (sql: string, pattern: RegExp, timeoutSeconds = 5) => {
    await assert.rejects(async () => {
      const c = await driver.openQuery(sql, { timeoutSeconds });
      try {
        for await (const _ of c.pages()) { /* drain */ }
      } finally {
        await c.close();
      }
    }, pattern);
  };
  await refused(
    "DELETE FROM _plutus_runs",
    /queries are read-only: cannot execute DELETE in a read-only transaction/,
  );
  await refused("SELECT 1; SELECT 2", /the SQL holds more than one statement/);
  const started = performance.now();
  // the shortest limit: the test waits it out
  await refused("SELECT pg_sleep(30)", /the query ran longer than 1 s and was stopped/, 1);
  assert.ok(performance.now() - started < 20_000);
});

pgTest("PgDriver: aborting a query cancels it on the server", async (db, driver) => {
  const controller = new AbortController();
  const cursor = await driver.openQuery("SELECT pg_sleep(60)", {
    timeoutSeconds: 120,
    signal: controller.signal,
  });
  setTimeout(() => controller.abort(new Error("stopped by the user")), 300);
  const started = performance.now();
  await assert.rejects(async () => {
    for await (const _ of cursor.pages()) { /* drain */ }
  }, /stopped by the user/);
  await cursor.close();
  assert.ok(performance.now() - started < 20_000);
  // no backend of ours is still sleeping
  const sleeping = await tableRows(
    db,
    `SELECT count(*)::int AS n FROM pg_stat_activity
     WHERE datname = current_database() AND query LIKE 'SELECT pg_sleep(60)%' AND state = 'active'`,
  );
  assert.equal(sleeping[0]?.n, 0);
});

pgTest(
  "PgDriver: one run lock per project, refused while held, with who holds it",
  async (_db, driver) => {
    const lock = await driver.tryLock("the command line (plutus run)");
    assert.ok(lock);
    try {
      assert.equal(await driver.tryLock("the GUI (plutus upload x.csv)"), undefined);
      const holder = await driver.lockHolder();
      assert.equal(holder?.what, "the command line (plutus run)");
      assert.equal(holder?.pid, Deno.pid);
      assert.match(holder!.since, /^\d{4}-\d\d-\d\dT/);
    } finally {
      await lock.release();
    }
    const again = await driver.tryLock("the GUI");
    assert.ok(again);
    await again.release();
    assert.equal(await driver.lockHolder(), undefined);
  },
);
