/**
 * `deno task torture [N] [--backend sqlite|postgres]`: the crash test at N random moments
 * (default 100) for each of a large upload and a many-page API step. Each kill is checked
 * as in tests/crash_e2e_test.ts (on PostgreSQL: tests/pg_crash_harness.ts, a fresh database
 * for each kill on PLUTUS_TEST_PG_URL or a throwaway server); the first failure stops it
 * with what went wrong.
 *
 * @module
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  apiScenario,
  calibrate,
  type CrashScenario,
  killAndCheck,
  killPoints,
  uploadScenario,
} from "../tests/crash_harness.ts";
import { calibratePg, killAndCheckPg } from "../tests/pg_crash_harness.ts";

const { values, positionals } = parseArgs({
  args: Deno.args,
  options: { backend: { type: "string", default: "sqlite" } },
  allowPositionals: true,
});
const kills = Number(positionals[0] ?? 100);
const onPg = values.backend === "postgres";
if (!Number.isInteger(kills) || kills < 1 || !["sqlite", "postgres"].includes(values.backend!)) {
  console.error(
    "usage: deno task torture [N] [--backend sqlite|postgres]   (N kill points per scenario, default 100)",
  );
  Deno.exit(2);
}
const dir = await Deno.makeTempDir({ prefix: "plutus-torture-" });
try {
  for (const scenario of [await uploadScenario(dir, 100_000), apiScenario(20_000)]) {
    await torture(scenario);
  }
  console.log("\nNo kill lost, doubled or corrupted anything.");
} finally {
  await Deno.remove(dir, { recursive: true });
}

async function torture(scenario: CrashScenario): Promise<void> {
  try {
    const ms = await (onPg ? calibratePg : calibrate)(scenario, join(dir, "calibration"));
    console.log(
      `\n${scenario.name}${onPg ? " on PostgreSQL" : ""}: a run takes ${
        Math.round(ms)
      } ms; ${kills} kills`,
    );
    const tally = { beforeCommit: 0, afterCommit: 0, finished: 0 };
    for (const [i, delay] of killPoints(ms, kills, true).entries()) {
      const project = join(dir, `kill-${i}`);
      const outcome = await (onPg ? killAndCheckPg : killAndCheck)(scenario, project, delay);
      if (!outcome.killed) tally.finished++;
      else if (outcome.rowsAfterKill === 0) tally.beforeCommit++;
      else tally.afterCommit++;
      await Deno.remove(project, { recursive: true });
      if ((i + 1) % 10 === 0 || i + 1 === kills) {
        console.log(
          `  ${
            i + 1
          } kills: ${tally.beforeCommit} before the commit, ${tally.afterCommit} after it, ${tally.finished} too late (run had ended); all checks passed`,
        );
      }
    }
  } finally {
    await scenario.close();
  }
}
