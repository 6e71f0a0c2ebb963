import assert from "node:assert/strict";
import { StoreError } from "../../../util/errors.ts";
import { parseTableSchema } from "../../../config/load_table_schemas.ts";
import type { Cell } from "../../transform/cell.ts";
import { compileRowPreparer } from "../../transform/row_preparer.ts";
import type { Stored } from "../../transform/validate_column.ts";
import { SqliteStore } from "./sqlite_store.ts";

const schema = (text: string) => parseTableSchema(text, "schema/t.yaml", "t");
const KEYED = schema(
  "columns:\n  email: { type: email }\n  at: { type: datetime }\n  day: { type: date }\nkey: [email]\nkeep: latest\norder_by: at\n",
);
const KEYLESS = schema("columns:\n  email: { type: email }\n  at: { type: datetime }\n");

/** A database as an earlier version left it: datetimes as the sources wrote them. */
async function withOldStore(
  table: ReturnType<typeof schema>,
  rows: (string | null)[][],
  test: (store: SqliteStore) => void,
) {
  const dir = await Deno.makeTempDir();
  const store = SqliteStore.open(`${dir}/data/test.db`);
  try {
    store.begin();
    store.applyTable(table, store.planTable(table));
    const names = Object.keys(table.columns);
    const insert = store.db.prepare(
      `INSERT INTO t (${names.join(", ")}, ${
        table.key ? "" : "_row_hash, "
      }_source, _run_id, _loaded_at)
       VALUES (${names.map(() => "?").join(", ")}, ${
        table.key ? "" : "?, "
      }'old', 1, '2026-01-01T00:00:00Z')`,
    );
    rows.forEach((row, i) => insert.run(...row, ...(table.key ? [] : [`old-hash-${i}`])));
    store.commit();
    test(store);
  } finally {
    store.close();
    await Deno.remove(dir, { recursive: true });
  }
}

const column = (store: SqliteStore, name: string) =>
  store.db.prepare(`SELECT ${name} AS v FROM t ORDER BY rowid`).all().map((row) => row.v);

Deno.test("convertDatetimes() rewrites every stored form to UTC, once", () =>
  withOldStore(KEYED, [
    ["a@x.com", "2026-11-16T11:45:00", "2026-11-16"],
    ["b@x.com", "2026-11-16T07:00:12Z", null],
    ["c@x.com", "2026-11-16T10:00:00-05:00", null],
    ["d@x.com", "2026-11-16T16:00:00+02:00", null],
    ["e@x.com", "2026-11-16T15:00:00.000Z", null], // already in the stored form
    ["f@x.com", null, null],
  ], (store) => {
    const changed = store.convertDatetimes([KEYED], "Europe/Berlin");
    assert.deepEqual(changed, [{ table: "t", column: "at", values: 4 }]);
    assert.deepEqual(column(store, "at"), [
      "2026-11-16T10:45:00.000Z", // no offset: read in Europe/Berlin
      "2026-11-16T07:00:12.000Z",
      "2026-11-16T15:00:00.000Z",
      "2026-11-16T14:00:00.000Z",
      "2026-11-16T15:00:00.000Z",
      null,
    ]);
    assert.deepEqual(column(store, "day"), ["2026-11-16", null, null, null, null, null]);
    // recorded: a second run changes nothing, even in another zone
    store.db.exec("UPDATE t SET at = '2026-11-16T11:45:00' WHERE email = 'a@x.com'");
    assert.deepEqual(store.convertDatetimes([KEYED], "UTC"), []);
    assert.equal(column(store, "at")[0], "2026-11-16T11:45:00");
  }));

Deno.test("convertDatetimes() changes nothing when one value cannot be read, and says which", () =>
  withOldStore(KEYED, [
    ["a@x.com", "2026-11-16T11:45:00", null],
    ["b@x.com", "last tuesday", null],
  ], (store) => {
    assert.throws(() => store.convertDatetimes([KEYED], "UTC"), (error: unknown) => {
      assert.ok(error instanceof StoreError);
      assert.match(error.message, /table t, row 2, column at holds "last tuesday"/);
      assert.match(error.message, /nothing was changed/);
      return true;
    });
    assert.deepEqual(column(store, "at"), ["2026-11-16T11:45:00", "last tuesday"]);
    assert.equal(store.db.isTransaction, false);
    // not recorded as done: it tries again next time, once the value is fixed
    store.db.exec("UPDATE t SET at = NULL WHERE email = 'b@x.com'");
    assert.equal(store.convertDatetimes([KEYED], "UTC").length, 1);
  }));

Deno.test("convertDatetimes() refuses to merge two keyed rows that become one instant", () => {
  const table = schema("columns:\n  at: { type: datetime }\n  n: { type: integer }\nkey: [at]\n");
  return withOldStore(table, [
    ["2026-11-16T14:00:00Z", "1"],
    ["2026-11-16T16:00:00+02:00", "2"],
  ], (store) => {
    assert.throws(
      () => store.convertDatetimes([table], "UTC"),
      /same instant as a row already stored/,
    );
    assert.deepEqual(column(store, "at"), ["2026-11-16T14:00:00Z", "2026-11-16T16:00:00+02:00"]);
  });
});

Deno.test("convertDatetimes() gives keyless rows the hash a reloaded row would get", () =>
  withOldStore(KEYLESS, [["a@x.com", "2026-11-16T11:45:00"], ["b@x.com", null]], (store) => {
    store.convertDatetimes([KEYLESS], "UTC");
    // the same rows, as this version prepares them from a file
    const { prepare } = compileRowPreparer(
      KEYLESS,
      [{ column: "email", index: 0, clean: [] }, { column: "at", index: 1, clean: [] }],
      (source) => (row) => (row as Cell[])[source.index!] ?? null,
      { timeZone: "UTC" },
    );
    const hashes = [["a@x.com", "2026-11-16T11:45:00"], ["b@x.com", null]].map((row) => {
      const out: Stored[] = [];
      prepare(row, out, 0);
      return out[2];
    });
    // a changed row gets the new hash (so a reload is a duplicate); the others keep theirs
    assert.deepEqual(column(store, "_row_hash"), [hashes[0], "old-hash-1"]);
  }));
