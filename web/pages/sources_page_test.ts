import assert from "node:assert/strict";
import { join } from "node:path";
import { initProject } from "../../core/init/init_project.ts";
import { createApp } from "../app.ts";

const HOST = "127.0.0.1:4321";

Deno.test("an API source is added in the GUI alone: plutus.yaml saves with its key still to type, then the card takes the key", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plutus-addapi-" });
  try {
    await initProject(dir, { demo: true });
    const { app } = createApp(dir, { token: "t", csrf: "c", port: 4321 });
    const headers = { host: HOST, cookie: "plutus_token_4321=t" };
    const get = async (path: string) =>
      await (await app.request(`http://${HOST}${path}`, { headers })).text();
    const post = (path: string, fields: Record<string, string>) =>
      app.request(`http://${HOST}${path}`, {
        method: "POST",
        headers: {
          ...headers,
          origin: `http://${HOST}`,
          "content-type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams({ _csrf: "c", ...fields }),
      });
    const page = await get("/sources");
    const version = /name="version" value="([0-9a-f]*)"/.exec(page)![1]!;
    const yaml = `${await Deno.readTextFile(join(dir, "plutus.yaml"))}  crm:
    kind: api
    url: https://api.example.com/v1/contacts
    auth: { type: bearer, token: "\${CRM_TOKEN}" }
    table: leads
`;
    const saved = await post("/sources-yaml", { yaml, version });
    assert.equal(saved.status, 303, await saved.text());
    assert.equal(await Deno.readTextFile(join(dir, "plutus.yaml")), yaml);
    assert.match(await get("/sources"), /CRM_TOKEN has no value in \.env: type the key below/);
    const keyed = await post("/sources/crm", {
      url: "https://api.example.com/v1/contacts",
      params: "",
      key: "pat-typed-3333",
    });
    assert.equal(keyed.status, 303);
    assert.doesNotMatch(await get("/sources"), /has no value/);
    // still checked as a whole: a source that is wrong, not just waiting for a key, is refused
    const wrong = await post("/sources-yaml", {
      yaml: yaml.replace("table: leads\n", "table: no_such_table\n"),
      version: /name="version" value="([0-9a-f]*)"/.exec(await get("/sources"))![1]!,
    });
    assert.equal(wrong.status, 400);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a new table with a name too long for a file or a table is refused with the limit, nothing written", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plutus-longname-" });
  try {
    await initProject(dir, { demo: true });
    const { app } = createApp(dir, { token: "t", csrf: "c", port: 4321 });
    const response = await app.request(`http://${HOST}/schema`, {
      method: "POST",
      headers: {
        host: HOST,
        cookie: "plutus_token_4321=t",
        origin: `http://${HOST}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({
        _csrf: "c",
        name: "t".repeat(300),
        text: "columns:\n  id: { type: text }\n",
        version: "",
      }),
    });
    assert.equal(response.status, 400);
    const text = await response.text();
    assert.match(text, /a table name has at most 58 characters \(this one has 300\)/);
    assert.doesNotMatch(text, /os error/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a schema save that takes out a column a source still maps is refused, naming the source's line", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plutus-dropcol-" });
  try {
    await initProject(dir, { demo: true });
    const { app } = createApp(dir, { token: "t", csrf: "c", port: 4321 });
    const path = `${dir}/schema/leads.yaml`;
    const before = await Deno.readTextFile(path);
    const response = await app.request(`http://${HOST}/schema`, {
      method: "POST",
      headers: {
        host: HOST,
        cookie: "plutus_token_4321=t",
        origin: `http://${HOST}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({
        _csrf: "c",
        name: "leads",
        text: before.replace(/^ {2}country:.*\n/m, ""),
      }),
    });
    assert.equal(response.status, 400);
    assert.match(
      await response.text(),
      /plutus\.yaml:\d+ sources\.hubspot_leads\.columns\.country: (&quot;|")country(&quot;|") is not a column of table leads/,
    );
    assert.equal(await Deno.readTextFile(path), before);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a refused plutus.yaml puts the cursor on the line its error names; the browser's icon request is not an error", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plutus-yamlline-" });
  try {
    await initProject(dir, { demo: true });
    const { app } = createApp(dir, { token: "t", csrf: "c", port: 4321 });
    const headers = { host: HOST, cookie: "plutus_token_4321=t" };
    const yaml = (await Deno.readTextFile(join(dir, "plutus.yaml"))).replace(
      "    table: leads\n",
      "    table: leadz\n",
    );
    const response = await app.request(`http://${HOST}/sources-yaml`, {
      method: "POST",
      headers: {
        ...headers,
        origin: `http://${HOST}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ _csrf: "c", yaml }),
    });
    assert.equal(response.status, 400);
    const line = yaml.split("\n").findIndex((l) => l.includes("table: leadz")) + 1;
    assert.match(await response.text(), new RegExp(`data-error-line="${line}"`));
    const icon = await app.request(`http://${HOST}/favicon.ico`, { headers });
    assert.equal(icon.status, 204);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
