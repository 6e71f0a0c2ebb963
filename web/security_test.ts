import assert from "node:assert/strict";
import { initProject } from "../core/init/init_project.ts";
import { createApp } from "./app.ts";
import { FORM_LIMIT_BYTES } from "./security.ts";

const HOST = "127.0.0.1:4321";

async function withApp(
  test: (app: ReturnType<typeof createApp>["app"], dir: string) => Promise<void>,
) {
  const dir = await Deno.makeTempDir({ prefix: "plutus-security-" });
  try {
    await initProject(dir, { demo: true });
    await test(createApp(dir, { token: "t", csrf: "c", port: 4321 }).app, dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("the token link sends the browser only to a page of the GUI, never to another site", () =>
  withApp(async (app) => {
    for (const path of ["//evil.example/x", "///evil.example/x", "/runs/1"]) {
      const response = await app.request(`http://${HOST}${path}?token=t&a=1`, {
        headers: { host: HOST },
      });
      assert.equal(response.status, 303, path);
      const location = response.headers.get("location")!;
      assert.match(location, /^\/(?!\/)/, `${path} -> ${location}`);
      assert.ok(location.endsWith("?a=1"), location);
    }
  }));

Deno.test("a form larger than the limit is refused before it is read; the schema stays", () =>
  withApp(async (app, dir) => {
    const before = await Deno.readTextFile(`${dir}/schema/leads.yaml`);
    const response = await app.request(`http://${HOST}/schema/leads`, {
      method: "POST",
      headers: {
        host: HOST,
        cookie: "plutus_token_4321=t",
        origin: `http://${HOST}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ _csrf: "c", text: "x".repeat(FORM_LIMIT_BYTES + 1) }),
    });
    assert.equal(response.status, 413);
    assert.match(await response.text(), /a form of more than 4 MB/);
    assert.equal(await Deno.readTextFile(`${dir}/schema/leads.yaml`), before);
  }));
