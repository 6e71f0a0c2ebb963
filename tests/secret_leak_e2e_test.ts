/**
 * The whole secret scan: keys with `~!'()`, a space with `+/=`, and unicode are planted in
 * .env; every API failure path runs (errors that echo the URL after 180 characters, 401,
 * HTML and cut-off JSON answers, redirects and next links to another origin, a file://
 * next link, an unreachable host, a key inside the url itself, basic auth) from the CLI
 * and from the GUI; then stdout and stderr of every command, every file in logs/, every
 * `_plutus_*` table and every GUI page are searched for each key in every spelling.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { createApp } from "../web/app.ts";
import type { Secrets } from "../web/security.ts";
import { startFakeApi } from "./fake_api.ts";
import { runCli, withTempDir, writeFiles } from "./helpers.ts";

const K1 = "sk-Live~9f8e7d6c5b4a(x)Z";
const K2 = "Zq9 v+/=!'()Kw8 e";
const K3 = "clé-ünï-🔑-Σecret";
const USER = "analyst";

/** Every way a key can be written into text, and every 10 characters of it. */
function spellings(key: string): string[] {
  const form = new URLSearchParams({ k: key }).toString().slice(2);
  const json = JSON.stringify(key).slice(1, -1);
  const html = key.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const bytes = new TextEncoder().encode(key);
  const base64 = btoa(String.fromCharCode(...bytes));
  const forms = [
    key,
    encodeURIComponent(key),
    encodeURI(key),
    encodeURIComponent(encodeURIComponent(key)),
    jsEscape(key),
    form,
    form.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()),
    json,
    json.replace(
      /[^\x20-\x7e]/gu,
      (c) => c.split("").map((u) => `\\u${u.charCodeAt(0).toString(16).padStart(4, "0")}`).join(""),
    ),
    html,
    html.replace(/&#39;/g, "&#x27;"),
    base64,
  ];
  if (key === K2) forms.push(btoa(`${USER}:${key}`));
  const chars = [...key];
  for (let i = 0; i + 10 <= chars.length; i++) forms.push(chars.slice(i, i + 10).join(""));
  return [...new Set(forms)];
}

const secrets: Secrets = { token: "t0ken", csrf: "csrf-123", port: 4321 };
const HOST = "127.0.0.1:4321";

Deno.test("no key, in any spelling, reaches any output, log, table or GUI page on any failure path", async () => {
  const api = startFakeApi(20);
  const closed = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => new Response(),
  );
  const unreachable = `http://127.0.0.1:${closed.addr.port}`;
  await closed.shutdown();
  try {
    await withTempDir(async (dir) => {
      const query = (key: string) => `auth: { type: query, name: api_key, value: "\${${key}}" }`;
      const sources: Record<string, string> = {
        q500: `url: "{API}/echo-500"\n    ${query("K1")}`,
        q401: `url: "{API}/echo-401"\n    ${query("K1")}`,
        qhtml: `url: "{API}/echo-html"\n    ${query("K1")}`,
        qjson: `url: "{API}/echo-json"\n    ${query("K1")}`,
        space500: `url: "{API}/echo-500"\n    ${query("K2")}`,
        unicode500: `url: "{API}/echo-500"\n    ${query("K3")}`,
        twice_space: `url: "{API}/echo-twice"\n    ${query("K2")}`,
        twice_unicode: `url: "{API}/echo-twice"\n    ${query("K3")}`,
        in_url: `url: "{API}/echo-500?apikey=\${K3}&other=\${K2}"`,
        basic:
          `url: "{API}/echo-401"\n    auth: { type: basic, username: ${USER}, password: "\${K2}" }`,
        header:
          `url: "{API}/echo-html"\n    auth: { type: header, name: X-Api-Key, value: "\${K2}" }`,
        redirect_away:
          `url: "{API}/redirect-away"\n    auth: { type: bearer, token: "\${K1}" }\n    records: results`,
        next_away: `url: "{API}/next-away"\n    ${
          query("K1")
        }\n    records: results\n    paginate: { type: next_url, next: next }`,
        link_away:
          `url: "{API}/link-away"\n    auth: { type: header, name: X-Api-Key, value: "\${K2}" }\n    paginate: { type: link_header }`,
        next_file: `url: "{API}/next-file"\n    ${
          query("K3")
        }\n    records: results\n    paginate: { type: next_url, next: next }`,
        unreachable: `url: "${unreachable}/x"\n    ${query("K1")}`,
      };
      const yaml = Object.entries(sources).map(([name, body]) =>
        `  ${name}:\n    kind: api\n    table: contacts\n    retries: 0\n    timeout: 5\n    ${
          body.replaceAll("{API}", api.url)
        }\n`
      ).join("");
      await writeFiles(dir, {
        ".env": `K1=${K1}\nK2=${JSON.stringify(K2)}\nK3=${K3}\n`,
        "schema/contacts.yaml": "columns:\n  id: { type: text }\n",
        "plutus.yaml": `sources:\n${yaml}`,
      });
      const outputs: [string, string][] = [];
      const cli = async (...args: string[]) => {
        const result = await runCli([...args, "--project", dir]);
        outputs.push([`plutus ${args.join(" ")} (stdout)`, result.stdout]);
        outputs.push([`plutus ${args.join(" ")} (stderr)`, result.stderr]);
        return result;
      };

      const run = await cli("run");
      assert.equal(run.code, 1);
      for (const name of Object.keys(sources)) {
        assert.match(run.stdout, new RegExp(`${name}\\s+\\S+\\s+failed`), name);
      }
      assert.match(run.stdout, /api_key=\*\*\*/, "the URL is shown, its key masked");
      assert.match(run.stdout, /another origin, http:\/\/127\.0\.0\.1:\d+;/);
      // the keys really went out (to the API's own origin only), so the scan is not empty-handed
      const sent = api.requests.join("\n");
      assert.ok(sent.includes(new URLSearchParams({ api_key: K1 }).toString()), sent);
      assert.deepEqual(api.stray, [], "nothing reached the other origin");

      for (
        const args of [
          ["status"],
          ["status", "1"],
          ["status", "--json"],
          ["logs"],
          ["logs", "1"],
          ["logs", "--errors"],
          ["rejects"],
          ["check"],
          ["check", "--online"],
        ]
      ) await cli(...args);

      // the GUI: its own run, every page, Test connection on every source
      const { app, gui } = createApp(dir, secrets);
      const request = async (path: string, init: RequestInit = {}) => {
        const headers = new Headers(init.headers);
        headers.set("host", HOST);
        headers.set("cookie", `plutus_token_${secrets.port}=${secrets.token}`);
        const response = await app.request(`http://${HOST}${path}`, { ...init, headers });
        outputs.push([`GUI ${init.method ?? "GET"} ${path}`, await response.text()]);
        return response;
      };
      const form = (fields: Record<string, string>) => ({
        method: "POST",
        headers: {
          origin: `http://${HOST}`,
          "content-type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams({ _csrf: secrets.csrf, ...fields }).toString(),
      });
      assert.equal((await request("/run", form({}))).status, 303);
      for (let waited = 0; gui.broadcaster.status.state === "running" && waited < 60_000;) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        waited += 100;
      }
      assert.equal(gui.broadcaster.status.state, "failed");
      outputs.push(["GUI live status", JSON.stringify(gui.broadcaster.status)]);
      for (
        const path of [
          "/",
          "/runs/1",
          "/runs/2",
          "/runs/1/log",
          "/runs/2/log",
          "/sources",
          "/files",
        ]
      ) {
        assert.equal((await request(path)).status, 200, path);
      }
      await request("/runs/1/rejects.csv");
      await request("/query", form({ sql: "SELECT * FROM _plutus_steps" }));
      for (const name of Object.keys(sources)) {
        await request(`/sources/${name}/test`, form({}));
      }
      assert.match(outputs.at(-1)![1], /unreachable|connection failed/);

      for (const entry of Deno.readDirSync(join(dir, "logs"))) {
        outputs.push([`logs/${entry.name}`, Deno.readTextFileSync(join(dir, "logs", entry.name))]);
        await request(`/download/logs/${encodeURIComponent(entry.name)}`);
      }
      const db = new DatabaseSync(join(dir, "data", "plutus.db"), { readOnly: true });
      try {
        const tables = db.prepare(
          "SELECT name FROM sqlite_schema WHERE type = 'table' AND name LIKE '\\_plutus\\_%' ESCAPE '\\'",
        ).all().map((row) => String(row.name));
        assert.ok(tables.includes("_plutus_steps"), tables.join(", "));
        for (const table of tables) {
          const rows = db.prepare(`SELECT * FROM "${table}"`).all();
          outputs.push([
            `table ${table}`,
            rows.map((row) => Object.values(row).map(String).join("\t")).join("\n"),
          ]);
        }
      } finally {
        db.close();
      }

      const leaks: string[] = [];
      for (const key of [K1, K2, K3]) {
        for (const spelled of spellings(key)) {
          for (const [where, text] of outputs) {
            const at = text.indexOf(spelled);
            if (at !== -1) {
              leaks.push(
                `${where}: ${JSON.stringify(spelled)} in …${text.slice(at - 60, at + 60)}…`,
              );
            }
          }
        }
      }
      assert.deepEqual(leaks, []);
    });
  } finally {
    await api.close();
  }
});

Deno.test("a config error quotes a url with its ${NAME} masked, not resolved", () =>
  withTempDir(async (dir) => {
    await writeFiles(dir, {
      ".env": `K1=${K1}\n`,
      "schema/contacts.yaml": "columns:\n  id: { type: text }\n",
      "plutus.yaml":
        `sources:\n  crm:\n    kind: api\n    table: contacts\n    url: "ftp://api.example.com/?k=\${K1}"\n`,
    });
    for (const command of ["check", "run"]) {
      // a problem of one source: its step fails (exit 1), the project still opens
      const result = await runCli([command, "--project", dir]);
      assert.equal(result.code, 1);
      assert.match(
        result.stdout + result.stderr,
        /sources\.crm\.url: expected an http:\/\/ or https:\/\/ address/,
      );
      for (const spelled of spellings(K1)) {
        assert.ok(!result.stderr.includes(spelled) && !result.stdout.includes(spelled), spelled);
      }
    }
  }));

Deno.test("an API answer that quotes the key (as a field name, in a path note) is masked in the step's hint, status and history", () =>
  withTempDir(async (dir) => {
    // the answer names its fields after the query key it got: the records hint lists them
    const api = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
      const key = new URL(request.url).searchParams.get("api_key") ?? "";
      return Response.json({ [key]: 1, foo: [] });
    });
    try {
      await writeFiles(dir, {
        ".env": `K1=${K1}\n`,
        "schema/contacts.yaml": "columns:\n  id: { type: text }\n",
        "plutus.yaml": `sources:
  crm:
    kind: api
    url: http://127.0.0.1:${api.addr.port}/contacts
    auth: { type: query, name: api_key, value: "\${K1}" }
    records: data
    retries: 0
    table: contacts
    columns:
      id: "\${K1}"
`,
      });
      const outputs: string[] = [];
      for (const args of [["run"], ["status"], ["status", "1", "--json"], ["logs", "1"]]) {
        const result = await runCli([...args, "--project", dir]);
        outputs.push(result.stdout + result.stderr);
      }
      assert.match(outputs[0]!, /top-level keys are: \*\*\*, foo/);
      const db = new DatabaseSync(join(dir, "data", "plutus.db"), { readOnly: true });
      outputs.push(JSON.stringify(db.prepare("SELECT * FROM _plutus_steps").all()));
      db.close();
      for (const spelled of spellings(K1)) {
        for (const output of outputs) {
          assert.ok(!output.includes(spelled), `${spelled} in ${output}`);
        }
      }
    } finally {
      await api.shutdown();
    }
  }));

/** JS escape(), deprecated but still used by old servers: %E9 for é, %u20AC for €. */
function jsEscape(key: string): string {
  return (globalThis as unknown as { escape: (text: string) => string }).escape(key);
}
