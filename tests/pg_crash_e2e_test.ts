/**
 * SIGKILL during a PostgreSQL load: the server rolls back the dead session's transaction,
 * so the table holds all of the file's rows or none, the file is in inbox/ (or, once its
 * rows are committed, in archive/) exactly once, the next run marks the dead run
 * interrupted and loads the file, and the advisory lock died with the process. Each kill
 * comes at a moment of the load seen from outside — a file, a row, the session's statement
 * on the server —, not after a time: the test holds on a loaded machine.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ORDERS_CONFIG, ORDERS_SCHEMA, writeOrdersCsv } from "../bench/marketing_csv.ts";
import { connectPg } from "../core/store/postgres/pg_connect.ts";
import { killWhen } from "./crash_harness.ts";
import { backendMissing, expectCode, filesIn, runCli, withTempDir } from "./helpers.ts";
import { freshDatabase } from "./pg_server.ts";

// 4.4 MB: past the 4 MB from which a worker prepares the rows (WORKER_MIN_BYTES in
// core/pipeline/prepare_in_worker.ts); COPYs of ~2 MB into the staging table (COPY_BYTES in
// pg_table_loader.ts) before the merge: a kill between two of them finds rows sent and none
// committed. 40,000 rows proved nothing more, with a quarter more rows to load each time.
const ROWS = 32_000;
const WORKER_MIN_BYTES = 4 << 20;

/**
 * Copies of the input in inbox/ and archive/ (any day's folder); not the unfinished `.part`
 * shadow a kill during the copy leaves (never an input: cleared after an hour).
 */
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
  return found.filter((path) => path.includes("orders_big") && !path.endsWith(".part"));
}

/** Whether the project-relative `paths` are names of one file (one device and inode). */
function sameFile(dir: string, paths: string[]): boolean {
  const ids = paths.map((path) => {
    const info = Deno.statSync(join(dir, path));
    return `${info.dev}:${info.ino}`;
  });
  return ids.every((id) => id === ids[0]);
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
      const size = (await Deno.stat(file)).size;
      assert.ok(size >= WORKER_MIN_BYTES, `${size} bytes: a worker would not prepare its rows`);
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

      type Project = Awaited<ReturnType<typeof project>>;
      // the moments of an upload, in order, as seen from outside the process
      const moments: { name: string; committed: boolean; reached(p: Project): unknown }[] = [
        {
          // its copy (a .part) lasts a few milliseconds, which a poll on a loaded machine
          // can miss (the run then ended unkilled, in CI): the file there counts too, until
          // its rows are committed a second or more later
          name: "the file arriving in inbox/ (its copy, or the moment after)",
          committed: false,
          reached: async (p) =>
            (await filesIn(join(p.dir, "inbox"))).some((name) =>
              name.endsWith(".part") || name === "orders_big.csv"
            ),
        },
        {
          name: "the run recorded as running",
          committed: false,
          reached: async (p) =>
            Number(
              (await p.one("SELECT count(*) AS n FROM _plutus_runs WHERE status = 'running'"))
                ?.n,
            ) > 0,
        },
        {
          name: "rows sent to the server by COPY, none committed",
          committed: false,
          reached: async (p) =>
            Number(
              (await p.one(
                `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database()
                   AND application_name = 'plutus run' AND query LIKE 'COPY %'`,
              ))?.n,
            ) > 0,
        },
        { name: "the rows committed", committed: true, reached: async (p) => await p.rows() > 0 },
        {
          name: "the file moved out of inbox/ into archive/",
          committed: true,
          reached: async (p) => {
            const where = await copies(p.dir);
            return where.length === 1 && where[0]!.startsWith("archive/");
          },
        },
      ];

      const outcomes: { moment: string; killed: boolean; rows: number }[] = [];
      for (const [i, moment] of moments.entries()) {
        const p = await project(`kill-${i}`);
        try {
          const args = ["upload", file, "--project", p.dir];
          const killed = await killWhen(args, p.dir, async () => Boolean(await moment.reached(p)));
          const context = `killed at ${moment.name}`;
          const rows = await p.rows();
          // before its commit the run has work left: the kill must find it and leave no rows
          if (!moment.committed) {
            assert.ok(killed, `${context}: the run had ended before the kill`);
            assert.equal(rows, 0, `${context}: rows before the commit`);
          } else assert.equal(rows, expected, context);
          const where = await copies(p.dir);
          // killed before upload put it in inbox/, it is only where the analyst had it;
          // killed inside the move to archive/ (claimName() links, then unlinks), it is one
          // file under both names, a move the next run finishes (finishInterruptedMoves)
          const halfMoved = where.length === 2 && sameFile(p.dir, where);
          assert.ok(where.length <= 1 || halfMoved, `${context}: the file once at most: ${where}`);
          const archived = where.some((path) => path.startsWith("archive/"));
          if (where.length === 0) assert.equal(rows, 0, context);
          if (archived) assert.equal(rows, expected, context);
          const running = await p.one(
            "SELECT max(id) AS id FROM _plutus_runs WHERE status = 'running'",
          ).catch(() => undefined);
          // the next run takes the lock the dead process held, says what happened, loads
          const next = where.length === 0
            ? await runCli(["upload", file, "--project", p.dir])
            : await runCli(["run", "--project", p.dir]);
          expectCode(next, 0);
          if (running?.id) {
            assert.match(
              next.stdout,
              new RegExp(`run ${running.id} was interrupted before it finished`),
              context,
            );
          }
          if (!archived) {
            // killed after the commit but before the move: the next run finds the content
            // loaded, loads nothing twice and archives the file
            const status = rows > 0 ? "skipped" : "succeeded";
            assert.match(next.stdout, new RegExp(`shop\\s+orders_big\\.csv\\s+${status}`), context);
          }
          assert.equal(await p.rows(), expected, `${context}: after the next run`);
          assert.deepEqual(
            await p.one("SELECT count(*) AS n FROM _plutus_runs WHERE status = 'running'"),
            { n: 0 },
          );
          const after = await copies(p.dir);
          assert.ok(after.length === 1 && after[0]!.startsWith("archive/"), `${context}: ${after}`);
          outcomes.push({ moment: moment.name, killed, rows });
        } finally {
          await p.close();
        }
      }
      // the kills must really interrupt loads, three of them before the commit
      assert.ok(outcomes.filter((o) => o.killed).length >= 3, JSON.stringify(outcomes));
    }),
});
