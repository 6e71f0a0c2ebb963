import assert from "node:assert/strict";
import { join } from "node:path";
import { FORM_LIMIT_BYTES } from "./security.ts";
import { withGuiClient } from "../tests/gui_client.ts";

Deno.test("the token link sends the browser only to a page of the GUI, never to another site", () =>
  withGuiClient(async ({ get }) => {
    for (const path of ["//evil.example/x", "///evil.example/x", "/runs/1"]) {
      const response = await get(`${path}?token=t&a=1`);
      assert.equal(response.status, 303, path);
      const location = response.headers.get("location")!;
      assert.match(location, /^\/(?!\/)/, `${path} -> ${location}`);
      assert.ok(location.endsWith("?a=1"), location);
    }
  }));

Deno.test("a form larger than the limit is refused before it is read; the schema stays", () =>
  withGuiClient(async ({ dir, post }) => {
    const path = join(dir, "schema", "leads.yaml");
    const before = await Deno.readTextFile(path);
    const response = await post("/schema", {
      name: "leads",
      text: "x".repeat(FORM_LIMIT_BYTES + 1),
    });
    assert.equal(response.status, 413);
    assert.match(await response.text(), /a form of more than 4 MB/);
    assert.equal(await Deno.readTextFile(path), before);
  }));
