/**
 * A table or a query exported through COPY (pg_copy.ts and core/export/copy_csv.ts) is the
 * file the row-by-row export writes, byte for byte, in every mode: the cursor path is the
 * model.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { adminSql, freshDatabase, pgMissing } from "../../../tests/pg_server.ts";
import { PgDriver } from "./pg_driver.ts";
import { exportCsv, type ExportOptions } from "../../export/export_csv.ts";
import { parseTableSchema } from "../../../config/load_table_schemas.ts";
import { plainNumber } from "./pg_copy.ts";
import type { CsvCopy, StoreDriver } from "../mod.ts";

// text with what CSV quotes, what a spreadsheet runs, white space of both kinds at the ends
const text = fc.oneof(
  fc.string({
    unit: fc.constantFrom('"', "\\", ",", ";", " ", "\t", "\n", "\r", "a", "é", "=", "-", "+"),
  }),
  fc.constantFrom("", "\\.", " x", "x\u00a0", "\ufeffx", "\u3000", "+14155555874", "-a@x.com"),
  fc.string({ unit: "grapheme" }),
).map((value) => value.replaceAll("\0", "")); // PostgreSQL text cannot hold NUL

const numeric = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
  fc.integer().map(String),
  fc.constantFrom("12.50", "0.0000001", "1e21", "123456789012345678.5", "-0", "NaN", "0.000001"),
);
const moment = fc.date({
  min: new Date("1900-01-01"),
  max: new Date("2999-12-31"),
  noInvalidDate: true,
});

const row = fc.record({
  t: fc.option(text),
  n: fc.option(fc.oneof(fc.integer(), fc.constant(2 ** 53 + 1), fc.constant(-5))),
  d: fc.option(numeric),
  b: fc.option(fc.boolean()),
  day: fc.option(moment),
  // whole seconds, milliseconds and microseconds
  at: fc.option(fc.tuple(moment, fc.constantFrom("", ".5", ".123456", ".120"))),
  i: fc.option(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })),
  f: fc.option(fc.double({ noNaN: true })),
  j: fc.option(fc.jsonValue({ maxDepth: 2 })),
  tags: fc.option(fc.array(text, { maxLength: 3 })),
  phone: fc.option(fc.oneof(text, fc.constant("+14155555874"))),
});

/**
 * What is exported: the table, or a query (and whether COPY can read it: EXPLAIN cannot be a
 * sub-query, nor a text whose last line is a comment after its semicolon).
 */
const exportedWhat = fc.constantFrom<{ table: string } | { sql: string; copy: boolean }>(
  { table: "leads" },
  { sql: "SELECT * FROM leads", copy: true },
  { sql: "select t, phone, at from leads;\n ;  ", copy: true },
  {
    sql: "SELECT t, t, n + 1 AS n, d * 2 AS d, NOT b AS b, at::date AS day FROM leads",
    copy: true,
  },
  { sql: "SELECT a.t, b.t, a.phone FROM leads a JOIN leads b ON a.n = b.n -- pairs", copy: true },
  { sql: "WITH x AS (SELECT * FROM leads) SELECT phone, at, j, tags, f FROM x", copy: true },
  { sql: "SELECT t || ';)' AS t, count(*) OVER () AS rows FROM leads", copy: true },
  { sql: "VALUES (1, 'a;'), (2, NULL), (3, '=1+1')", copy: true },
  { sql: "SELECT count(*) AS n, max(at) AS last FROM leads", copy: true },
  { sql: "TABLE leads", copy: true },
  {
    sql: "-- newest first\nSELECT at, t, n FROM leads ORDER BY at DESC NULLS LAST, t, n",
    copy: true,
  },
  { sql: "SELECT phone FROM leads; -- done", copy: false },
  { sql: "EXPLAIN (COSTS OFF) SELECT * FROM leads", copy: false },
);

const options = fc.record({
  raw: fc.boolean(),
  semicolon: fc.boolean(),
  bom: fc.boolean(),
  typed: fc.boolean(),
});

Deno.test({
  name:
    "a table or a query exported through COPY is the file the row-by-row export writes (property)",
  ignore: await pgMissing(),
  fn: () =>
    withDatabase(async (db, dir) => {
      // the columns a Plutus table has, and ones a colleague may add (int4, float8, json, an
      // array); the row hash an export leaves out
      await adminSql(db.url, [
        "CREATE SCHEMA s",
        `CREATE TABLE s.leads (t text, n bigint, d numeric, b boolean, day date,
         at timestamptz, i integer, f float8, j json, tags text[], phone text,
         _row_hash text)`,
      ]);
      const tables = new Map([[
        "leads",
        parseTableSchema(
          "columns:\n  t: { type: text }\n  n: { type: integer }\n  d: { type: decimal }\n" +
            "  b: { type: boolean }\n  day: { type: date }\n  at: { type: datetime }\n" +
            "  phone: { type: text, clean: [phone] }\n",
          "schema/leads.yaml",
          "leads",
        ),
      ]]);
      const driver = new PgDriver({ kind: "postgres", url: db.url, schema: "s" });
      // the same driver without COPY: the row-by-row export
      const byRows: StoreDriver = Object.create(driver, { openCopy: { value: undefined } });
      const { default: postgres } = await import("postgres");
      const sql = postgres(db.url, { max: 1, onnotice: () => {} });
      try {
        await fc.assert(
          fc.asyncProperty(
            fc.array(row, { maxLength: 30 }),
            exportedWhat,
            options,
            fc.array(fc.nat(), {
              maxLength: 8,
            }),
            async (rows, what, how, cuts) => {
              await sql.unsafe(`TRUNCATE s.leads`);
              // one statement for all rows: a round trip a row made the test slow
              const values = rows.map((r) => ({
                ...r,
                n: r.n === null ? null : String(r.n),
                day: r.day === null ? null : r.day.toISOString().slice(0, 10),
                at: r.at === null ? null : r.at[0].toISOString().slice(0, 19) + r.at[1] + "Z",
                f: r.f === null ? null : String(r.f),
                j: r.j === null ? null : JSON.stringify(r.j),
              }));
              await sql.unsafe(
                `INSERT INTO s.leads
             SELECT t, n::bigint, d::numeric, b, day::date, at::timestamptz, i, f::float8,
               j::json, tags, phone, md5(random()::text)
             FROM json_to_recordset($1::text::json) AS x(t text, n text, d text, b boolean,
               day text, at text, i integer, f text, j text, tags text[], phone text)`,
                [JSON.stringify(values)],
              );
              const exported = async (through: StoreDriver) => {
                const export_: ExportOptions = {
                  ...("table" in what ? { table: what.table } : { sql: what.sql }),
                  output: `${dir}/leads.csv`,
                  raw: how.raw,
                  semicolon: how.semicolon,
                  bom: how.bom,
                  tables: how.typed ? tables : undefined,
                };
                const result = await exportCsv(through, `${dir}/exports`, export_);
                if ("table" in what) assert.equal(result.rows, rows.length);
                return await Deno.readFile(result.path);
              };
              const model = await exported(byRows);
              const copies = { count: 0 };
              const copied = await exported(cutting(driver, cuts, copies));
              assert.equal(copies.count, "table" in what || what.copy ? 1 : 0, "read by COPY");
              if (!equalBytes(copied, model)) {
                assert.equal(new TextDecoder().decode(copied), new TextDecoder().decode(model));
              }
            },
          ),
          { numRuns: 80 },
        );
      } finally {
        await sql.end({ timeout: 1 });
      }
    }),
});

Deno.test("plainNumber() holds only for text JavaScript writes back the same (property)", () => {
  const digits = fc.string({ unit: fc.constantFrom("0", "1", "5", "9"), minLength: 1 });
  const numberText = fc.oneof(
    fc.tuple(fc.boolean(), digits, fc.option(digits)).map(([minus, whole, fraction]) =>
      `${minus ? "-" : ""}${whole}${fraction === null ? "" : `.${fraction}`}`
    ),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
    fc.constantFrom("0", "-0", "0.000001", "0.0000001", "1e21", "100000000000000000000"),
  );
  let plain = 0;
  fc.assert(
    fc.property(numberText, (value) => {
      const bytes = new TextEncoder().encode(`x${value}x`);
      if (plainNumber(bytes, 1, bytes.length - 1)) {
        plain++;
        assert.equal(String(Number(value)), value);
      }
    }),
    { numRuns: 3000 },
  );
  assert.ok(plain > 300, `${plain} of 3000 were plain`);
  for (const value of ["12.5", "0", "-3", "0.000001", "100000000000000000000"]) {
    const bytes = new TextEncoder().encode(value);
    assert.ok(plainNumber(bytes, 0, bytes.length), value);
  }
});

/**
 * The driver, its COPY pieces cut again at `cuts` (Postgres.js hands out a row a piece; a
 * field or a character cut between pieces must read the same).
 */
function cutting(driver: PgDriver, cuts: number[], copies = { count: 0 }): StoreDriver {
  return Object.create(driver, {
    openCopy: {
      value: async (what: { table: string } | { sql: string }): Promise<CsvCopy | undefined> => {
        const copy = await driver.openCopy(what);
        if (!copy) return undefined;
        copies.count++;
        let next = 0;
        return {
          ...copy,
          read: (indexes, sink) =>
            copy.read(indexes, (bytes) => {
              const cut = cuts.length === 0 ? 0 : cuts[next++ % cuts.length]! % (bytes.length + 1);
              sink(bytes.subarray(0, cut));
              sink(bytes.subarray(cut));
            }),
        };
      },
    },
  });
}

/** Runs `test` with a fresh database and a temporary folder, both gone after. */
async function withDatabase(
  test: (db: { url: string }, dir: string) => Promise<void>,
): Promise<void> {
  const db = (await freshDatabase())!;
  const dir = await Deno.makeTempDir();
  try {
    await test(db, dir);
  } finally {
    await db.drop();
    await Deno.remove(dir, { recursive: true });
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

Deno.test({
  name: "a table of no columns but the row hash exports an empty line a row, as row by row",
  ignore: await pgMissing(),
  fn: () =>
    withDatabase(async (db, dir) => {
      await adminSql(db.url, [
        "CREATE TABLE public.z (_row_hash text)",
        "INSERT INTO public.z VALUES ('a'), ('b')",
      ]);
      const driver = new PgDriver({ kind: "postgres", url: db.url, schema: "public" });
      const result = await exportCsv(driver, dir, { table: "z", output: `${dir}/z.csv` });
      assert.equal(result.rows, 2);
      assert.equal(await Deno.readTextFile(result.path), "\r\n\r\n\r\n");
    }),
});

Deno.test({
  name: "a query that closes COPY's parentheses to run more statements runs none of them",
  ignore: await pgMissing(),
  fn: () =>
    withDatabase(async (db, dir) => {
      await adminSql(db.url, ["CREATE SCHEMA s", "CREATE TABLE s.t (x int)"]);
      const driver = new PgDriver({ kind: "postgres", url: db.url, schema: "s" });
      const escapes = [
        "SELECT 1 AS x) AS plutus_query (c1)) TO STDOUT; COMMIT; CREATE TABLE s.pwned (x int); COPY (SELECT c1 FROM (SELECT 1",
        "SELECT x FROM t\n) AS plutus_query (c1)) TO STDOUT (FORMAT csv); CREATE TABLE s.pwned (x int); --",
        "SELECT x FROM t; COMMIT; CREATE TABLE s.pwned (x int)",
      ];
      for (const sql of escapes) {
        await assert.rejects(
          exportCsv(driver, `${dir}/exports`, { sql }),
          (error: Error) => /syntax error|multiple commands|one statement/i.test(error.message),
        );
      }
      const { default: postgres } = await import("postgres");
      const client = postgres(db.url, { max: 1, onnotice: () => {} });
      try {
        const [{ made }] = await client<[{ made: boolean }]>`
          SELECT to_regclass('s.pwned') IS NOT NULL AS made`;
        assert.equal(made, false, "a statement after the query ran");
      } finally {
        await client.end({ timeout: 1 });
      }
    }),
});
