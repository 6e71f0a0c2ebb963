import assert from "node:assert/strict";
import { join } from "node:path";
import { initProject } from "../../core/init/init_project.ts";
import { createApp } from "../app.ts";

Deno.test("a file named in any script downloads from Logs & exports under its own name", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plutus-files-" });
  try {
    await initProject(dir, {});
    const name = `kontakte "ü" 数据.csv`;
    await Deno.mkdir(join(dir, "exports"), { recursive: true });
    await Deno.writeTextFile(join(dir, "exports", name), "a,b\r\n1,2\r\n");
    const { app } = createApp(dir, { token: "t", csrf: "c", port: 4321 });
    const response = await app.request(
      `http://127.0.0.1:4321/download/exports/${encodeURIComponent(name)}`,
      { headers: { host: "127.0.0.1:4321", cookie: "plutus_token_4321=t" } },
    );
    assert.equal(response.status, 200);
    assert.equal(
      response.headers.get("content-disposition"),
      `attachment; filename="kontakte ___ __.csv"; filename*=UTF-8''${encodeURIComponent(name)}`,
    );
    assert.equal(await response.text(), "a,b\r\n1,2\r\n");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
