import assert from "node:assert/strict";
import { join } from "node:path";
import { SqliteStore } from "../../core/store/sqlite/sqlite_store.ts";
import { withGuiClient } from "../../tests/gui_client.ts";

Deno.test("Stop ends an Export CSV as it ends a query: no file left, the page says it stopped", () =>
  withGuiClient(async ({ dir, post }) => {
    SqliteStore.open(join(dir, "data", "plutus.db")).close();
    const endless =
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";
    const started = performance.now();
    const exporting = post("/query/export", { sql: endless, query_id: "q-1" });
    // Stop as soon as the export runs: asked until it is there (a loaded machine takes a
    // while to start it), never a guess of how long that takes
    let stop: { stopped: boolean };
    do {
      await new Promise((resolve) => setTimeout(resolve, 50));
      stop = await (await post("/query/stop", { query_id: "q-1" })).json();
    } while (!stop.stopped && performance.now() - started < 15_000);
    assert.deepEqual(stop, { stopped: true });
    const stopped = await exporting;
    assert.equal(stopped.status, 400);
    assert.match(await stopped.text(), /the query was cancelled/);
    // well before the 30 s time limit
    assert.ok(performance.now() - started < 20_000);
    assert.deepEqual([...Deno.readDirSync(join(dir, "exports"))], []);
  }));
