import assert from "node:assert/strict";
import { join } from "node:path";
import { initProject } from "../core/init/init_project.ts";
import { SqliteStore } from "../core/store/sqlite/sqlite_store.ts";
import { createApp } from "./app.ts";
import type { Secrets } from "./security.ts";
import { startFakeApi, TOKEN } from "../tests/fake_api.ts";

const secrets: Secrets = { token: "t0ken", csrf: "csrf-123", port: 4321 };
const HOST = "127.0.0.1:4321";
const ORIGIN = `http://${HOST}`;
const COOKIE = `plutus_token_4321=${secrets.token}`;

/** A demo project and the app serving it. */
async function withGui(
  test: (
    request: (path: string, init?: RequestInit) => Promise<Response>,
    dir: string,
  ) => Promise<void>,
) {
  const dir = await Deno.makeTempDir({ prefix: "plutus-gui-" });
  try {
    await initProject(dir, { demo: true });
    const { app } = createApp(dir, secrets);
    const request = (path: string, init: RequestInit = {}) => {
      const headers = new Headers(init.headers);
      if (!headers.has("host")) headers.set("host", HOST);
      if (!headers.has("cookie")) headers.set("cookie", COOKIE);
      return Promise.resolve(app.request(`http://${HOST}${path}`, { ...init, headers }));
    };
    await test(request, dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Adds the API source "crm" to the demo project, its key in .env. */
async function addApiSource(dir: string) {
  const path = join(dir, "plutus.yaml");
  await Deno.writeTextFile(
    path,
    `${await Deno.readTextFile(
      path,
    )}  crm:\n    kind: api\n    url: https://api.example.com/v1/contacts\n    auth: { type: bearer, token: "\${CRM_TOKEN}" }\n    table: leads\n`,
  );
  await Deno.writeTextFile(join(dir, ".env"), "# keys\nCRM_TOKEN=old-token-1111\n");
}

const form = (fields: Record<string, string>) => ({
  method: "POST",
  headers: { origin: ORIGIN, "content-type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams({ _csrf: secrets.csrf, ...fields }).toString(),
});

Deno.test("a request for another host name is refused (DNS rebinding)", () =>
  withGui(async (request) => {
    for (const host of ["evil.example:4321", "127.0.0.1:9999", "192.168.1.5:4321"]) {
      const response = await request("/", { headers: { host } });
      assert.equal(response.status, 403, host);
    }
    assert.equal((await request("/", { headers: { host: "localhost:4321" } })).status, 200);
  }));

Deno.test("every request needs the token; the token URL sets an HttpOnly cookie and drops the token", () =>
  withGui(async (request) => {
    const without = await request("/", { headers: { cookie: "" } });
    assert.equal(without.status, 401);
    assert.match(await without.text(), /open the full URL that plutus serve printed/);
    assert.equal(
      (await request("/assets/app.js", { headers: { cookie: "plutus_token_4321=wrong" } })).status,
      401,
    );
    const first = await request("/query?token=t0ken", { headers: { cookie: "" } });
    assert.equal(first.status, 303);
    assert.equal(first.headers.get("location"), "/query");
    assert.match(
      first.headers.get("set-cookie") ?? "",
      /plutus_token_4321=t0ken; Path=\/; HttpOnly; SameSite=Strict/,
    );
  }));

Deno.test("a change needs POST, the CSRF token and a same-origin Origin", () =>
  withGui(async (request) => {
    const ok = await request("/run", form({}));
    assert.equal(ok.status, 303);
    const noToken = await request("/run", { ...form({}), body: "source=" });
    assert.equal(noToken.status, 403);
    const crossSite = await request("/run", {
      ...form({}),
      headers: {
        origin: "https://evil.example",
        "content-type": "application/x-www-form-urlencoded",
      },
    });
    assert.equal(crossSite.status, 403);
    assert.match(await crossSite.text(), /did not come from a Plutus page/);
    const noOrigin = await request("/run", {
      ...form({}),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    assert.equal(noOrigin.status, 403);
    assert.equal(
      (await request("/run", { method: "PUT", headers: { origin: ORIGIN } })).status,
      405,
    );
  }));

Deno.test("every answer carries a strict Content-Security-Policy", () =>
  withGui(async (request, dir) => {
    await addApiSource(dir);
    const response = await request("/");
    const csp = response.headers.get("content-security-policy") ?? "";
    assert.match(csp, /default-src 'self'; script-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(response.headers.get("x-content-type-options"), "nosniff");
    // The policy blocks inline scripts, styles and handlers: no page may rely on them.
    for (const path of ["/", "/upload", "/sources", "/schema", "/query", "/files"]) {
      const page = await (await request(path)).text();
      assert.doesNotMatch(page, /<script>|<style|\sstyle="|\son[a-z]+="/i, path);
    }
  }));

Deno.test("downloads serve only files listed in logs/ and exports/", () =>
  withGui(async (request, dir) => {
    await Deno.writeTextFile(join(dir, "exports", "a.csv"), "x\r\n1\r\n");
    const ok = await request("/download/exports/a.csv");
    assert.equal(ok.status, 200);
    assert.equal(await ok.text(), "x\r\n1\r\n");
    assert.match(ok.headers.get("content-disposition") ?? "", /attachment; filename="a.csv"/);
    for (
      const path of [
        "/download/exports/..%2Fplutus.yaml",
        "/download/exports/%2e%2e%2f.env",
        "/download/data/plutus.db",
        "/download/logs/..%2F..%2Fetc%2Fpasswd",
        "/download/exports/.env",
      ]
    ) {
      const response = await request(path);
      assert.equal(response.status, 404, path);
    }
    await Deno.symlink(join(dir, ".env"), join(dir, "exports", "link.csv"));
    assert.equal((await request("/download/exports/link.csv")).status, 404);
  }));

Deno.test("uploads stream into inbox/ under a safe name and respect the size limit", () =>
  withGui(async (request, dir) => {
    const upload = (name: string, body: string) =>
      request(`/upload?name=${encodeURIComponent(name)}`, {
        method: "POST",
        headers: { origin: ORIGIN, "x-csrf-token": secrets.csrf },
        body,
      });
    const response = await upload("../../evil/.hidden leads.csv", "Email\na@x.com\n");
    assert.equal(response.status, 200);
    const { sha256: _, ...answer } = await response.json();
    assert.deepEqual(answer, { name: "hidden leads.csv", bytes: 14, replaced: [] });
    assert.ok((await Deno.stat(join(dir, "inbox", "hidden leads.csv"))).isFile);
    const yaml = join(dir, "plutus.yaml");
    await Deno.writeTextFile(
      yaml,
      (await Deno.readTextFile(yaml)).replace(
        "reject_limit: 0.05",
        "reject_limit: 0.05\nupload_limit_mb: 0.001",
      ),
    );
    const big = await upload("big.csv", "x".repeat(5000));
    assert.equal(big.status, 413);
    assert.match((await big.json()).error, /big\.csv is larger than the upload limit of 0\.001 MB/);
    assert.deepEqual(
      [...Deno.readDirSync(join(dir, "inbox"))].map((e) => e.name).filter((n) =>
        n.startsWith("big") || n.endsWith(".part")
      ),
      [],
    );
  }));

Deno.test("values from data are escaped in pages", () =>
  withGui(async (request, dir) => {
    await Deno.writeTextFile(join(dir, "exports", "<img src=x onerror=alert(1)>.csv"), "x");
    const page = await (await request("/files")).text();
    assert.ok(!page.includes("<img src=x"));
    assert.match(page, /&lt;img src=x onerror=alert\(1\)&gt;\.csv/);
    const query =
      await (await request("/query", form({ sql: "SELECT '<script>alert(1)</script>' AS x" })))
        .text();
    assert.ok(!query.includes("<script>alert(1)"));
    assert.match(query, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  }));

Deno.test("a schema is saved only when valid; the error names its line", () =>
  withGui(async (request, dir) => {
    const before = await Deno.readTextFile(join(dir, "schema", "leads.yaml"));
    const bad = before.replace("type: email", "type: mail");
    const response = await request("/schema", form({ name: "leads", text: bad }));
    assert.equal(response.status, 400);
    const page = await response.text();
    const line = before.split("\n").findIndex((l) => l.includes("type: email")) + 1;
    assert.match(
      page,
      new RegExp(
        `Not saved\\. schema/leads\\.yaml:${line} columns\\.email\\.type: expected one of text, integer`,
      ),
    );
    assert.match(page, new RegExp(`data-error-line="${line}"`));
    assert.equal(await Deno.readTextFile(join(dir, "schema", "leads.yaml")), before);
    const good = await request(
      "/schema",
      form({ name: "leads", text: before.replace("keep: latest", "keep: latest\n# checked") }),
    );
    assert.equal(good.status, 303);
  }));

Deno.test("plutus.yaml is saved only when valid, keeping its comments", () =>
  withGui(async (request, dir) => {
    const path = join(dir, "plutus.yaml");
    const before = await Deno.readTextFile(path);
    const refused = await request(
      "/sources-yaml",
      form({ yaml: before.replace("table: orders", "table: ordres") }),
    );
    assert.equal(refused.status, 400);
    assert.match(
      await refused.text(),
      /no table &quot;ordres&quot; \(did you mean &quot;orders&quot;\?\)/,
    );
    assert.equal(await Deno.readTextFile(path), before);
    const saved = await request(
      "/sources-yaml",
      form({ yaml: before.replace("reject_limit: 0.05", "reject_limit: 0.1") }),
    );
    assert.equal(saved.status, 303);
    const after = await Deno.readTextFile(path);
    assert.match(after, /reject_limit: 0\.1/);
    assert.match(after, /# Google Ads: Reports > Download > CSV/);
  }));

Deno.test("an API key typed in the form goes to .env (mode 600) and shows masked", () =>
  withGui(async (request, dir) => {
    await addApiSource(dir);
    const saved = await request(
      "/sources/crm",
      form({
        url: "https://api.example.com/v2/contacts",
        params: "limit=50",
        key: "new-secret-token-9876",
      }),
    );
    assert.equal(saved.status, 303);
    assert.equal(
      await Deno.readTextFile(join(dir, ".env")),
      "# keys\nCRM_TOKEN=new-secret-token-9876\n",
    );
    assert.equal((await Deno.stat(join(dir, ".env"))).mode! & 0o777, 0o600);
    const yaml = await Deno.readTextFile(join(dir, "plutus.yaml"));
    assert.match(yaml, /url: https:\/\/api\.example\.com\/v2\/contacts/);
    assert.match(yaml, /token: "\$\{CRM_TOKEN\}"/);
    const page = await (await request("/sources")).text();
    assert.ok(!page.includes("new-secret-token-9876"));
    assert.match(page, /placeholder="\*\*\*\*9876 — type a new key to replace it"/);
    // an empty key field keeps the key
    await request(
      "/sources/crm",
      form({ url: "https://api.example.com/v2/contacts", params: "", key: "" }),
    );
    assert.match(await Deno.readTextFile(join(dir, ".env")), /CRM_TOKEN=new-secret-token-9876/);
  }));

Deno.test("the query page runs read-only SQL and refuses writes", () =>
  withGui(async (request, dir) => {
    SqliteStore.open(join(dir, "data", "plutus.db")).close();
    const page = await (await request("/query", form({ sql: "SELECT 6 * 7 AS answer" }))).text();
    const rows = page.replace(/>\s+</g, "><");
    assert.match(
      rows,
      /<th class="n">answer<\/th><\/tr><\/thead><tbody><tr><td class="n">42<\/td><\/tr>/,
    );

    const refused = await request("/query", form({ sql: "DROP TABLE _plutus_runs" }));
    assert.equal(refused.status, 400);
    assert.match(await refused.text(), /queries are read-only|returns no rows/);
  }));

Deno.test("the Sources page shows ${NAME} as written, never its value, and Save keeps it unresolved", () =>
  withGui(async (request, dir) => {
    const path = join(dir, "plutus.yaml");
    await Deno.writeTextFile(
      path,
      `${await Deno.readTextFile(path)}  crm:
    kind: api
    url: "https://api.example.com/v1/contacts?hapikey=\${CRM_TOKEN}"
    params: { limit: 100, token: "\${CRM_TOKEN}" }   # both refer to the key
    table: leads
`,
    );
    await Deno.writeTextFile(join(dir, ".env"), "CRM_TOKEN=sk-Live~9f8e7d6c5b4a(x)Z\n");
    const page = await (await request("/sources")).text();
    assert.ok(!page.includes("9f8e7d6c5b4a"), "the key's value is not in the page");
    assert.match(
      page,
      /value="https:\/\/api\.example\.com\/v1\/contacts\?hapikey=\$\{CRM_TOKEN\}"/,
    );
    assert.match(page, /token=\$\{CRM_TOKEN\}/);
    const before = await Deno.readTextFile(path);
    const saved = await request(
      "/sources/crm",
      form({
        url: "https://api.example.com/v2/contacts?hapikey=${CRM_TOKEN}",
        params: "limit=100\ntoken=${CRM_TOKEN}",
      }),
    );
    assert.equal(saved.status, 303);
    assert.equal(
      await Deno.readTextFile(path),
      before.replace("/v1/contacts?hapikey", "/v2/contacts?hapikey"),
    );
  }));

Deno.test("saving one source changes only what was edited: the rest of plutus.yaml stays byte-identical", () =>
  withGui(async (request, dir) => {
    await addApiSource(dir);
    const path = join(dir, "plutus.yaml");
    const before = await Deno.readTextFile(path);
    const saved = await request(
      "/sources/crm",
      form({ url: "https://api.example.com/v1/contacts", params: "", key: "" }),
    );
    assert.equal(saved.status, 303);
    assert.equal(await Deno.readTextFile(path), before, "nothing edited, nothing changed");
    await request(
      "/sources/crm",
      form({ url: "https://api.example.com/v1/contacts", params: "limit=50", key: "" }),
    );
    assert.equal(
      await Deno.readTextFile(path),
      before.replace(
        "url: https://api.example.com/v1/contacts\n",
        "url: https://api.example.com/v1/contacts\n    params: { limit: 50 }\n",
      ),
    );
  }));

Deno.test("a missing key marks its own source; every source still shows, and typing the key fixes it", () =>
  withGui(async (request, dir) => {
    await addApiSource(dir);
    const path = join(dir, "plutus.yaml");
    await Deno.writeTextFile(
      path,
      `${await Deno.readTextFile(path)}  hubspot:
    kind: api
    url: https://api.hubapi.com/crm/v3/objects/contacts
    auth: { type: bearer, token: "\${HUBSPOT_TOKEN}" }
    table: leads
`,
    );
    const page = await (await request("/sources")).text();
    for (const id of ["key-crm", "key-hubspot", "url-crm", "url-hubspot"]) {
      assert.match(page, new RegExp(`id="${id}"`), id);
    }
    assert.match(page, /HUBSPOT_TOKEN has no value in \.env: type the key below/);
    assert.match(page, /placeholder="HUBSPOT_TOKEN has no value in \.env — type the key here"/);
    assert.match(page, /placeholder="\*\*\*\*1111 — type a new key to replace it"/);
    assert.match(page, /Reads <span class="mono">google_ads_\*\.csv<\/span>/);
    const saved = await request(
      "/sources/hubspot",
      form({
        url: "https://api.hubapi.com/crm/v3/objects/contacts",
        params: "",
        key: "pat-na1-typed-2222",
      }),
    );
    assert.equal(saved.status, 303);
    assert.match(await Deno.readTextFile(join(dir, ".env")), /^HUBSPOT_TOKEN=pat-na1-typed-2222$/m);
    const after = await (await request("/sources")).text();
    assert.doesNotMatch(after, /has no value/);
    assert.match(after, /placeholder="\*\*\*\*2222 — type a new key to replace it"/);
  }));

Deno.test("Test connection fetches the first page: status and record count, or the masked error", async () => {
  const api = startFakeApi(30);
  try {
    await withGui(async (request, dir) => {
      const path = join(dir, "plutus.yaml");
      await Deno.writeTextFile(
        path,
        `${await Deno.readTextFile(path)}  crm:
    kind: api
    url: ${api.url}/crm/v3/objects/contacts
    auth: { type: bearer, token: "\${CRM_TOKEN}" }
    records: results
    table: leads
`,
      );
      await Deno.writeTextFile(join(dir, ".env"), "CRM_TOKEN=wrong-token-3333\n");
      const url = `${api.url}/crm/v3/objects/contacts`;
      const refused = await (await request("/sources/crm/test", form({ url, params: "" }))).text();
      assert.match(refused, /the API refused the key \(HTTP 401 Unauthorized\)/);
      assert.ok(!refused.includes("wrong-token-3333"));
      // a key typed but not saved is tried, and not written anywhere
      const works = await (
        await request("/sources/crm/test", form({ url, params: "limit=10", key: TOKEN }))
      ).text();
      assert.match(works, /Connection works: HTTP 200, 10 record\(s\) on the first page/);
      assert.match(works, /Not saved yet: Save crm to keep what you typed/);
      assert.ok(!works.includes(TOKEN));
      assert.equal(await Deno.readTextFile(join(dir, ".env")), "CRM_TOKEN=wrong-token-3333\n");
      assert.equal(api.requests.at(-1), "/crm/v3/objects/contacts?limit=10");
    });
  } finally {
    await api.close();
  }
});

Deno.test("POST /run takes file names only: a path out of inbox/ is refused and nothing moves", () =>
  withGui(async (request, dir) => {
    const outside = join(dir, "outside");
    await Deno.mkdir(outside);
    await Deno.writeTextFile(join(outside, "t_secret.csv"), "Email\nsecret@x.com\n");
    for (const name of ["../outside/t_secret.csv", "../../outside/t_secret.csv", "/etc/passwd"]) {
      const response = await request("/run", {
        method: "POST",
        headers: { origin: ORIGIN, "x-csrf-token": secrets.csrf },
        body: new URLSearchParams({ files: name, source: "crm_leads" }),
      });
      assert.equal(response.status, 400, name);
      assert.match((await response.json()).error, /is not the name of a file in inbox\//);
    }
    assert.ok((await Deno.stat(join(outside, "t_secret.csv"))).isFile);
    assert.deepEqual([...Deno.readDirSync(join(dir, "archive"))], []);
  }));

Deno.test("POST /run with a source plutus.yaml does not have answers as the CLI does: 400, the closest name, no run", () =>
  withGui(async (request, dir) => {
    const run = (fields: Record<string, string>) =>
      request("/run", {
        method: "POST",
        headers: { origin: ORIGIN, "x-csrf-token": secrets.csrf },
        body: new URLSearchParams(fields),
      });
    const typo = await run({ source: "google_ad" });
    assert.equal(typo.status, 400);
    const answer = await typo.json();
    assert.equal(
      answer.error,
      'no source named "google_ad" in plutus.yaml (did you mean "google_ads"?)',
    );
    assert.equal(answer.hint, "Sources: google_ads, meta_ads, hubspot_leads, shopify_orders");
    // the Upload page's run: the files wait in inbox/, read by no source that does not exist
    await Deno.writeTextFile(join(dir, "inbox", "leads.csv"), "Email\na@x.com\n");
    const upload = await run({ files: "leads.csv", source: "hubspot_lead" });
    assert.equal(upload.status, 400);
    assert.match(
      (await upload.json()).error,
      /^no file source named "hubspot_lead" in plutus\.yaml \(did you mean "hubspot_leads"\?\)$/,
    );
    // the form without the script: back to the Run page, the message on it
    const plain = await request("/run", form({ source: "meta" }));
    assert.equal(plain.status, 303);
    const back = await (await request(plain.headers.get("location")!)).text();
    assert.match(
      back,
      /no source named &quot;meta&quot; in plutus\.yaml \(did you mean &quot;meta_ads&quot;\?\)/,
    );
    assert.match(back, /No runs yet\./);
    assert.ok((await Deno.stat(join(dir, "inbox", "leads.csv"))).isFile);
  }));

Deno.test("uploads of one name at once keep every file; Discard sets a waiting file aside", () =>
  withGui(async (request, dir) => {
    const upload = (body: string) =>
      request("/upload?name=leads.csv", {
        method: "POST",
        headers: { origin: ORIGIN, "x-csrf-token": secrets.csrf },
        body,
      });
    const bodies = Array.from({ length: 5 }, (_, i) => `Email\nu${i}@x.com\n`);
    const answers = await Promise.all(bodies.map(async (b) => (await upload(b)).json()));
    const names = answers.map((a) => a.name).sort();
    assert.equal(new Set(names).size, 5, names.join(", "));
    const kept = names.map((n) => Deno.readTextFileSync(join(dir, "inbox", n))).sort();
    assert.deepEqual(kept, bodies.sort());

    const page = await (await request("/upload")).text();
    assert.match(page, /Waiting in inbox\//);
    assert.match(page, /leads \(5\)\.csv/);
    const discarded = await request("/inbox/discard", form({ name: "leads (5).csv" }));
    assert.equal(discarded.status, 303);
    assert.match(
      decodeURIComponent(discarded.headers.get("location") ?? ""),
      /notice=Set aside leads \(5\)\.csv in archive\/discarded\/\d{4}-\d{2}-\d{2}\/leads \(5\)\.csv/,
    );
    const left = [...Deno.readDirSync(join(dir, "inbox"))].map((e) => e.name);
    assert.ok(!left.includes("leads (5).csv") && left.includes("leads (4).csv"), left.join(", "));
    assert.ok((await Deno.stat(join(dir, "archive", "discarded"))).isDirectory);
    const escape = await request("/inbox/discard", form({ name: "../plutus.yaml" }));
    assert.match(decodeURIComponent(escape.headers.get("location") ?? ""), /error=.*not the name/);
    assert.ok((await Deno.stat(join(dir, "plutus.yaml"))).isFile);
  }));

Deno.test("a query runs off the server: pages answer meanwhile, it stops at the time limit, Stop cancels it", () =>
  withGui(async (request, dir) => {
    SqliteStore.open(join(dir, "data", "plutus.db")).close();
    await Deno.writeTextFile(join(dir, "plutus.yaml"), "query_timeout_seconds: 2\n", {
      append: true,
    });
    const endless =
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";
    const started = performance.now();
    const running = request("/query", form({ sql: endless }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const asked = performance.now();
    assert.equal((await request("/")).status, 200);
    assert.equal((await request("/query")).status, 200);
    assert.ok(performance.now() - asked < 1000, `other pages took ${performance.now() - asked} ms`);

    const stopped = await running;
    const seconds = (performance.now() - started) / 1000;
    assert.equal(stopped.status, 400);
    assert.match(
      await stopped.text(),
      /the query was stopped after 2 s: it ran longer than query_timeout_seconds/,
    );
    assert.ok(seconds >= 2 && seconds < 6, `${seconds} s`);

    const cancelled = request("/query", form({ sql: endless, query_id: "q-1" }));
    // asked until the query runs (a loaded machine takes a while to start it)
    let stop: { stopped: boolean };
    let stopAt: number;
    const asking = performance.now();
    do {
      await new Promise((resolve) => setTimeout(resolve, 50));
      stopAt = performance.now();
      stop = await (await request("/query/stop", form({ query_id: "q-1" }))).json();
    } while (!stop.stopped && performance.now() - asking < 15_000);
    assert.deepEqual(stop, { stopped: true });
    const answer = await cancelled;
    assert.ok(performance.now() - stopAt < 1000, "stopping took too long");
    assert.match(await answer.text(), /the query was cancelled/);
  }));

Deno.test("Export CSV of a query runs off the server and stops at the time limit", () =>
  withGui(async (request, dir) => {
    SqliteStore.open(join(dir, "data", "plutus.db")).close();
    await Deno.writeTextFile(join(dir, "plutus.yaml"), "query_timeout_seconds: 1\n", {
      append: true,
    });
    const endless =
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";
    const running = request("/query/export", form({ sql: endless }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const asked = performance.now();
    assert.equal((await request("/")).status, 200);
    assert.ok(
      performance.now() - asked < 1000,
      `the home page took ${performance.now() - asked} ms`,
    );
    const stopped = await running;
    assert.equal(stopped.status, 400);
    assert.match(await stopped.text(), /the query was stopped after 1 s/);
    const exports = [...Deno.readDirSync(join(dir, "exports"))].map((entry) => entry.name);
    assert.deepEqual(exports, [], "no half-written export is left");

    const done = await request("/query/export", form({ sql: "SELECT 1 AS one" }));
    assert.equal(done.status, 303, await done.clone().text());
    assert.match(done.headers.get("location") ?? "", /^\/download\/exports\/query-.*\.csv$/);
    // for Excel in Europe: a byte order mark, ";" between fields, decimal commas
    const europe = await request(
      "/query/export",
      form({ sql: "SELECT 12.5 AS amount, 'a;b' AS note", semicolon: "yes" }),
    );
    assert.equal(europe.status, 303, await europe.clone().text());
    const file = await request(europe.headers.get("location")!);
    const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(await file.arrayBuffer());
    assert.equal(text, '\ufeffamount;note\r\n12,5;"a;b"\r\n');
  }));

Deno.test("the rejected rows download is the rejects files: one CSV, or a ZIP of several", () =>
  withGui(async (request, dir) => {
    const { openProject } = await import("../core/project/project.ts");
    const { runPipeline } = await import("../core/pipeline/run_pipeline.ts");
    const { entryText, readZipDirectory } = await import("../core/read/zip_archive.ts");
    // the demo's files, written a moment ago, are complete: no wait for a writer (SETTLE_MS)
    await runPipeline(await openProject(dir), { trigger: "gui", command: "run", settleMs: 0 });
    const zip = await request("/runs/1/rejects");
    assert.equal(zip.status, 200);
    assert.equal(zip.headers.get("content-type"), "application/zip");
    assert.match(zip.headers.get("content-disposition") ?? "", /filename="rejects-run-1\.zip"/);
    const path = join(dir, "rejects.zip");
    await Deno.writeFile(path, new Uint8Array(await zip.arrayBuffer()));
    using file = await Deno.open(path);
    const entries = await readZipDirectory(file, (await file.stat()).size, "rejects.zip");
    const names = entries.map((entry) => entry.name).sort();
    assert.deepEqual(names, [
      "google_ads_campaigns_2026-11-01_2026-11-07.rejects-run-1.csv",
      "hubspot_contacts_2026-11-26.rejects-run-1.csv",
      "meta_ads_2026-11.rejects-run-1.csv",
      "shopify_orders_2026-11.rejects-run-1.csv",
    ]);
    // the row with a field too many keeps it, in a column of its own
    const meta = entries.find((entry) => entry.name.startsWith("meta_ads"))!;
    assert.equal(
      (await entryText(file, meta, "rejects.zip")).split("\r\n")[1],
      '04.11.2026,Retargeting," Warm audiences","312,40",8.120,96,4,"has 7 field(s), the header has 6: a missing or extra delimiter, or an unquoted delimiter in a value",meta_ads_2026-11.csv:14,meta_ads',
    );
    const page = await (await request("/runs/1")).text();
    assert.match(page, /href="\/runs\/1\/rejects">Download rejected rows \(ZIP of CSV files\)/);

    // one file with rejects: its CSV itself, as `plutus rejects --csv` writes it
    await Deno.writeTextFile(
      join(dir, "inbox", "google_ads_x.csv"),
      "Day,Campaign,Currency code,Cost,Impr.,Clicks,Conversions\n" +
        "2026-11-01,A,USD,1,1,1,1\n2026-11-31,=1+2,USD,3,3,3,--\n",
    );
    await runPipeline(await openProject(dir), {
      trigger: "gui",
      command: "run",
      files: [{ name: "google_ads_x.csv" }],
      settleMs: 0,
    });
    const csv = await request("/runs/2/rejects");
    assert.equal(csv.headers.get("content-type"), "text/csv; charset=utf-8");
    assert.match(
      csv.headers.get("content-disposition") ?? "",
      /filename="google_ads_x\.rejects-run-2\.csv"/,
    );
    assert.equal(
      await csv.text(),
      "\ufeffDay,Campaign,Currency code,Cost,Impr.,Clicks,Conversions,_reason,_location,_source\r\n" +
        `2026-11-31,'=1+2,USD,3,3,3,'--,"date: ""2026-11-31"" is not a real date",google_ads_x.csv:3,google_ads\r\n`,
    );
  }));

Deno.test("the Exports page lists the files in rejects folders, and serves only those", () =>
  withGui(async (request, dir) => {
    await Deno.mkdir(join(dir, "exports", "rejects-run-2"), { recursive: true });
    await Deno.writeTextFile(
      join(dir, "exports", "rejects-run-2", "leads.rejects-run-2.csv"),
      "a\r\n",
    );
    await Deno.mkdir(join(dir, "exports", "private"));
    await Deno.writeTextFile(join(dir, "exports", "private", "b.csv"), "b\r\n");
    const page = await (await request("/files")).text();
    assert.match(
      page,
      /<a href="\/download\/exports\/rejects-run-2\/leads\.rejects-run-2\.csv">rejects-run-2\/leads\.rejects-run-2\.csv<\/a>/,
    );
    assert.doesNotMatch(page, /b\.csv/);
    const ok = await request("/download/exports/rejects-run-2/leads.rejects-run-2.csv");
    assert.equal(ok.status, 200);
    assert.equal(await ok.text(), "a\r\n");
    assert.match(
      ok.headers.get("content-disposition") ?? "",
      /filename="leads\.rejects-run-2\.csv"/,
    );
    for (
      const path of [
        "/download/exports/private/b.csv",
        "/download/exports/rejects-run-2/..%2F..%2Fplutus.yaml",
        "/download/logs/rejects-run-2/leads.rejects-run-2.csv",
      ]
    ) {
      assert.equal((await request(path)).status, 404, path);
    }
  }));
