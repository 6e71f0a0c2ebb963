/**
 * `query` and `export` give the same text on SQLite and PostgreSQL: numbers, booleans,
 * dates and datetimes written alike, formula protection on free text, typed columns as
 * they are, for a whole table and for SQL.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  backendMissing,
  BACKENDS,
  expectCode,
  runCli,
  withProject,
  writeFiles,
} from "./helpers.ts";

const FILES = {
  "plutus.yaml": `sources:
  crm:
    kind: file
    files: "people*.csv"
    table: people
    columns:
      email: Email
      note: Note
      amount: Amount
      paid: Paid
      day: Day
      seen: Seen
`,
  "schema/people.yaml": `columns:
  email:  { type: email, required: true }
  note:   { type: text }
  amount: { type: decimal }
  paid:   { type: boolean }
  day:    { type: date }
  seen:   { type: datetime }
key: [email]
`,
};

const CSV = `Email,Note,Amount,Paid,Day,Seen
a@x.com,=HYPERLINK("http://evil"),-12.5,yes,2026-01-02,2026-01-02T03:04:05Z
b@x.com,-5 apples,1000000,no,2025-12-31,2026-01-02T05:04:05+02:00
c@x.com,plain,,,,
`;

/** What each command printed or wrote, by backend. */
const seen = new Map<string, Record<string, string>>();

for (const backend of BACKENDS) {
  Deno.test({
    name: `query and export of a table and of SQL [${backend}]`,
    ignore: await backendMissing(backend),
    fn: () =>
      withProject(backend, FILES, async (dir) => {
        await writeFiles(dir, { "people_1.csv": CSV });
        const upload = expectCode(
          await runCli(["upload", join(dir, "people_1.csv"), "--project", dir]),
          0,
        );
        // the database as people see it: a path, or the URL without its password
        const database = /^Database: (\S+)/m.exec(upload.stdout)?.[1];
        if (backend === "sqlite") assert.equal(database, "data/plutus.db");
        else {
          const password = /PG_PASSWORD=(.*)/.exec(await Deno.readTextFile(join(dir, ".env")))![1]!;
          assert.match(database!, /^postgres:\/\/plutus_test@127\.0\.0\.1:\d+\/plutus_t\w+$/);
          assert.ok(!upload.stdout.includes(password));
        }
        const sql = "SELECT email, note, amount, paid, day, seen FROM people ORDER BY email";
        const query = expectCode(await runCli(["query", sql, "--csv", "--project", dir]), 0);
        expectCode(await runCli(["export", "people", "-o", "table.csv", "--project", dir]), 0);
        expectCode(await runCli(["export", "--sql", sql, "-o", "sql.csv", "--project", dir]), 0);
        const table = await Deno.readTextFile(join(dir, "exports", "table.csv"));
        const exported = await Deno.readTextFile(join(dir, "exports", "sql.csv"));
        assert.equal(
          exported,
          "email,note,amount,paid,day,seen\r\n" +
            `a@x.com,"'=HYPERLINK(""http://evil"")",-12.5,1,2026-01-02,2026-01-02T03:04:05.000Z\r\n` +
            "b@x.com,'-5 apples,1000000,0,2025-12-31,2026-01-02T03:04:05.000Z\r\n" +
            "c@x.com,plain,,,,\r\n",
        );
        // a table comes out with its columns and Plutus's stamps (in its stored order)
        const lines = table.trimEnd().split("\r\n");
        assert.equal(lines[0], "email,note,amount,paid,day,seen,_source,_run_id,_loaded_at");
        // when, written as every datetime column is, on both backends
        for (const line of lines.slice(1)) {
          assert.match(line.split(",").at(-1)!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        }
        assert.deepEqual(
          lines.slice(1).map((line) => line.split(",").slice(0, 7).join(",")).sort(),
          [
            `a@x.com,"'=HYPERLINK(""http://evil"")",-12.5,1,2026-01-02,2026-01-02T03:04:05.000Z,crm`,
            "b@x.com,'-5 apples,1000000,0,2025-12-31,2026-01-02T03:04:05.000Z,crm",
            "c@x.com,plain,,,,,crm",
          ],
        );
        seen.set(backend, { query: query.stdout, exported });
      }),
  });
}

Deno.test({
  name: "query and export print the same text on both backends",
  ignore: await backendMissing("postgres"),
  fn() {
    const [sqlite, postgres] = [seen.get("sqlite"), seen.get("postgres")];
    assert.ok(sqlite && postgres, "both backends' tests ran first");
    assert.deepEqual(postgres, sqlite);
  },
});

for (const backend of BACKENDS) {
  Deno.test({
    name: `a write or two statements in plutus query are refused alike [${backend}]`,
    ignore: await backendMissing(backend),
    fn: () =>
      withProject(backend, FILES, async (dir) => {
        await writeFiles(dir, { "people_1.csv": CSV });
        expectCode(await runCli(["upload", join(dir, "people_1.csv"), "--project", dir]), 0);
        for (
          const [sql, said] of [
            ["DELETE FROM people", /^error: queries are read-only: /],
            ["SELECT 1; DELETE FROM people", /^error: the SQL holds more than one statement/],
          ] as const
        ) {
          const refused = expectCode(await runCli(["query", sql, "--project", dir]), 2);
          assert.match(refused.stderr, said, `${sql}: ${refused.stderr}`);
        }
        const left = expectCode(
          await runCli(["query", "SELECT count(*) AS n FROM people", "--csv", "--project", dir]),
          0,
        );
        assert.match(left.stdout, /^n\r?\n3\r?\n/);
      }),
  });
}
