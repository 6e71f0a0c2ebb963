import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { parseTableSchema } from "../../config/load_table_schemas.ts";
import { SqliteDriver } from "../store/sqlite/sqlite_driver.ts";
import { exportCsv } from "./export_csv.ts";
import { localStamp } from "../../util/time.ts";

Deno.test("an export writes every row exactly, long and multi-byte text included", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/t.db`;
    const db = new DatabaseSync(path);
    db.exec("CREATE TABLE notes (id INTEGER, note TEXT)");
    const insert = db.prepare("INSERT INTO notes VALUES (?, ?)");
    const huge = "ü".repeat(700_000); // more than the writer's buffer holds, in bytes
    const rows: [number, string][] = [];
    for (let id = 1; id <= 30_000; id++) {
      rows.push([id, id % 7 === 0 ? `née, "${id}"` : `😀 ${id}`]);
    }
    rows.splice(12_345, 0, [0, huge]);
    db.exec("BEGIN");
    for (const row of rows) insert.run(...row);
    db.exec("COMMIT");
    db.close();

    const result = await exportCsv(new SqliteDriver(path), `${dir}/exports`, { table: "notes" });
    assert.equal(result.rows, rows.length);
    const text = await Deno.readTextFile(result.path);
    const field = (note: string) => note.includes(",") ? `"${note.replaceAll('"', '""')}"` : note;
    const expected = "id,note\r\n" + rows.map(([id, note]) => `${id},${field(note)}\r\n`).join("");
    assert.equal(text.length, expected.length);
    assert.ok(text === expected, "the file holds the rows as they are");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an export whose query fails part way throws and leaves no file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/t.db`;
    const db = new DatabaseSync(path);
    db.exec("CREATE TABLE t (n INTEGER)");
    db.exec(`BEGIN; ${"INSERT INTO t VALUES (1);".repeat(50_000)} COMMIT;`);
    db.exec("INSERT INTO t VALUES (7)");
    db.close();
    const sql = "SELECT n, CASE WHEN n = 7 THEN abs(-9223372036854775808) ELSE n END FROM t";
    await assert.rejects(
      exportCsv(new SqliteDriver(path), `${dir}/exports`, { sql }),
      (error: Error) => /integer overflow/.test(error.message),
    );
    assert.deepEqual([...Deno.readDirSync(`${dir}/exports`)], [], "no file, not even a .part");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an export writes typed values as they are and still protects free text", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/t.db`;
    const db = new DatabaseSync(path);
    db.exec(
      "CREATE TABLE leads (email TEXT, phone TEXT, note TEXT, amount REAL, mobile TEXT) STRICT",
    );
    db.prepare("INSERT INTO leads VALUES (?, ?, ?, ?, ?)").run(
      "+tag@x.com",
      "+14155555874",
      "+1 555 call me",
      -12.5,
      "+14155555874",
    );
    db.prepare("INSERT INTO leads VALUES (?, ?, ?, ?, ?)").run(
      "-a@x.com",
      null,
      '=HYPERLINK("http://x")',
      3,
      "-5",
    );
    db.close();
    const tables = new Map([[
      "leads",
      parseTableSchema(
        "columns:\n  email: { type: email }\n  phone: { type: text, clean: [trim, phone] }\n" +
          "  note: { type: text }\n  amount: { type: decimal }\n  mobile: { type: text }\n",
        "schema/leads.yaml",
        "leads",
      ),
    ]]);
    const exported = async (options: { table?: string; sql?: string }) =>
      await Deno.readTextFile(
        (await exportCsv(new SqliteDriver(path), `${dir}/exports`, { ...options, tables })).path,
      );

    assert.equal(
      await exported({ table: "leads" }),
      "email,phone,note,amount,mobile\r\n" +
        "+tag@x.com,+14155555874,'+1 555 call me,-12.5,'+14155555874\r\n" +
        `-a@x.com,,"'=HYPERLINK(""http://x"")",3,'-5\r\n`,
    );
    // a query: columns straight from a typed column keep their type, expressions do not,
    // and a typed name with text of another shape under it (a UNION) is protected
    assert.equal(
      await exported({
        sql:
          "SELECT phone AS p, '' || phone AS e, -amount AS n FROM leads WHERE phone IS NOT NULL " +
          "UNION ALL SELECT '=1+1', '+1', -0.5",
      }),
      "p,e,n\r\n+14155555874,'+14155555874,12.5\r\n'=1+1,'+1,-0.5\r\n",
    );
    // without the schema, every text is protected as before
    const plain = await Deno.readTextFile(
      (await exportCsv(new SqliteDriver(path), `${dir}/exports`, { table: "leads" })).path,
    );
    assert.match(plain, /^email,phone,note,amount,mobile\r\n'\+tag@x\.com,'\+14155555874,/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an export says a write failure is one, and a read failure is not a full disk", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const cursor = (fail: Error) => ({
      columns: ["n"],
      origins: [{ table: null, column: null }],
      async *pages() {
        yield [[1], [2]];
        throw fail;
      },
      close: async () => {},
    });
    const driver = (fail: Error) =>
      ({ openExport: () => Promise.resolve(cursor(fail)) }) as unknown as SqliteDriver;
    // a bug on the reading side comes out as itself, never as "cannot write … disk space"
    const bug = new TypeError("next?.catch is not a function");
    await assert.rejects(
      exportCsv(driver(bug), `${dir}/exports`, { table: "t" }),
      (error: Error) => error === bug,
    );
    assert.deepEqual([...Deno.readDirSync(`${dir}/exports`)], [], "no file, not even a .part");
    // a folder where the file's temporary copy goes: the write fails, and says so
    await Deno.mkdir(`${dir}/exports/.taken.csv.part`, { recursive: true });
    await assert.rejects(
      exportCsv(driver(bug), `${dir}/exports`, { table: "t", output: `${dir}/exports/taken.csv` }),
      /cannot write .*taken\.csv/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("two exports of one second get files of their own: neither overwrites the other", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/t.db`;
    const db = new DatabaseSync(path);
    db.exec("CREATE TABLE notes (who TEXT); INSERT INTO notes VALUES ('tab1')");
    db.close();
    const exports = `${dir}/exports`;
    await Deno.mkdir(exports);
    // the names exports of these seconds take, already there (another tab's export)
    const stamp = (ms: number) =>
      localStamp(new Date(Date.now() + ms)).replace(" ", "T").replace(/:/g, "-");
    const taken = [-1000, 0, 1000, 2000].map((ms) => `${exports}/query-${stamp(ms)}.csv`);
    for (const name of taken) await Deno.writeTextFile(name, "who\r\ntab2\r\n");
    const driver = new SqliteDriver(path);
    const both = await Promise.all([
      exportCsv(driver, exports, { sql: "SELECT who FROM notes" }),
      exportCsv(driver, exports, { sql: "SELECT who || '!' AS who FROM notes" }),
    ]);
    const paths = both.map((result) => result.path);
    assert.equal(new Set([...paths, ...taken]).size, 6, paths.join(", "));
    assert.ok(paths.every((p) => /query-.* \([23]\)\.csv$/.test(p)), paths.join(", "));
    assert.deepEqual(
      await Promise.all(paths.map((p) => Deno.readTextFile(p))),
      ["who\r\ntab1\r\n", "who\r\ntab1!\r\n"],
    );
    for (const name of taken) assert.equal(await Deno.readTextFile(name), "who\r\ntab2\r\n");
    // nothing half-written is left
    assert.deepEqual([...Deno.readDirSync(exports)].filter((e) => e.name.endsWith(".part")), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an export whose folder cannot be made opens nothing in the database", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/exports`, "a file where the folder should be");
    let opened = 0;
    const open = () => {
      opened++;
      return Promise.reject(new Error("opened"));
    };
    const driver = { openExport: open, openQuery: open, openCopy: open };
    for (const what of [{ table: "t" }, { sql: "SELECT 1" }]) {
      await assert.rejects(
        exportCsv(driver as unknown as SqliteDriver, `${dir}/exports`, what),
        (error: Error) => error.message !== "opened",
      );
    }
    assert.equal(opened, 0, "a connection was opened and never closed");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
