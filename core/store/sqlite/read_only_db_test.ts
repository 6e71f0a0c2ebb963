import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { PlutusError } from "../../../util/errors.ts";
import { runQuery } from "./run_query.ts";

async function withDatabase(test: (path: string) => void) {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/t.db`;
  const db = new DatabaseSync(path);
  db.exec(
    "CREATE TABLE leads (email TEXT, n INTEGER); INSERT INTO leads VALUES ('a@x.com', 1), ('b@x.com', 2);",
  );
  db.close();
  try {
    test(path);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const refusal = (path: string, sql: string) => {
  try {
    runQuery(path, sql);
  } catch (error) {
    assert.ok(error instanceof PlutusError);
    return error;
  }
  assert.fail(`expected ${sql} to be refused`);
};

Deno.test("runQuery() returns columns and rows, and says when it cut them", () =>
  withDatabase((path) => {
    assert.deepEqual(runQuery(path, "SELECT email, n FROM leads ORDER BY n"), {
      columns: ["email", "n"],
      rows: [["a@x.com", 1], ["b@x.com", 2]],
      truncated: false,
    });
    assert.equal(runQuery(path, "SELECT * FROM leads", 1).truncated, true);
    assert.deepEqual(runQuery(path, "PRAGMA table_info(leads)").rows.map((r) => r[1]), [
      "email",
      "n",
    ]);
  }));

Deno.test("runQuery() cannot write, attach, load extensions or run two statements", () =>
  withDatabase((path) => {
    for (
      const sql of [
        "DELETE FROM leads",
        "INSERT INTO leads VALUES ('c', 3)",
        "DROP TABLE leads",
        "CREATE TABLE x (a)",
        "PRAGMA journal_mode = DELETE",
        "VACUUM",
      ]
    ) {
      assert.equal(refusal(path, sql).code, "query_readonly", sql);
    }
    assert.equal(refusal(path, `ATTACH '${path}' AS other`).code, "query_readonly");
    assert.equal(refusal(path, "SELECT load_extension('x')").code, "query_readonly");
    assert.equal(refusal(path, "SELECT 1; DELETE FROM leads").code, "query_many");
    assert.deepEqual(runQuery(path, "SELECT ';' AS a; -- done").rows, [[";"]]);
    assert.equal(runQuery(path, "SELECT count(*) FROM leads").rows[0]?.[0], 2);
  }));

Deno.test("runQuery() explains a syntax error", () =>
  withDatabase((path) => {
    const error = refusal(path, "SELEC 1");
    assert.equal(error.code, "query_failed");
    assert.match(error.message, /near "SELEC": syntax error/);
  }));
