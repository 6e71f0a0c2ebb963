import assert from "node:assert/strict";
import { StoreError } from "../../../util/errors.ts";
import { parseTableSchema } from "../../../config/load_table_schemas.ts";
import type { Stored } from "../../transform/validate_column.ts";
import { assertCompatible } from "../table_changes.ts";
import { SqliteStore } from "./sqlite_store.ts";

const schema = (text: string) => parseTableSchema(text, "schema/t.yaml", "t");
const LEADS =
  "columns:\n  email: { type: email }\n  stage: { type: text }\n  at: { type: datetime }\nkey: [email]\n";

/** Loads rows as one step (one transaction) and returns the counts and the table after. */
function load(store: SqliteStore, table: ReturnType<typeof schema>, rows: Stored[][], runId = 1) {
  store.begin();
  store.applyTable(table, store.planTable(table));
  const loader = store.loader(table, { source: "test", runId, loadedAt: "2026-11-26T10:00:00Z" });
  loader.insert(rows.flat());
  const counts = loader.counts(rows.length);
  store.commit();
  const stored = store.db.prepare(`SELECT * FROM t ORDER BY rowid`).all().map((row) => ({
    ...row,
  }));
  return { counts, stored };
}

async function withStore(test: (store: SqliteStore) => void | Promise<void>) {
  const dir = await Deno.makeTempDir();
  const store = SqliteStore.open(`${dir}/data/test.db`);
  try {
    await test(store);
  } finally {
    store.close();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("keep: last — within a file and against stored rows, the later row wins", () =>
  withStore((store) => {
    const table = schema(`${LEADS}keep: last\n`);
    const first = load(store, table, [["a@x.com", "lead", "2026-01-01"], [
      "b@x.com",
      "lead",
      "2026-01-01",
    ], ["a@x.com", "mql", "2026-01-02"]]);
    assert.deepEqual(first.counts, { inserted: 2, updated: 0, duplicate: 1 });
    assert.deepEqual(first.stored.map((r) => [r.email, r.stage]), [["a@x.com", "mql"], [
      "b@x.com",
      "lead",
    ]]);
    const second = load(store, table, [["a@x.com", "sql", "2026-01-03"], [
      "b@x.com",
      "lead",
      "2026-01-01",
    ], ["c@x.com", "lead", null]], 2);
    assert.deepEqual(second.counts, { inserted: 1, updated: 1, duplicate: 1 });
    assert.deepEqual(second.stored.map((r) => [r.email, r.stage, r._run_id]), [
      ["a@x.com", "sql", 2],
      ["b@x.com", "lead", 1],
      ["c@x.com", "lead", 2],
    ]);
  }));

Deno.test("a key three or more times in one step loads (keep: last and latest), counted once", () =>
  withStore((store) => {
    for (const keep of ["keep: last\n", "keep: latest\norder_by: at\n"]) {
      store.db.exec("DROP TABLE IF EXISTS t");
      const table = schema(`${LEADS}${keep}`);
      const at = (day: number) => `2026-01-0${day}T00:00:00`;
      // the issue's three-line file: one key, three rows, each a change
      const first = load(store, table, [["a@x.com", "lead", at(1)], ["a@x.com", "mql", at(2)], [
        "a@x.com",
        "sql",
        at(3),
      ]]);
      assert.deepEqual(first.counts, { inserted: 1, updated: 0, duplicate: 2 }, keep);
      assert.deepEqual(first.stored.map((r) => r.stage), ["sql"], keep);
      // a stored row replaced four times in the next step: one update, three duplicates
      const rows = ["customer", "lead", "mql", "opportunity"].map((stage, i) => [
        "a@x.com",
        stage,
        at(4 + i),
      ]);
      const second = load(store, table, rows, 2);
      assert.deepEqual(second.counts, { inserted: 0, updated: 1, duplicate: 3 }, keep);
      assert.deepEqual(second.stored.map((r) => [r.stage, r._run_id]), [["opportunity", 2]], keep);
    }
  }));

Deno.test("keep: first — stored rows beat incoming ones, earlier rows beat later ones", () =>
  withStore((store) => {
    const table = schema(`${LEADS}keep: first\n`);
    assert.deepEqual(
      load(store, table, [["a@x.com", "lead", null], ["a@x.com", "mql", null]]).counts,
      { inserted: 1, updated: 0, duplicate: 1 },
    );
    const { counts, stored } = load(store, table, [["a@x.com", "sql", null], [
      "b@x.com",
      "sql",
      null,
    ]]);
    assert.deepEqual(counts, { inserted: 1, updated: 0, duplicate: 1 });
    assert.deepEqual(stored.map((r) => r.stage), ["lead", "sql"]);
  }));

Deno.test("keep: latest — the greater order_by wins, ties go to the incoming row, no date never wins", () =>
  withStore((store) => {
    const table = schema(`${LEADS}keep: latest\norder_by: at\n`);
    load(store, table, [["a@x.com", "lead", "2026-01-05T00:00:00"], [
      "b@x.com",
      "lead",
      "2026-01-05T00:00:00",
    ], ["c@x.com", "lead", null]]);
    const { counts, stored } = load(store, table, [
      ["a@x.com", "older", "2026-01-01T00:00:00"],
      ["b@x.com", "tie", "2026-01-05T00:00:00"],
      ["c@x.com", "dated", "2026-01-02T00:00:00"],
      ["a@x.com", "undated", null],
    ]);
    assert.deepEqual(counts, { inserted: 0, updated: 2, duplicate: 2 });
    assert.deepEqual(stored.map((r) => r.stage), ["lead", "tie", "dated"]);
  }));

Deno.test("a table without a key drops whole-row duplicates only", () =>
  withStore((store) => {
    const table = schema("columns:\n  day: { type: date }\n  spend: { type: decimal }\n");
    const first = load(store, table, [["2026-01-01", 5, "h1"], ["2026-01-01", 5, "h1"], [
      "2026-01-01",
      6,
      "h2",
    ]]);
    assert.deepEqual(first.counts, { inserted: 2, updated: 0, duplicate: 1 });
    assert.deepEqual(load(store, table, [["2026-01-01", 6, "h2"]]).counts, {
      inserted: 0,
      updated: 0,
      duplicate: 1,
    });
  }));

Deno.test("a column added to the schema is added to the table; a type change is refused", () =>
  withStore((store) => {
    load(store, schema(`${LEADS}`), [["a@x.com", "lead", null]]);
    const withKey = schema(`${LEADS.replace("key:", "  score: { type: integer }\nkey:")}`);

    assert.deepEqual(store.planTable(withKey).addColumns, ["score"]);
    const { stored } = load(store, withKey, [["b@x.com", "lead", null, 7]]);
    assert.deepEqual(stored.map((r) => r.score), [null, 7]);
    const changed = schema(
      "columns:\n  email: { type: email }\n  stage: { type: integer }\nkey: [email]\n",
    );
    assert.throws(() => assertCompatible(changed, store.planTable(changed)), (error: unknown) => {
      assert.ok(error instanceof StoreError);
      assert.match(error.message, /column stage is now integer, but the table stores it as TEXT/);
      return true;
    });
    const rekeyed = schema(
      "columns:\n  email: { type: email }\n  stage: { type: text }\nkey: [email, stage]\n",
    );
    assert.throws(
      () => assertCompatible(rekeyed, store.planTable(rekeyed)),
      /the key is now \[email, stage\], but the table's rows were de-duplicated by \[email\]/,
    );
  }));

Deno.test("rows load in batches larger and smaller than one statement", () =>
  withStore((store) => {
    const table = schema("columns:\n  n: { type: integer }\nkey: [n]\n");
    const rows = Array.from({ length: 1003 }, (_, i) => [i % 1000]);
    const { counts, stored } = load(store, table, rows);
    assert.deepEqual(counts, { inserted: 1000, updated: 0, duplicate: 3 });
    assert.equal(stored.length, 1000);
  }));

Deno.test("a rolled-back step leaves the table as it was", () =>
  withStore((store) => {
    const table = schema(`${LEADS}`);
    load(store, table, [["a@x.com", "lead", null]]);
    store.begin();
    const loader = store.loader(table, {
      source: "test",
      runId: 2,
      loadedAt: "2026-11-26T10:00:00Z",
    });
    loader.insert(["b@x.com", "lead", null, "a@x.com", "changed", null]);
    store.rollback();
    assert.deepEqual(store.db.prepare("SELECT email, stage FROM t").all().map((r) => ({ ...r })), [{
      email: "a@x.com",
      stage: "lead",
    }]);
  }));

Deno.test("a step's statement journals stay in memory; between steps and in a dry run, temporary files", () =>
  withStore((store) => {
    const tempStore = () =>
      (store.db.prepare("PRAGMA temp_store").get() as { temp_store: number }).temp_store;
    assert.equal(tempStore(), 0);
    store.begin();
    assert.equal(tempStore(), 2, "a real step: statement journals in memory");
    store.commit();
    assert.equal(tempStore(), 0);
    store.begin();
    store.rollback();
    assert.equal(tempStore(), 0);
    // a dry run's savepoint keeps every page a step changes: that stays on disk
    store.beginDryRun();
    store.begin();
    assert.equal(tempStore(), 0, "a dry run's step");
    store.commit();
    store.endDryRun();
    assert.equal(tempStore(), 0);
  }));

Deno.test("a staged step's sort leaves the connection's page cache and threads as they were", () =>
  withStore((store) => {
    const table = schema(`${LEADS}keep: last\n`);
    const setting = (name: string) =>
      Object.values(store.db.prepare(`PRAGMA ${name}`).get() as Record<string, number>)[0];
    const before = { cache: setting("main.cache_size"), threads: setting("threads") };
    store.begin();
    store.applyTable(table, store.planTable(table));
    const loader = store.loader(
      table,
      { source: "test", runId: 1, loadedAt: "2026-11-27" },
      "always",
    );
    loader.insert([["b@x.com", "lead", null], ["a@x.com", "mql", null]].flat());
    assert.deepEqual(loader.counts(2), { inserted: 2, updated: 0, duplicate: 0 });
    store.commit();
    assert.deepEqual({ cache: setting("main.cache_size"), threads: setting("threads") }, before);
    assert.equal(before.threads, 0);
  }));

Deno.test("staged rows are written in pages of 16 KB, in every staged step of a connection", () =>
  withStore((store) => {
    const table = schema(`${LEADS}keep: last\n`);
    const pageSize = () =>
      (store.db.prepare("PRAGMA temp.page_size").get() as { page_size: number }).page_size;
    for (const runId of [1, 2]) {
      store.begin();
      store.applyTable(table, store.planTable(table));
      const loader = store.loader(
        table,
        { source: "test", runId, loadedAt: "2026-12-01" },
        "always",
      );
      loader.insert([["b@x.com", "lead", null], ["a@x.com", "mql", null]].flat());
      assert.equal(pageSize(), 16384, `staged step ${runId}`);
      loader.counts(2);
      store.commit();
    }
    assert.deepEqual(
      store.db.prepare("SELECT email, stage FROM t ORDER BY email").all().map((r) => ({ ...r })),
      [
        { email: "a@x.com", stage: "mql" },
        { email: "b@x.com", stage: "lead" },
      ],
    );
  }));

Deno.test("a reload that replaces every stored row counts each once and keeps no table of them", () =>
  withStore((store) => {
    const table = schema(`${LEADS}keep: last\n`);
    const rows = (stage: string) =>
      Array.from({ length: 20_000 }, (_, i) => [`${i}@x.com`, stage, null] as Stored[]);
    load(store, table, rows("lead"));
    store.begin();
    const loader = store.loader(table, { source: "test", runId: 2, loadedAt: "2026-11-27" });
    // each stored row replaced twice in the step: counted once
    loader.insert(rows("mql").flat());
    loader.insert(rows("sql").flat());
    // counting needs no temporary table: its pages are memory during a step
    const tempPages = (store.db.prepare("PRAGMA temp.page_count").get() as { page_count: number })
      .page_count;
    assert.deepEqual(loader.counts(40_000), { inserted: 0, updated: 20_000, duplicate: 20_000 });
    store.commit();
    assert.ok(tempPages <= 2, `${tempPages} pages of temporary tables`);
  }));

Deno.test("stored rows with rowids set by hand (past 2^28, or below 1) are counted when replaced", () =>
  withStore((store) => {
    const table = schema(`${LEADS}keep: last\n`);
    load(store, table, []);
    store.db.exec(
      `INSERT INTO t (rowid, email, stage, _source, _run_id, _loaded_at)
       VALUES (-7, 'a@x.com', 'lead', 'sql', 0, '2026-11-26')`,
    );
    assert.deepEqual(load(store, table, [["a@x.com", "customer", null]]).counts, {
      inserted: 0,
      updated: 1,
      duplicate: 0,
    });
    // another SQL tool may give a row any rowid; counting must neither fail nor miss it
    store.db.exec(
      `INSERT INTO t (rowid, email, stage, _source, _run_id, _loaded_at)
       VALUES (${2 ** 40}, 'b@x.com', 'lead', 'sql', 0, '2026-11-26')`,
    );
    const { counts, stored } = load(store, table, [["a@x.com", "mql", null], [
      "b@x.com",
      "mql",
      null,
    ], ["b@x.com", "sql", null]], 3);
    assert.deepEqual(counts, { inserted: 0, updated: 2, duplicate: 1 });
    assert.deepEqual(stored.map((r) => r.stage), ["mql", "sql"]);
  }));

Deno.test("a table whose every rowid is negative (set by hand) loads and counts", () => {
  for (const rowid of [-9, -20, -(2 ** 31) - 100]) {
    withStore((store) => {
      const table = schema(`${LEADS}keep: last\n`);
      load(store, table, []);
      store.db.exec(
        `INSERT INTO t (rowid, email, stage, _source, _run_id, _loaded_at)
         VALUES (${rowid}, 'a@x.com', 'lead', 'sql', 0, '2026-11-26')`,
      );
      assert.deepEqual(load(store, table, [["a@x.com", "customer", null]]).counts, {
        inserted: 0,
        updated: 1,
        duplicate: 0,
      }, `rowid ${rowid}`);
    });
  }
});
