/**
 * SIGKILL during a PostgreSQL load: the server rolls back the dead session's transaction,
 * so the table holds all of the file's rows or none, the file is in inbox/ (or, once its
 * rows are committed, in archive/) exactly once, the next run marks the dead run
 * interrupted and loads the file, and the advisory lock died with the process.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ORDERS_CONFIG, ORDERS_SCHEMA, writeOrdersCsv } from "../bench/marketing_csv.ts";
import { connectPg } from "../core/store/postgres/pg_connect.ts";
import { killAfter, killPoints } from "./crash_harness.ts";
import { backendMissing, expectCode, filesIn, plutus, withTempDir } from "./helpers.ts";
import { freshDatabase } from "./pg_server.ts";

const ROWS = 60_000;

/** Copies of the input in inbox/ and archive/ (any day's folder). */
async function copies(dir: string): Promise<string[]> {
  const found = (await filesIn(join(dir, "inbox"))).map((name) => `inbox/${name}`);
  try {
    for await (const day of Deno.readDir(join(dir, "archive"))) {
      for (const name of await filesIn(join(dir, "archive", day.name))) {
        found.push(`archive/${day.name}/${name}`);
      }
    }
  } catch {
    // no archive/ yet
  }
  return found.filter((path) => path.includes("orders_big"));
}

Deno.test({
  name: "SIGKILL during a PostgreSQL load loses and doubles nothing; the next run completes it",
  ignore: await backendMissing("postgres"),
  sanitizeResources: false,
  sanitizeOps: false,
  fn: () =>
    withTempDir(async (work) => {
      const file = join(work, "orders_big.csv");
      const counts = await writeOrdersCsv(file, ROWS);
      const expected = counts.rows - counts.duplicates - counts.bad;
      const project = async (name: string) => {
        const database = (await freshDatabase())!;
        const dir = join(work, name);
        await Deno.mkdir(join(dir, "schema"), { recursive: true });
        await Deno.writeTextFile(
          join(dir, "plutus.yaml"),
          `database: "${database.url}"\n${ORDERS_CONFIG}`,
        );
        await Deno.writeTextFile(join(dir, "schema", "orders.yaml"), ORDERS_SCHEMA);
        const sql = connectPg(database.url);
        const one = async (text: string) =>
          (await sql.unsafe(text))[0] as Record<string, unknown> | undefined;
        const rows = async () =>
          (await one("SELECT to_regclass('public.orders') IS NOT NULL AS t"))!.t
            ? Number((await one("SELECT count(*) AS n FROM orders"))!.n)
            : 0;
        const close = async () => {
          await sql.end({ timeout: 1 });
          await database.drop();
        };
        return { dir, one, rows, close };
      };

      const calibration = await project("calibration");
      const started = performance.now();
      expectCode(await plutus(["upload", file, "--project", calibration.dir]), 0);
      const ms = performance.now() - started;
      assert.equal(await calibration.rows(), expected);
      await calibration.close();

      const outcomes: { delay: number; killed: boolean; rows: number }[] = [];
      for (const [i, delay] of killPoints(ms, 4).entries()) {
        const p = await project(`kill-${i}`);
        try {
          const killed = await killAfter(["upload", file, "--project", p.dir], p.dir, delay);
          const context = `killed after ${Math.round(delay)} ms`;
          const rows = await p.rows();
          assert.ok(rows === 0 || rows === expected, `${context}: ${rows} rows of ${expected}`);
          const where = await copies(p.dir);
          // killed before upload put it in inbox/, it is only where the analyst had it
          assert.ok(where.length <= 1, `${context}: the file once at most: ${where}`);
          if (where.length === 0) assert.equal(rows, 0, context);
          if (where[0]?.startsWith("archive/")) assert.equal(rows, expected, context);
          const running = await p.one(
            "SELECT max(id) AS id FROM _plutus_runs WHERE status = 'running'",
          ).catch(() => undefined);
          // the next run takes the lock the dead process held, says what happened, loads
          const next = where.length === 0
            ? await plutus(["upload", file, "--project", p.dir])
            : await plutus(["run", "--project", p.dir]);
          expectCode(next, 0);
          if (running?.id) {
            assert.match(
              next.stdout,
              new RegExp(`run ${running.id} was interrupted \\(its process stopped\\)`),
              context,
            );
          }
          if (!where[0]?.startsWith("archive/")) {
            assert.match(next.stdout, /shop\s+orders_big\.csv\s+succeeded/, context);
          }
          assert.equal(await p.rows(), expected, `${context}: after the next run`);
          assert.deepEqual(
            await p.one("SELECT count(*) AS n FROM _plutus_runs WHERE status = 'running'"),
            { n: 0 },
          );
          assert.equal((await copies(p.dir)).filter((c) => c.startsWith("inbox/")).length, 0);
          outcomes.push({ delay, killed, rows });
        } finally {
          await p.close();
        }
      }
      // the kill points must really interrupt loads, some before the commit
      assert.ok(outcomes.filter((o) => o.killed).length >= 2, JSON.stringify(outcomes));
      assert.ok(outcomes.some((o) => o.killed && o.rows === 0), JSON.stringify(outcomes));
    }),
});
