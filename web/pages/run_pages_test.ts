import assert from "node:assert/strict";
import { initProject } from "../../core/init/init_project.ts";
import { locateProject } from "../../core/project/project_paths.ts";
import { openDriver } from "../../core/store/open_driver.ts";
import { createApp } from "../app.ts";

Deno.test("a run from the command line: the Run page and its page load again until it ends, no rerun offered meanwhile", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plutus-runpage-" });
  try {
    await initProject(dir, { demo: true });
    const { app } = createApp(dir, { token: "t", csrf: "c", port: 4321 });
    const get = async (path: string) =>
      await (await app.request(`http://127.0.0.1:4321${path}`, {
        headers: { host: "127.0.0.1:4321", cookie: "plutus_token_4321=t" },
      })).text();
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
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
