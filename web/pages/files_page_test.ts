import assert from "node:assert/strict";
import { join } from "node:path";
import { withGuiClient } from "../../tests/gui_client.ts";

Deno.test("a file named in any script downloads from Logs & exports under its own name", () =>
  withGuiClient(async ({ dir, get }) => {
    const name = `kontakte "ü" 数据.csv`;
    await Deno.mkdir(join(dir, "exports"), { recursive: true });
    await Deno.writeTextFile(join(dir, "exports", name), "a,b\r\n1,2\r\n");
    const response = await get(`/download/exports/${encodeURIComponent(name)}`);
    assert.equal(response.status, 200);
    assert.equal(
      response.headers.get("content-disposition"),
      `attachment; filename="kontakte ___ __.csv"; filename*=UTF-8''${encodeURIComponent(name)}`,
    );
    assert.equal(await response.text(), "a,b\r\n1,2\r\n");
  }, { demo: false }));
