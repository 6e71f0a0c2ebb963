import assert from "node:assert/strict";
import { join } from "node:path";
import { withGuiClient } from "../../tests/gui_client.ts";

const versionOf = (page: string) => /name="version" value="([0-9a-f]*)"/.exec(page)![1]!;

Deno.test("an API source is added in the GUI alone: plutus.yaml saves with its key still to type, then the card takes the key", () =>
  withGuiClient(async ({ dir, page, post }) => {
    const version = versionOf(await page("/sources"));
    const yaml = `${await Deno.readTextFile(join(dir, "plutus.yaml"))}  crm:
    kind: api
    url: https://api.example.com/v1/contacts
    auth: { type: bearer, token: "\${CRM_TOKEN}" }
    table: leads
`;
    const saved = await post("/sources-yaml", { yaml, version });
    assert.equal(saved.status, 303, await saved.text());
    assert.equal(await Deno.readTextFile(join(dir, "plutus.yaml")), yaml);
    assert.match(await page("/sources"), /CRM_TOKEN has no value in \.env: type the key below/);
    const keyed = await post("/sources/crm", {
      url: "https://api.example.com/v1/contacts",
      params: "",
      key: "pat-typed-3333",
    });
    assert.equal(keyed.status, 303);
    assert.doesNotMatch(await page("/sources"), /has no value/);
    // still checked as a whole: a source that is wrong, not just waiting for a key, is refused
    const wrong = await post("/sources-yaml", {
      yaml: yaml.replace("table: leads\n", "table: no_such_table\n"),
      version: versionOf(await page("/sources")),
    });
    assert.equal(wrong.status, 400);
  }));

Deno.test("a new table with a name too long for a file or a table is refused with the limit, nothing written", () =>
  withGuiClient(async ({ post }) => {
    const response = await post("/schema", {
      name: "t".repeat(300),
      text: "columns:\n  id: { type: text }\n",
      version: "",
    });
    assert.equal(response.status, 400);
    const text = await response.text();
    assert.match(text, /a table name has at most 58 characters \(this one has 300\)/);
    assert.doesNotMatch(text, /os error/);
  }));

Deno.test("a schema save that takes out a column a source still maps is refused, naming the source's line", () =>
  withGuiClient(async ({ dir, post }) => {
    const path = join(dir, "schema", "leads.yaml");
    const before = await Deno.readTextFile(path);
    const response = await post("/schema", {
      name: "leads",
      text: before.replace(/^ {2}country:.*\n/m, ""),
    });
    assert.equal(response.status, 400);
    const text = await response.text();
    assert.match(
      text,
      /plutus\.yaml:\d+ sources\.hubspot_leads\.columns\.country: (&quot;|")country(&quot;|") is not a column of table leads/,
    );
    // the line named is one of plutus.yaml, not of the schema in the box
    assert.doesNotMatch(text, /data-error-line/);
    assert.equal(await Deno.readTextFile(path), before);
  }));

Deno.test("a refused plutus.yaml puts the cursor on the line its error names; the browser's icon request is not an error", () =>
  withGuiClient(async ({ dir, get, post }) => {
    const yaml = (await Deno.readTextFile(join(dir, "plutus.yaml"))).replace(
      "    table: leads\n",
      "    table: leadz\n",
    );
    const response = await post("/sources-yaml", { yaml });
    assert.equal(response.status, 400);
    const line = yaml.split("\n").findIndex((l) => l.includes("table: leadz")) + 1;
    assert.match(await response.text(), new RegExp(`data-error-line="${line}"`));
    assert.equal((await get("/favicon.ico")).status, 204);
  }));
