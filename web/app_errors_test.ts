import assert from "node:assert/strict";
import { join } from "node:path";
import { initProject } from "../core/init/init_project.ts";
import { createApp } from "./app.ts";

Deno.test("a database server that cannot be reached: each page says so with the menu, no trace, no password", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plutus-gui-down-" });
  const errors: unknown[] = [];
  const log = console.error;
  console.error = (...args: unknown[]) => errors.push(args);
  try {
    await initProject(dir, {
      database: "postgres://plutus:S3cret-pw@127.0.0.1:1/marketing?connect_timeout=2",
    });
    const { app } = createApp(dir, { token: "t", csrf: "c", port: 4321 });
    await Deno.writeTextFile(join(dir, "inbox", "leads_1.csv"), "email\na@example.com\n");
    const get = async (path: string) => {
      const response = await app.request(`http://127.0.0.1:4321${path}`, {
        headers: { host: "127.0.0.1:4321", cookie: "plutus_token_4321=t" },
      });
      return { status: response.status, text: await response.text() };
    };
    const run = await get("/");
    assert.equal(run.status, 503, run.text);
    assert.match(run.text, /<nav>.*Database/s);
    assert.match(run.text, /role="alert">nothing accepts connections at 127\.0\.0\.1:1/);
    assert.match(run.text, /Start the server, or correct the host and port/);
    for (
      const path of [
        "/",
        "/runs/1",
        "/upload",
        "/sources",
        "/schema",
        "/query",
        "/files",
        "/database",
      ]
    ) {
      const { text } = await get(path);
      assert.doesNotMatch(text, /unexpected error|S3cret/, path);
    }
    assert.deepEqual(errors, [], "nothing printed in the terminal");
  } finally {
    console.error = log;
    await Deno.remove(join(dir), { recursive: true });
  }
});
