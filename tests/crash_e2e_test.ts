/**
 * SIGKILL at five moments of a large upload and of a many-page API step: the database
 * stays sound, tables hold all of a step's rows or none, the input file is never lost or
 * doubled, the dead run is marked interrupted, and a rerun ends with exactly the expected
 * rows. `deno task torture` does the same at 100 random moments.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  apiScenario,
  calibrate,
  type CrashScenario,
  killAndCheck,
  killPoints,
  uploadScenario,
} from "./crash_harness.ts";
import { withTempDir } from "./helpers.ts";

async function survivesKills(scenario: CrashScenario, dir: string): Promise<void> {
  try {
    const ms = await calibrate(scenario, join(dir, "calibration"));
    const outcomes = [];
    for (const [i, delay] of killPoints(ms, 5).entries()) {
      outcomes.push(await killAndCheck(scenario, join(dir, `kill-${i}`), delay));
    }
    // the kill points must really interrupt runs, some before and some after the commit
    assert.ok(outcomes.filter((o) => o.killed).length >= 3, JSON.stringify(outcomes));
    assert.ok(outcomes.some((o) => o.killed && o.rowsAfterKill === 0), JSON.stringify(outcomes));
  } finally {
    await scenario.close();
  }
}

Deno.test({
  name: "SIGKILL during a large upload loses and doubles nothing; a rerun completes it",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: () => withTempDir(async (dir) => survivesKills(await uploadScenario(dir, 100_000), dir)),
});

Deno.test({
  name: "SIGKILL during an API step loads all pages or none, position included",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: () => withTempDir((dir) => survivesKills(apiScenario(20_000), dir)),
});
