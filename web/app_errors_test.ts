import assert from "node:assert/strict";
import { join } from "node:path";
import { withGuiClient } from "../tests/gui_client.ts";

Deno.test("a database server that cannot be reached: each page says so with the menu, no trace, no password", async () => {
  const errors: unknown[] = [];
  const log = console.error;
  console.error = (...args: unknown[]) => errors.push(args);
  try {
    await withGuiClient(async ({ dir, get, page }) => {
      await Deno.writeTextFile(join(dir, "inbox", "leads_1.csv"), "email\na@example.com\n");
      const run = await get("/");
      const text = await run.text();
      assert.equal(run.status, 503, text);
      assert.match(text, /<nav>.*Database/s);
      assert.match(text, /role="alert">nothing accepts connections at 127\.0\.0\.1:1/);
      assert.match(text, /Start the server, or correct the host and port/);
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
        assert.doesNotMatch(await page(path), /unexpected error|S3cret/, path);
      }
    }, {
      demo: false,
      database: "postgres://plutus:S3cret-pw@127.0.0.1:1/marketing?connect_timeout=2",
    });
    assert.deepEqual(errors, [], "nothing printed in the terminal");
  } finally {
    console.error = log;
  }
});
