import assert from "node:assert/strict";
import { join } from "node:path";
import { initProject } from "../../core/init/init_project.ts";
import { SqliteStore } from "../../core/store/sqlite/sqlite_store.ts";
import { createApp } from "../app.ts";

const HOST = "127.0.0.1:4321";

Deno.test("Stop ends an Export CSV as it ends a query: no file left, the page says it stopped", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plutus-exportstop-" });
  try {
    await initProject(dir, { demo: true });
    SqliteStore.open(join(dir, "data", "plutus.db")).close();
    const { app } = createApp(dir, { token: "t", csrf: "c", port: 4321 });
    const post = (path: string, fields: Record<string, string>) =>
      app.request(`http://${HOST}${path}`, {
        method: "POST",
        headers: {
          host: HOST,
          cookie: "plutus_token_4321=t",
          origin: `http://${HOST}`,
          "content-type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams({ _csrf: "c", ...fields }),
      });
    const endless =
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";
    const started = performance.now();
    const exporting = post("/query/export", { sql: endless, query_id: "q-1" });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const stop = await post("/query/stop", { query_id: "q-1" });
    assert.deepEqual(await stop.json(), { stopped: true });
    const stopped = await exporting;
    assert.equal(stopped.status, 400);
    assert.match(await stopped.text(), /the query was cancelled/);
    // well before the 30 s time limit
    assert.ok(performance.now() - started < 20_000);
    assert.deepEqual([...Deno.readDirSync(join(dir, "exports"))], []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
