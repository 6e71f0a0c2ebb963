import assert from "node:assert/strict";
import { join } from "node:path";
import { StoreError } from "../../util/errors.ts";
import { openProject } from "../project/project.ts";
import { runPipeline } from "../pipeline/run_pipeline.ts";

Deno.test("a run into a postgres:// database that cannot be reached fails clearly, without its password, and creates no file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(join(dir, "schema"));
    await Deno.writeTextFile(
      join(dir, "plutus.yaml"),
      "database: postgres://plutus:${PG_PASSWORD}@127.0.0.1:1/marketing\nsources: {}\n",
    );
    await Deno.writeTextFile(join(dir, ".env"), "PG_PASSWORD=hunter2\n");
    const project = await openProject(dir);
    await assert.rejects(
      () => runPipeline(project, { trigger: "cli", command: "run" }),
      (error: unknown) =>
        error instanceof StoreError &&
        error.message ===
          "nothing accepts connections at 127.0.0.1:1: is PostgreSQL running there?" &&
        !error.message.includes("hunter2"),
    );
    // not a SQLite file named after the URL somewhere in the project
    const entries = [...Deno.readDirSync(dir)].map((entry) => entry.name).sort();
    assert.deepEqual(entries, [".env", "plutus.yaml", "schema"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
