/**
 * Runs at the same time: two started at the same moment (one loads, the other is refused
 * naming it), and readers during a run (queries and status answer, and never see half a
 * file). The GUI against the CLI: gui_lock_e2e_test.ts.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ORDERS_CONFIG, ORDERS_SCHEMA, writeOrdersCsv } from "../bench/marketing_csv.ts";
import { RUN_FLAGS } from "../runtime_flags.ts";
import { startFakeApi } from "./fake_api.ts";
import {
  expectCode,
  MAIN,
  plutus,
  query,
  runCli,
  TEST_ENV,
  withTempDir,
  writeFiles,
} from "./helpers.ts";

/** An API source (after ORDERS_CONFIG's) whose answer the fake API holds (`hold()`). */
const HELD_SOURCE = (url: string) =>
  `  crm:
    kind: api
    url: "${url}/held"
    records: results
    table: contacts
`;

/** An orders project with one export of `rows` rows waiting in inbox/. */
async function ordersProject(dir: string, rows: number): Promise<number> {
  await writeFiles(dir, { "plutus.yaml": ORDERS_CONFIG, "schema/orders.yaml": ORDERS_SCHEMA });
  await Deno.mkdir(join(dir, "inbox"));
  const counts = await writeOrdersCsv(join(dir, "inbox", "orders_2026-11.csv"), rows);
  return counts.rows - counts.duplicates - counts.bad;
}

Deno.test("two runs started at the same moment: one loads, the other is refused naming it", async () => {
  const api = startFakeApi(5);
  try {
    await withTempDir(async (dir) => {
      for (let round = 0; round < 3; round++) {
        const project = join(dir, `round-${round}`);
        // few rows: the lock is what is tested, and the held API keeps the first run going
        const expected = await ordersProject(project, 200);
        await writeFiles(project, {
          "plutus.yaml": `${ORDERS_CONFIG}${HELD_SOURCE(api.url)}`,
          "schema/contacts.yaml": "columns:\n  id: { type: text, required: true }\nkey: [id]\n",
        });
        // The run that gets the lock waits at the API until the other has ended: however
        // late the other starts on a busy machine, it meets a run in progress.
        const held = api.hold();
        const runs = [plutus(["run", "--project", project]), plutus(["run", "--project", project])];
        const first = await Promise.race(runs);
        held.release();
        const [a, b] = await Promise.all(runs);
        assert.equal(first.code, 1, `${first.stdout}\n${first.stderr}`);
        const codes = [a!.code, b!.code].sort();
        assert.deepEqual(codes, [0, 1], `${a!.stderr}\n${b!.stderr}`);
        assert.match(
          first.stderr,
          // named from the database, or from the lock file when its run is not recorded yet
          /error: another run is in progress: (run 1, )?started .* from the command line \(plutus run\)/,
        );
        assert.equal(
          (query(project, "SELECT count(*) AS n FROM orders")[0] as { n: number }).n,
          expected,
        );
        assert.equal(
          (query(project, "SELECT count(*) AS n FROM contacts")[0] as { n: number }).n,
          5,
        );
        assert.deepEqual(query(project, "SELECT id, status FROM _plutus_runs"), [
          { id: 1, status: "succeeded" },
        ]);
        assert.deepEqual(query(project, "PRAGMA integrity_check"), [{ integrity_check: "ok" }]);
      }
    });
  } finally {
    await api.close();
  }
});

Deno.test("during a run, query and status answer and never see half a file", () =>
  withTempDir(async (dir) => {
    const expected = await ordersProject(dir, 80_000);
    // a first small load, so that the table exists before the big one starts
    const first = join(dir, "orders_first.csv");
    await writeOrdersCsv(first, 10);
    expectCode(await runCli(["upload", first, "--project", dir]), 0);
    const before = (query(dir, "SELECT count(*) AS n FROM orders")[0] as { n: number }).n;

    const run = new Deno.Command(Deno.execPath(), {
      args: ["run", ...RUN_FLAGS, MAIN, "run", "--project", dir],
      cwd: dir,
      env: TEST_ENV,
      stdout: "null",
      stderr: "piped",
    }).spawn();
    let done = false;
    const finished = run.output().then((output) => {
      done = true;
      return output;
    });
    const seen = new Set<number>();
    let readsDuringRun = 0;
    while (!done) {
      // readers in this process: other connections than the run's, as another process has
      const counted = await runCli([
        "query",
        "SELECT count(*) AS n FROM orders",
        "--json",
        "--project",
        dir,
      ]);
      const status = await runCli(["status", "--project", dir]);
      expectCode(counted, 0);
      expectCode(status, 0);
      seen.add(JSON.parse(counted.stdout)[0].n);
      if (!done && /running/.test(status.stdout)) readsDuringRun++;
      // a look every few ms, not a loop that takes a core from the run it watches
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const output = await finished;
    assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
    assert.ok(readsDuringRun >= 1, "no read happened while the run was loading");
    // a reader sees the rows before the file, or after it, nothing in between
    const after = (query(dir, "SELECT count(*) AS n FROM orders")[0] as { n: number }).n;
    assert.equal(after, expected, "the first small file's orders are among the big file's");
    for (const n of seen) assert.ok(n === before || n === after, `a reader saw ${n} rows`);
  }));
