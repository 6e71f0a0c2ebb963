/**
 * SIGKILL at five moments of a large upload and of a many-page API step: the database
 * stays sound, tables hold all of a step's rows or none, the input file is never lost or
 * doubled, the dead run is marked interrupted, and a rerun ends with exactly the expected
 * rows. Each kill waits for its moment in what the process writes, not for a time: the test
 * holds on a loaded machine. `deno task torture` kills at 100 random moments.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { apiScenario, type CrashScenario, killAndCheck, uploadScenario } from "./crash_harness.ts";
import { withTempDir } from "./helpers.ts";

// 32,000 rows (4.4 MB): past the 4 MB from which a worker prepares the rows
// (WORKER_MIN_BYTES in core/pipeline/prepare_in_worker.ts), as for an analyst's large file;
// ~6 MB in the database's log at the commit, so the kill at 1 MB lands with most rows still
// to insert. 40,000 rows proved nothing more, with a quarter more rows to load each time.
const UPLOAD_ROWS = 32_000;
const WORKER_MIN_BYTES = 4 << 20;

async function survivesKills(scenario: CrashScenario, dir: string): Promise<void> {
  try {
    const outcomes = [];
    for (const [i, moment] of scenario.moments.entries()) {
      const outcome = await killAndCheck(scenario, join(dir, `kill-${i}`), moment);
      outcomes.push(outcome);
      // before its commit the run has work left: the kill must find it and leave no rows
      if (!moment.committed) {
        assert.ok(outcome.killed, `${moment.name}: the run had ended before the kill`);
        assert.equal(outcome.rowsAfterKill, 0, `${moment.name}: rows before the commit`);
      } else {
        assert.equal(outcome.rowsAfterKill, scenario.expectedRows, moment.name);
      }
    }
    assert.ok(outcomes.filter((o) => o.killed).length >= 3, JSON.stringify(outcomes));
  } finally {
    await scenario.close();
  }
}

Deno.test({
  name: "SIGKILL during a large upload loses and doubles nothing; a rerun completes it",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: () =>
    withTempDir(async (dir) => {
      const scenario = await uploadScenario(dir, UPLOAD_ROWS);
      const size = (await Deno.stat(join(dir, "orders_big.csv"))).size;
      assert.ok(size >= WORKER_MIN_BYTES, `${size} bytes: a worker would not prepare its rows`);
      await survivesKills(scenario, dir);
    }),
});

Deno.test({
  name: "SIGKILL during an API step loads all pages or none, position included",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: () => withTempDir((dir) => survivesKills(apiScenario(10_000), dir)),
});
