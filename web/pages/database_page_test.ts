import assert from "node:assert/strict";
import { join } from "node:path";
import { withGuiClient } from "../../tests/gui_client.ts";

Deno.test("the Database form: a host written with its port or as a URL is said in the form's words, nothing saved", () =>
  withGuiClient(async ({ dir, post }) => {
    const before = await Deno.readTextFile(join(dir, "plutus.yaml"));
    for (const host of ["127.0.0.1:55432", "postgres://db.example.com/m", "db.example.com/m"]) {
      const response = await post("/database", {
        host,
        port: "5432",
        database: "marketing",
        user: "plutus",
        sslmode: "require",
        schema: "public",
      });
      assert.equal(response.status, 400, host);
      const text = await response.text();
      assert.match(text, /Host must be the server(&#39;|')s name or address alone/, host);
      assert.doesNotMatch(text, /not a valid URL/, host);
    }
    assert.equal(await Deno.readTextFile(join(dir, "plutus.yaml")), before);
  }, { demo: false }));
