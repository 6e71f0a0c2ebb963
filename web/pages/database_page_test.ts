import assert from "node:assert/strict";
import { initProject } from "../../core/init/init_project.ts";
import { createApp } from "../app.ts";

const HOST = "127.0.0.1:4321";

Deno.test("the Database form: a host written with its port or as a URL is said in the form's words, nothing saved", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plutus-dbform-" });
  try {
    await initProject(dir, {});
    const before = await Deno.readTextFile(`${dir}/plutus.yaml`);
    const { app } = createApp(dir, { token: "t", csrf: "c", port: 4321 });
    for (const host of ["127.0.0.1:55432", "postgres://db.example.com/m", "db.example.com/m"]) {
      const response = await app.request(`http://${HOST}/database`, {
        method: "POST",
        headers: {
          host: HOST,
          cookie: "plutus_token_4321=t",
          origin: `http://${HOST}`,
          "content-type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams({
          _csrf: "c",
          host,
          port: "5432",
          database: "marketing",
          user: "plutus",
          sslmode: "require",
          schema: "public",
        }),
      });
      assert.equal(response.status, 400, host);
      const text = await response.text();
      assert.match(
        text,
        /Host must be the server&#39;s name or address alone|Host must be the server's name or address alone/,
        host,
      );
      assert.doesNotMatch(text, /not a valid URL/, host);
    }
    assert.equal(await Deno.readTextFile(`${dir}/plutus.yaml`), before);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
