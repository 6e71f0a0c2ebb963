import assert from "node:assert/strict";
import { locateProject } from "../../core/project/project_paths.ts";
import { openDriver } from "../../core/store/open_driver.ts";
import { withGuiClient } from "../../tests/gui_client.ts";

Deno.test("a run from the command line: the Run page and its page load again until it ends, no rerun offered meanwhile", () =>
  withGuiClient(async ({ dir, page: get }) => {
    const REFRESH = /<meta http-equiv="refresh" content="3">/;
    // another process's run: the lock held, the run recorded as running
    const driver = openDriver((await locateProject(dir)).database);
    const lock = (await driver.tryLock("the command line (plutus run)"))!;
    const store = await driver.openWriter();
    try {
      const runId = await store.startRun("cli", "run");
      assert.match(await get("/"), REFRESH);
      const going = await get(`/runs/${runId}`);
      assert.match(going, REFRESH);
      assert.doesNotMatch(going, /Rerun failed steps/);
      await store.finishRun(runId, "succeeded");
      assert.doesNotMatch(await get("/"), REFRESH);
      assert.doesNotMatch(await get(`/runs/${runId}`), REFRESH);
    } finally {
      await store.close();
      await lock.release();
    }
  }));
