import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { Hono } from "hono";
import { initProject } from "../core/init/init_project.ts";
import { createGui, type GuiEnv } from "./gui_context.ts";
import { filesPage } from "./pages/files_page.ts";

Deno.test("a page is a sub-app: mounted alone with a Gui on its context, it serves its routes", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plutus-subapp-" });
  try {
    await initProject(dir, { demo: true });
    await Deno.writeTextFile(join(dir, "exports", "spend.csv"), "a\r\n1\r\n");
    const gui = createGui(dir, { token: "t", csrf: "c", port: 4321 });
    const app = new Hono<GuiEnv>();
    app.use("*", async (c, next) => {
      c.set("gui", gui);
      await next();
    });
    app.route("/", filesPage());
    const listed = await app.request("/files");
    assert.equal(listed.status, 200);
    assert.match(await listed.text(), /href="\/download\/exports\/spend\.csv">spend\.csv</);
    const download = await app.request("/download/exports/spend.csv");
    assert.equal(await download.text(), "a\r\n1\r\n");
    assert.equal((await app.request("/download/exports/other.csv")).status, 404);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("no module of web/ but the server imports web/app.ts: pages take what they share from gui_context.ts", async () => {
  const root = new URL(".", import.meta.url).pathname;
  const importers: string[] = [];
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory) await walk(path);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith("_test.ts")) {
        if (/from "(\.\.?\/)+(web\/)?app\.ts"/.test(await Deno.readTextFile(path))) {
          importers.push(relative(root, path));
        }
      }
    }
  };
  await walk(root);
  assert.deepEqual(importers, ["server.ts"]);
});
