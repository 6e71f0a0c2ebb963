/**
 * A table exported through COPY (pg_table_copy.ts and core/export/copy_csv.ts) is the file
 * the row-by-row export writes, byte for byte, in every mode: the cursor path is the model.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { adminSql, freshDatabase, pgMissing } from "../../../tests/pg_server.ts";
import { PgDriver } from "./pg_driver.ts";
import { exportCsv, type ExportOptions } from "../../export/export_csv.ts";
import { parseTableSchema } from "../../../config/load_table_schemas.ts";
import { plainNumber } from "./pg_table_copy.ts";
import type { StoreDriver, TableCopy } from "../mod.ts";

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

const options = fc.record({
  raw: fc.boolean(),
  semicolon: fc.boolean(),
  bom: fc.boolean(),
  typed: fc.boolean(),
});

Deno.test({
  name: "a table exported through COPY is the file the row-by-row export writes (property)",
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
      const byRows: StoreDriver = Object.create(driver, { openTableCopy: { value: undefined } });
      const { default: postgres } = await import("postgres");
      const sql = postgres(db.url, { max: 1, onnotice: () => {} });
      try {
        await fc.assert(
          fc.asyncProperty(
            fc.array(row, { maxLength: 30 }),
            options,
            fc.array(fc.nat(), {
              maxLength: 8,
            }),
            async (rows, how, cuts) => {
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
                  table: "leads",
                  output: `${dir}/leads.csv`,
                  raw: how.raw,
                  semicolon: how.semicolon,
                  bom: how.bom,
                  tables: how.typed ? tables : undefined,
                };
                const result = await exportCsv(through, `${dir}/exports`, export_);
                assert.equal(result.rows, rows.length);
                return await Deno.readFile(result.path);
              };
              const model = await exported(byRows);
              const copied = await exported(cutting(driver, cuts));
              if (!equalBytes(copied, model)) {
                assert.equal(new TextDecoder().decode(copied), new TextDecoder().decode(model));
              }
            },
          ),
          { numRuns: 60 },
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
function cutting(driver: PgDriver, cuts: number[]): StoreDriver {
  return Object.create(driver, {
    openTableCopy: {
      value: async (table: string): Promise<TableCopy> => {
        const copy = await driver.openTableCopy(table);
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
