import assert from "node:assert/strict";
import { join } from "node:path";
import { withGuiClient } from "../tests/gui_client.ts";

Deno.test("two tabs: a save over a file changed since its page opened is refused, the text kept, the file as the other tab left it", () =>
  withGuiClient(async ({ dir, page, post }) => {
    const versionOf = (page: string) => /name="version" value="([0-9a-f]*)"/.exec(page)![1]!;

    for (
      const [url, save, file, field] of [
        ["/sources", "/sources-yaml", "plutus.yaml", "yaml"],
        ["/schema?table=leads", "/schema", "schema/leads.yaml", "text"],
      ] as const
    ) {
      const path = join(dir, file);
      // both tabs open the page; tab B saves first (here: an editor changes the file)
      const tabA = versionOf(await page(url));
      const original = await Deno.readTextFile(path);
      const byB = `# edited in tab B\n${original}`;
      await Deno.writeTextFile(path, byB);
      const mine = `# edited in tab A\n${original}`;
      const refused = await post(save, {
        [field]: mine,
        version: tabA,
        ...(field === "text" ? { name: "leads" } : {}),
      });
      assert.equal(refused.status, 400, file);
      const text = await refused.text();
      assert.match(
        text,
        new RegExp(`${file.replace(".", "\\.")} was changed since this page was opened`),
      );
      assert.ok(text.includes("# edited in tab A"), "the text typed is kept in the form");
      assert.equal(await Deno.readTextFile(path), byB, "tab B's change stays");
      // opened again, the page saves
      const fresh = versionOf(await page(url));
      const saved = await post(save, {
        [field]: `# edited in tab A\n${byB}`,
        version: fresh,
        ...(field === "text" ? { name: "leads" } : {}),
      });
      assert.equal(saved.status, 303, await saved.text());
      assert.ok((await Deno.readTextFile(path)).startsWith("# edited in tab A\n# edited in tab B"));
    }
  }));
