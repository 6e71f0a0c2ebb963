import assert from "node:assert/strict";
import { locateProject } from "../project/project_paths.ts";
import { newStepResult } from "../run/events.ts";
import { openDriver } from "../store/open_driver.ts";
import type { Store } from "../store/mod.ts";
import { backendMissing, BACKENDS, withProject } from "../../tests/helpers.ts";
import { stepResolutions } from "./open_problems.ts";

/** Records a finished step of `input` in `runId`, as `outcome` says; its id. */
async function step(
  store: Store,
  runId: number,
  source: string,
  input: string,
  outcome: { status: "failed" | "skipped"; forced?: boolean; archivedTo?: string },
): Promise<number> {
  const result = newStepResult(source, input, { runId, status: outcome.status });
  result.id = await store.startStep(runId, source, input, source === "" ? null : "sha");
  result.forced = outcome.forced;
  result.archivedTo = outcome.archivedTo;
  result.error = outcome.status === "failed" ? "150 of 150 rows rejected" : "already loaded";
  await store.finishStep(result);
  return result.id;
}

for (const backend of BACKENDS) {
  Deno.test({
    name:
      `a failed forced step is put right by a load or a discard, not by a skip as loaded [${backend}]`,
    ignore: await backendMissing(backend),
    fn: () =>
      withProject(backend, { "plutus.yaml": "sources: {}\n" }, async (dir) => {
        const driver = openDriver((await locateProject(dir)).database);
        const store = await driver.openWriter();
        try {
          const failing = await store.startRun("cli", "upload a.csv b.csv --force");
          await step(store, failing, "crm", "a.csv", { status: "failed", forced: true });
          await step(store, failing, "crm", "b.csv", { status: "failed" });
          // both skipped later because their content was loaded before
          const skipping = await store.startRun("cli", "run");
          for (const input of ["a.csv", "b.csv"]) {
            await step(store, skipping, "crm", input, { status: "skipped", archivedTo: "x" });
          }
          const resolutions = async () =>
            (await driver.readHistory(async (history) => {
              const failed = await history.steps(failing);
              const byRun = await stepResolutions(history, failed);
              return Object.fromEntries(failed.map((s) => [s.input, byRun.get(s.id) ?? null]));
            }))!;
          // b.csv was not forced: its content is loaded, that is what it was asked; a.csv was
          // asked to load again (a rule changed), which the skip did not do
          assert.deepEqual(await resolutions(), { "a.csv": null, "b.csv": skipping });
          const discarding = await store.startRun("cli", "discard a.csv");
          await step(store, discarding, "", "a.csv", { status: "skipped", archivedTo: "y" });
          assert.deepEqual(await resolutions(), { "a.csv": discarding, "b.csv": skipping });
        } finally {
          await store.close();
        }
      }),
  });
}
