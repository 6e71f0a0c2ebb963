/**
 * How the PostgreSQL loader talks to the server: a file's rows go in a few large COPYs, not
 * one per pipeline batch, and a table the step creates ends with its unique key index (built
 * after the rows) and each key's winning row.
 */
import assert from "node:assert/strict";
import { parseTableSchema } from "../../../config/load_table_schemas.ts";
import { freshDatabase, pgMissing } from "../../../tests/pg_server.ts";
import { within } from "../../../tests/helpers.ts";
import { connectPg, reserveConnection, type Sql } from "./pg_connect.ts";
import { comparesAsText, PgTableLoader } from "./pg_table_loader.ts";
import { applyPgTable } from "./pg_table_sync.ts";

Deno.test({
  name:
    "a step's 100 batches go in a few ~2 MB COPYs; the table it created gets its key index after the rows",
  ignore: await pgMissing(),
  fn: async () => {
    const db = (await freshDatabase())!;
    const client = connectPg(db.url, { max: 1 });
    try {
      const sql = await reserveConnection(client);
      const statements: string[] = [];
      // the loader's connection, with every statement it sends written down
      const watched = new Proxy(sql, {
        get(target, property) {
          const value = Reflect.get(target, property);
          if (property !== "unsafe") {
            return typeof value === "function" ? value.bind(target) : value;
          }
          return (text: string, ...rest: unknown[]) => {
            statements.push(text);
            return (value as (...args: unknown[]) => unknown).call(target, text, ...rest);
          };
        },
      }) as unknown as Sql;
      const schema = parseTableSchema(
        "columns:\n  id: { type: text }\n  note: { type: text }\nkey: [id]\nkeep: last\n",
        "schema/notes.yaml",
        "notes",
      );
      await sql.unsafe("BEGIN");
      const changes = { create: true, addColumns: [], orphanColumns: [], problems: [] };
      await applyPgTable(watched, "public", schema, changes);
      const loader = await PgTableLoader.open(watched, "public", schema, {
        source: "crm",
        runId: 1,
        loadedAt: "2026-11-30T10:00:00Z",
      }, { created: true });
      // 100 batches of 500 rows (as a CSV file's pipeline batches), ids 0…39,999 then again
      for (let batch = 0; batch < 100; batch++) {
        const values: string[] = [];
        for (let i = batch * 500; i < (batch + 1) * 500; i++) {
          values.push(`id${i % 40_000}`, `note ${i} ${"x".repeat(40)}`);
        }
        await loader.insert(values);
      }
      assert.deepEqual(await loader.counts(50_000), {
        inserted: 40_000,
        updated: 0,
        duplicate: 10_000,
      });
      await sql.unsafe("COMMIT");
      const copies = statements.filter((text) => text.startsWith("COPY")).length;
      assert.ok(copies >= 1 && copies <= 3, `${copies} COPY statements for 100 batches`);
      const [index] = await sql.unsafe(
        "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND indexname = 'notes__key'",
      );
      assert.match(index?.indexdef ?? "no index", /^CREATE UNIQUE INDEX notes__key .*\(id\)$/);
      // keep: last — the later row of a repeated id won
      const rows = await sql.unsafe(
        "SELECT id, note FROM notes WHERE id IN ('id0', 'id39999', 'id10000') ORDER BY id",
      );
      assert.deepEqual(rows.map((row) => [row.id, row.note.split(" ")[1]]), [
        ["id0", "40000"],
        ["id10000", "10000"],
        ["id39999", "39999"],
      ]);
      sql.release();
    } finally {
      await client.end({ timeout: 1 });
      await db.drop();
    }
  },
});

Deno.test({
  name:
    "into an empty table, 30,000 rows that share 3 keys leave each key's winner: first, last and latest",
  ignore: await pgMissing(),
  fn: async () => {
    const db = (await freshDatabase())!;
    const client = connectPg(db.url, { max: 1 });
    try {
      const sql = await reserveConnection(client);
      for (const keep of ["first", "last", "latest"]) {
        const name = `coarse_${keep}`;
        const schema = parseTableSchema(
          `columns:\n  region: { type: text }\n  seen: { type: integer }\n  n: { type: integer }\n` +
            `key: [region]\nkeep: ${keep}\n${keep === "latest" ? "order_by: seen\n" : ""}`,
          `schema/${name}.yaml`,
          name,
        );
        await sql.unsafe("BEGIN");
        await applyPgTable(sql, "public", schema, {
          create: true,
          addColumns: [],
          orphanColumns: [],
          problems: [],
        });
        const loader = await PgTableLoader.open(sql, "public", schema, {
          source: "crm",
          runId: 1,
          loadedAt: "2026-11-30T10:00:00Z",
        }, { created: true });
        // region r0…r2 in turn; `seen` peaks (at 90) mid-file once for r0 and twice for r1
        // (a tie: the later row wins); every 7th row has none
        const values: (string | number | null)[] = [];
        for (let n = 0; n < 30_000; n++) {
          const seen = PEAKS.includes(n) ? 90 : n % 7 === 0 ? null : n % 50;
          values.push(`r${n % 3}`, seen, n);
        }
        await loader.insert(values as never);
        const counts = await loader.counts(30_000);
        await sql.unsafe("COMMIT");
        assert.deepEqual(counts, { inserted: 3, updated: 0, duplicate: 29_997 }, keep);
        const rows = await sql.unsafe(`SELECT region, n FROM ${name} ORDER BY region`);
        const expected = {
          first: [0, 1, 2],
          last: [29_997, 29_998, 29_999],
          // r0: its one 90; r1: the later of its two 90s; r2: its last row with 49
          latest: [15_000, 15_007, lastWith(2, 49)],
        }[keep]!;
        assert.deepEqual(rows.map((row) => [row.region, Number(row.n)]), [
          ["r0", expected[0]],
          ["r1", expected[1]],
          ["r2", expected[2]],
        ], keep);
      }
      sql.release();
    } finally {
      await client.end({ timeout: 1 });
      await db.drop();
    }
  },
});

/** Rows whose `seen` is 90: r0's 15,000, r1's 15,004 and 15,007. */
const PEAKS = [15_000, 15_004, 15_007];

/** The last n < 30,000 of region r`region` whose `seen` is `value` (n % 50, not a NULL one). */
function lastWith(region: number, value: number): number {
  for (let n = 29_999; n >= 0; n--) {
    if (n % 3 === region && n % 7 !== 0 && n % 50 === value && !PEAKS.includes(n)) {
      return n;
    }
  }
  throw new Error("none");
}

Deno.test("only keys PostgreSQL compares as their text go straight into a new table", () => {
  const schema = (type: string) =>
    parseTableSchema(
      `columns:\n  v: { type: text }\n  k: { type: ${type} }\nkey: [k]\n`,
      "schema/t.yaml",
      "t",
    );
  for (const type of ["text", "email", "url", "integer", "date"]) {
    assert.equal(comparesAsText(schema(type)), true, type);
  }
  // 1.0 = 1, one instant in many spellings, true = 't'
  for (const type of ["decimal", "datetime", "boolean"]) {
    assert.equal(comparesAsText(schema(type)), false, type);
  }
  // a keyless table: its row hash
  const keyless = parseTableSchema("columns:\n  v: { type: decimal }\n", "schema/t.yaml", "t");
  assert.equal(comparesAsText(keyless), true);
});

/** Runs `work` on a session of its own in a fresh database, dropped after. */
async function withSession(work: (sql: Sql) => Promise<void>): Promise<void> {
  const db = (await freshDatabase())!;
  const client = connectPg(db.url, { max: 1 });
  const sql = await reserveConnection(client);
  try {
    await work(sql);
  } finally {
    await sql.unsafe("ROLLBACK").catch(() => {});
    sql.release();
    await client.end({ timeout: 1 });
    await db.drop();
  }
}

/** Begins a step that creates the table of `yaml` and opens its loader. */
async function createAndOpen(sql: Sql, yaml: string, name: string, created = true) {
  const schema = parseTableSchema(yaml, `schema/${name}.yaml`, name);
  await sql.unsafe("BEGIN");
  const changes = { create: true, addColumns: [], orphanColumns: [], problems: [] };
  await applyPgTable(sql, "public", schema, changes);
  return await PgTableLoader.open(sql, "public", schema, {
    source: "a",
    runId: 1,
    loadedAt: "2026-11-30T10:00:00Z",
  }, { created });
}

Deno.test({
  name:
    "a key with a lone surrogate is the key the server stores: the row first in the file keeps its place",
  ignore: await pgMissing(),
  fn: () =>
    withSession(async (sql) => {
      for (const [keep, wins] of [["first", "a"], ["last", "b"]]) {
        const yaml =
          `columns:\n  k: { type: text }\n  v: { type: text }\nkey: [k]\nkeep: ${keep}\n`;
        const loader = await createAndOpen(sql, yaml, `t_${keep}`);
        // an API's JSON may carry "\ud800": stored as U+FFFD, it is the later row's key too
        await loader.insert(["x\ud800", "a", "x\ufffd", "b"]);
        assert.deepEqual(await loader.counts(2), { inserted: 1, updated: 0, duplicate: 1 });
        await sql.unsafe("COMMIT");
        const rows = await sql.unsafe(`SELECT k, v FROM t_${keep}`);
        assert.deepEqual([...rows], [{ k: "x\ufffd", v: wins }], `keep ${keep}`);
      }
    }),
});

Deno.test({
  name:
    "a value the server refuses in the middle of a COPY fails the step with its reason (it hung)",
  ignore: await pgMissing(),
  fn: () =>
    withSession(async (sql) => {
      for (const created of [true, false]) {
        const yaml = "columns:\n  k: { type: text }\n  d: { type: date }\nkey: [k]\n";
        const loader = await createAndOpen(sql, yaml, "t", created);
        // a date the checks let through (they refuse year 0 now) but the server does not
        await loader.insert(["k1", "2026-01-01", "k2", "0000-06-01"]);
        const error = await within(loader.counts(2), 30_000, "the COPY never ended").then(
          () => undefined,
          (error) => error,
        );
        assert.match(String(error), /out of range|0000-06-01/, `created: ${created}`);
        await sql.unsafe("ROLLBACK");
      }
    }),
});
