import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { PlutusError } from "../../../util/errors.ts";
import type { SqlValue } from "../mod.ts";
import { openQuery, openTableScan } from "./run_query.ts";

async function withNumbers(count: number, test: (path: string) => void) {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/t.db`;
  const db = new DatabaseSync(path);
  db.exec("CREATE TABLE t (n INTEGER, label TEXT)");
  const insert = db.prepare("INSERT INTO t VALUES (?, ?)");
  for (let n = 1; n <= count; n++) insert.run(n, `row ${n}`);
  db.close();
  try {
    test(path);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function readAll(path: string, sql: string, pageRows: number): SqlValue[][][] {
  const cursor = openQuery(path, sql, pageRows);
  try {
    return [...cursor.pages()];
  } finally {
    cursor.close();
  }
}

Deno.test("a query's rows come page by page in the query's own order", () =>
  withNumbers(10, (path) => {
    const pages = readAll(path, "SELECT n FROM t ORDER BY n DESC", 4);
    assert.deepEqual(pages.map((page) => page.length), [4, 4, 2]);
    assert.deepEqual(pages.flat().map((row) => row[0]), [10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    assert.deepEqual(readAll(path, "SELECT n FROM t WHERE n > 100", 4), []);
  }));

function pagesUntilError(path: string, sql: string): { rows: SqlValue[][]; error: unknown } {
  const rows: SqlValue[][] = [];
  const cursor = openQuery(path, sql, 4);
  try {
    for (const page of cursor.pages()) rows.push(...page);
    return { rows, error: undefined };
  } catch (error) {
    return { rows, error };
  } finally {
    cursor.close();
  }
}

Deno.test("a query that fails part way is an error, never a short result", () =>
  withNumbers(10, (path) => {
    const overflow = "CASE WHEN n = 7 THEN abs(-9223372036854775808) ELSE n END";
    // the 7th row overflows: the pages before it came, then the error
    const plain = pagesUntilError(path, `SELECT n, ${overflow} FROM t`);
    assert.deepEqual(plain.rows.map((row) => row[0]), [1, 2, 3, 4]);
    assert.ok(plain.error instanceof PlutusError && /integer overflow/.test(plain.error.message));
    // sorted, it fails while sorting, before any row
    const sorted = pagesUntilError(path, `SELECT n, ${overflow} FROM t ORDER BY label, n`);
    assert.deepEqual(sorted.rows, []);
    assert.ok(sorted.error instanceof PlutusError && /integer overflow/.test(sorted.error.message));
  }));

Deno.test("an integer beyond 2^53 written by another SQL tool is read whole, by queries and table scans", () =>
  withNumbers(7, (path) => {
    const db = new DatabaseSync(path);
    db.exec("UPDATE t SET n = 9007199254740993 WHERE n = 5");
    db.close();
    // pages of 2: the large value is met after rows were already handed on
    const rows = readAll(path, "SELECT n, label FROM t ORDER BY rowid", 2).flat();
    assert.deepEqual(rows.map((row) => row[0]), [1, 2, 3, 4, 9007199254740993n, 6, 7]);
    assert.equal(rows[4]![1], "row 5");
    const sum = readAll(path, "SELECT n + 0.5 FROM t WHERE n > 6", 2).flat();
    assert.equal(sum.length, 2); // REAL results stay numbers
    const scan = openTableScan(path, "t", 2);
    try {
      const scanned = [...scan.pages()].flat();
      assert.deepEqual(scanned.map((row) => row[0]), [1, 2, 3, 4, 9007199254740993n, 6, 7]);
      assert.equal(typeof scanned[5]![0], "number");
    } finally {
      scan.close();
    }
  }));
