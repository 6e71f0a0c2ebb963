/**
 * Record text split back into the values: by hand on the format's corners, and against the
 * server itself, where a table read as record text (a whole-table export) must give exactly
 * the rows the usual protocol gives, on random values of every column type.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { splitRecord } from "./pg_record_text.ts";
import { openPgQuery } from "./pg_query.ts";
import { adminSql, freshDatabase, pgMissing } from "../../../tests/pg_server.ts";
import type { SqlValue } from "../mod.ts";

function split(text: string): (string | null)[] {
  const out: (string | null)[] = [];
  return out.slice(0, splitRecord(text, out));
}

Deno.test("splitRecord() reads NULLs, empty text, quotes, backslashes and commas", () => {
  assert.deepEqual(split("(a,b)"), ["a", "b"]);
  assert.deepEqual(split("(,)"), [null, null]);
  assert.deepEqual(split("(a,)"), ["a", null]);
  assert.deepEqual(split("()"), [null]);
  assert.deepEqual(split('("")'), [""]);
  assert.deepEqual(split('("a ""b""",x)'), ['a "b"', "x"]);
  assert.deepEqual(split('("c:\\\\temp","(1,2)")'), ["c:\\temp", "(1,2)"]);
  assert.deepEqual(split('(1,"2026-01-02 03:04:05+00",,"")'), [
    "1",
    "2026-01-02 03:04:05+00",
    null,
    "",
  ]);
  assert.throws(() => split('("open)'), /unexpected record text/);
});

Deno.test("splitRecord() reads a value of quotes or backslashes in time linear in its length", () => {
  // JSON kept as text (every quote doubled), a Windows path (every backslash doubled)
  for (const [escaped, plain] of [['""', '"'], ["\\\\", "\\"]]) {
    const record = (count: number) => `("${escaped!.repeat(count)}")`;
    const out: (string | null)[] = [];
    splitRecord(record(3), out);
    assert.equal(out[0], plain!.repeat(3));
    // against one linear pass over the same text (not a time: machines differ). The
    // quadratic reading took thousands of such passes on 1.6M characters, this one a few.
    const text = record(800_000);
    let pass = Infinity;
    for (let run = 0; run < 3; run++) {
      const started = performance.now();
      text.replaceAll(escaped!, plain!);
      pass = Math.min(pass, performance.now() - started);
    }
    const bound = pass * 50 + 5;
    let split = Infinity;
    for (let run = 0; run < 5 && split >= bound; run++) {
      const started = performance.now();
      splitRecord(text, out);
      const took = performance.now() - started;
      split = Math.min(split, took);
      if (took > bound * 10) break; // far past it: no need to wait for more runs
    }
    assert.ok(split < bound, `${escaped}: ${split.toFixed(1)} ms, one pass ${pass.toFixed(1)} ms`);
  }
});

// text with what record text quotes or escapes, and what it leaves alone
const text = fc.oneof(
  fc.string({
    unit: fc.constantFrom('"', "\\", ",", "(", ")", " ", "\t", "\n", "\r", "a", "é", "="),
  }),
  fc.string({ unit: "grapheme" }),
).map((value) => value.replaceAll("\0", "")); // PostgreSQL text cannot hold NUL

const row = fc.record({
  t: fc.option(text),
  n: fc.option(fc.oneof(fc.integer(), fc.constant(2 ** 53 + 1))),
  d: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 })),
  b: fc.option(fc.boolean()),
  day: fc.option(
    fc.date({ min: new Date("1900-01-01"), max: new Date("2999-12-31"), noInvalidDate: true }),
  ),
  at: fc.option(
    fc.date({ min: new Date("1900-01-01"), max: new Date("2999-12-31"), noInvalidDate: true }),
  ),
  i: fc.option(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })),
  j: fc.option(fc.jsonValue({ maxDepth: 2 })),
  tags: fc.option(fc.array(text, { maxLength: 3 })),
});

Deno.test({
  name: "a table read as record text gives the rows the usual read gives (property)",
  ignore: await pgMissing(),
  fn: async () => {
    const db = (await freshDatabase())!;
    try {
      // the columns a Plutus table has, and ones a colleague may add (int4, json, an array); a column
      // named like the query's own alias
      await adminSql(db.url, [
        "CREATE SCHEMA s",
        `CREATE TABLE s."we,ird ""t" (t text, n bigint, d numeric, b boolean, day date,
           at timestamptz, i integer, j json, tags text[], _plutus_row text)`,
      ]);
      const { default: postgres } = await import("postgres");
      const sql = postgres(db.url, { max: 1, onnotice: () => {} });
      try {
        await fc.assert(
          fc.asyncProperty(fc.array(row, { maxLength: 40 }), async (rows) => {
            await sql.unsafe(`TRUNCATE s."we,ird ""t"`);
            // one statement for all rows: a round trip a row made the test slow
            const values = rows.map((r) => ({
              t: r.t,
              n: r.n === null ? null : String(r.n),
              d: r.d === null ? null : String(r.d),
              b: r.b,
              day: r.day === null ? null : r.day.toISOString().slice(0, 10),
              at: r.at === null ? null : r.at.toISOString(),
              i: r.i,
              j: r.j === null ? null : JSON.stringify(r.j),
              tags: r.tags,
            }));
            await sql.unsafe(
              `INSERT INTO s."we,ird ""t" (t, n, d, b, day, at, i, j, tags, _plutus_row)
               SELECT t, n::bigint, d::numeric, b, day::date, at::timestamptz, i, j::json, tags, t
               FROM json_to_recordset($1::text::json) AS x(t text, n text, d text, b boolean,
                 day text, at text, i integer, j text, tags text[])`,
              [JSON.stringify(values)],
            );
            const read = async (table?: string) => {
              const cursor = await openPgQuery(
                db.url,
                "s",
                `SELECT * FROM s."we,ird ""t"`,
                { timeoutSeconds: 0 },
                { pageRows: 7, table },
              );
              const all: SqlValue[][] = [];
              try {
                for await (const page of cursor.pages()) all.push(...page);
              } finally {
                await cursor.close();
              }
              return all;
            };
            const usual = await read();
            assert.equal(usual.length, rows.length);
            assert.deepEqual(await read(`s."we,ird ""t"`), usual);
          }),
          { numRuns: 40 },
        );
      } finally {
        await sql.end({ timeout: 1 });
      }
    } finally {
      await db.drop();
    }
  },
});

Deno.test({
  name: "a table without columns is read as usual: one empty row a row",
  ignore: await pgMissing(),
  fn: async () => {
    const db = (await freshDatabase())!;
    try {
      await adminSql(db.url, [
        "CREATE TABLE public.z ()",
        "INSERT INTO public.z DEFAULT VALUES",
        "INSERT INTO public.z DEFAULT VALUES",
      ]);
      const cursor = await openPgQuery(
        db.url,
        "public",
        "SELECT * FROM public.z",
        { timeoutSeconds: 0 },
        { table: "public.z" },
      );
      const rows: SqlValue[][] = [];
      for await (const page of cursor.pages()) rows.push(...page);
      await cursor.close();
      assert.deepEqual(rows, [[], []]);
    } finally {
      await db.drop();
    }
  },
});
