/**
 * API sources through the real CLI against a local server that behaves like real APIs:
 * every pagination style, the faults real APIs have, incremental loads, secrets kept out
 * of every output.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { type FakeApi, makeRecords, startFakeApi, TOKEN } from "./fake_api.ts";
import { createApp } from "../web/app.ts";
import {
  type Backend,
  backendMissing,
  BACKENDS,
  type CliResult,
  expectCode,
  type ProjectDb,
  query,
  runCli,
  withProject,
} from "./helpers.ts";

const CONTACTS = `columns:
  id:         { type: text, required: true }
  email:      { type: email, clean: [trim, lower] }
  first_name: { type: text }
  stage:      { type: text }
  created_at: { type: datetime }
  updated_at: { type: datetime }
  amount:     { type: decimal }
key: [id]
keep: last
`;
const MAPPING = `    columns:
      email: properties.email
      first_name: properties.firstname
      stage: properties.lifecyclestage
      created_at: properties.createdate
      updated_at: updatedAt
`;

/**
 * A project with one API source (`body` is its YAML after kind/url/table), on `backend`
 * (SQLite unless said).
 */
async function withApi(
  body: string,
  test: (
    dir: string,
    api: FakeApi,
    run: (...args: string[]) => Promise<CliResult>,
    db: ProjectDb,
  ) => Promise<void>,
  count = 250,
  backend: Backend = "sqlite",
): Promise<void> {
  const api = startFakeApi(count);
  try {
    const source = body.replaceAll("{API}", api.url);
    await withProject(backend, {
      ".env": `CRM_TOKEN=${TOKEN}\n`,
      "schema/contacts.yaml": CONTACTS,
      "plutus.yaml": `sources:\n  crm:\n    kind: api\n    table: contacts\n${source}${
        source.includes("columns:") ? "" : MAPPING
      }`,
    }, async (dir, db) => {
      const run = (...args: string[]) =>
        runCli(["run", ...args, "--project", dir], { env: { PLUTUS_BACKOFF_MS: "20" } });
      await test(dir, api, run, db);
    });
  } finally {
    await api.close();
  }
}

const count = (dir: string) =>
  (query(dir, "SELECT count(*) AS n FROM contacts")[0] as { n: number }).n;

Deno.test("HubSpot-style cursor paging with a bearer key loads every page", () =>
  withApi(
    `    url: "{API}/crm/v3/objects/contacts"
    auth: { type: bearer, token: "\${CRM_TOKEN}" }
    params: { limit: 100 }
    records: results
    paginate: { type: cursor, cursor: paging.next.after, param: after }
`,
    async (dir, api, run) => {
      const result = expectCode(await run(), 0);
      assert.match(result.stdout, /crm\s+\S+\s+succeeded\s+250\s+250\s+0\s+0\s+0/);
      assert.deepEqual(api.requests, [
        "/crm/v3/objects/contacts?limit=100",
        "/crm/v3/objects/contacts?limit=100&after=100",
        "/crm/v3/objects/contacts?limit=100&after=200",
      ]);
      assert.deepEqual(
        query(dir, "SELECT id, email, stage, created_at FROM contacts ORDER BY id LIMIT 1"),
        [
          {
            id: "c000001",
            email: "contact1@example.com",
            stage: "subscriber",
            created_at: "2026-10-01T00:00:00.000Z",
          },
        ],
      );
      assert.match(result.stdout, /note: .*: 3 page\(s\), 3 request\(s\)/);
    },
  ));

Deno.test("every pagination style reaches the last record", async () => {
  const styles: Record<string, string> = {
    stripe: `    url: "{API}/v1/charges"
    params: { limit: 40 }
    records: data
    paginate: { type: cursor, param: starting_after, cursor_field: id, has_more: has_more }
`,
    github: `    url: "{API}/repos/issues"
    params: { per_page: 60 }
    paginate: { type: link_header }
`,
    offset: `    url: "{API}/offset"
    records: items
    paginate: { type: offset, limit: 100, total: total }
`,
    pages: `    url: "{API}/pages"
    records: data
    paginate: { type: page, size_param: page_size, size: 50, total_pages: meta.total_pages }
`,
    next_url: `    url: "{API}/next"
    params: { limit: 70 }
    records: records
    paginate: { type: next_url, next: links.next }
`,
  };
  const expectedRequests: Record<string, number> = {
    stripe: 7,
    github: 5,
    offset: 3,
    pages: 5,
    next_url: 4,
  };
  for (const [style, body] of Object.entries(styles)) {
    await withApi(body, async (dir, api, run) => {
      expectCode(await run(), 0);
      assert.equal(count(dir), 250, style);
      assert.equal(
        api.requests.length,
        expectedRequests[style],
        `${style}: ${api.requests.join(" ")}`,
      );
    });
  }
});

Deno.test("429 with Retry-After and flaky 500s are retried; the rows load", async () => {
  await withApi(`    url: "{API}/limited"\n    records: results\n`, async (dir, api, run) => {
    const started = Date.now();
    const result = expectCode(await run(), 0);
    assert.ok(Date.now() - started >= 1000, "waited as Retry-After asked");
    assert.equal(api.requests.length, 2);
    assert.equal(count(dir), 3);
    assert.match(result.stdout, /1 page\(s\), 2 request\(s\), 1 retried/);
    const log = expectCode(await runCli(["logs", "--project", dir]), 0).stdout;
    assert.match(log, /WARN\s+crm: HTTP 429; retry 1 of 5 in 1\.0 s/);
  });
  await withApi(`    url: "{API}/flaky"\n    records: results\n`, async (dir, api, run) => {
    expectCode(await run(), 0);
    assert.equal(api.requests.length, 3);
    assert.equal(count(dir), 5);
  });
});

Deno.test("faults that do not pass fail the step with what the API said, and load nothing", async () => {
  const cases: [string, string, RegExp, number][] = [
    [
      `    url: "{API}/always-500"\n    retries: 2\n`,
      "always-500",
      /the API answered HTTP 503 Service Unavailable after 3 attempts: GET http:\/\/127\.0\.0\.1:\d+\/always-500/,
      3,
    ],
    [
      `    url: "{API}/slow"\n    timeout: 0.5\n    retries: 1\n`,
      "slow",
      /no answer within 0\.5 s: GET .*\/slow \(2 attempt\(s\)\)/,
      2,
    ],
    [
      `    url: "{API}/crm/v3/objects/contacts"\n    records: results\n`,
      "401",
      /the API refused the key \(HTTP 401 Unauthorized\)/,
      1,
    ],
    [`    url: "{API}/html"\n`, "html", /the API answered with an HTML page, not JSON/, 1],
    [
      `    url: "{API}/truncated"\n    records: results\n`,
      "truncated",
      /the response is not valid JSON/,
      1,
    ],
    [
      `    url: "{API}/wrong-path"\n    records: results\n`,
      "path",
      /"results" in the response is missing/,
      1,
    ],
    [
      `    url: "{API}/loop"\n    records: results\n    paginate: { type: cursor, cursor: paging.next.after, param: after }\n`,
      "loop",
      /the API sent the same cursor twice \(page 2\): it would never end/,
      2,
    ],
    [
      `    url: "{API}/offset"\n    records: items\n    max_pages: 2\n    paginate: { type: offset, limit: 100 }\n`,
      "max_pages",
      /more than max_pages \(2\) pages; nothing was loaded/,
      2,
    ],
  ];
  for (const [body, name, message, requests] of cases) {
    await withApi(body, async (dir, api, run) => {
      const result = expectCode(await run(), 1);
      assert.match(result.stdout, message, name);
      assert.equal(api.requests.length, requests, `${name}: ${api.requests.join(" ")}`);
      assert.deepEqual(
        query(dir, "SELECT name FROM sqlite_schema WHERE name = 'contacts'"),
        [],
        name,
      );
    });
  }
  await withApi(`    url: "{API}/wrong-path"\n    records: results\n`, async (_dir, _api, run) => {
    assert.match(
      (await run()).stdout,
      /hint: Set records under sources\.crm to the path of the list; the response's top-level keys are: contacts, total/,
    );
  });
  await withApi(
    `    url: "{API}/crm/v3/objects/contacts"\n    records: results\n`,
    async (_dir, _api, run) => {
      assert.match((await run()).stdout, /hint: Check auth under sources\.crm in plutus\.yaml/);
    },
  );
});

for (const backend of BACKENDS) {
  const ignore = await backendMissing(backend);

  Deno.test({
    name: `all pages load in one transaction: a cut-off third page loads nothing [${backend}]`,
    ignore,
    fn: () =>
      withApi(
        `    url: "{API}/break-on-3"
    params: { limit: 100 }
    records: results
    paginate: { type: cursor, cursor: paging.next.after, param: after }
`,
        async (_dir, api, run, db) => {
          const result = expectCode(await run(), 1);
          assert.match(result.stdout, /the response is not valid JSON/);
          assert.equal(api.requests.length, 3);
          assert.equal(await db.hasTable("contacts"), false);
          assert.deepEqual(await db.query("SELECT status FROM _plutus_steps"), [{
            status: "failed",
          }]);
        },
        250,
        backend,
      ),
  });

  Deno.test({
    name:
      `incremental sources ask only for what is new, advance only on success, and --full starts over [${backend}]`,
    ignore,
    fn: () =>
      withApi(
        `    url: "{API}/crm/v3/objects/contacts"
    auth: { type: bearer, token: "\${CRM_TOKEN}" }
    params: { limit: 100 }
    records: results
    paginate: { type: cursor, cursor: paging.next.after, param: after }
    incremental: { field: updatedAt, param: updated_since }
`,
        async (dir, api, run, db) => {
          expectCode(await run(), 0);
          assert.deepEqual(await db.query("SELECT count(*) AS n FROM contacts"), [{ n: 250 }]);
          const newest = api.records.at(-1)!.updatedAt;
          assert.deepEqual(await db.query("SELECT value FROM _plutus_state WHERE source = 'crm'"), [
            {
              value: JSON.stringify(newest),
            },
          ]);
          api.requests.length = 0;
          const second = expectCode(await run(), 0);
          assert.deepEqual(api.requests, [
            `/crm/v3/objects/contacts?limit=100&updated_since=${encodeURIComponent(newest)}`,
          ]);
          assert.match(second.stdout, /crm\s+\S+\s+succeeded\s+0\s+0/);
          api.requests.length = 0;
          const full = expectCode(await run("--full"), 0);
          assert.equal(api.requests.length, 3);
          assert.match(full.stdout, /crm\s+\S+\s+succeeded\s+250\s+0\s+0\s+250\s+0/);
          // a failing run leaves the position where it was
          await Deno.writeTextFile(
            join(dir, "plutus.yaml"),
            (await Deno.readTextFile(join(dir, "plutus.yaml"))).replace(
              "/crm/v3/objects/contacts",
              "/always-500",
            ),
          );
          expectCode(
            await runCli(["run", "--project", dir], { env: { PLUTUS_BACKOFF_MS: "1" } }),
            1,
          );
          assert.deepEqual(await db.query("SELECT value FROM _plutus_state WHERE source = 'crm'"), [
            {
              value: JSON.stringify(newest),
            },
          ]);
        },
        250,
        backend,
      ),
  });
}

Deno.test("the key never appears in logs, status, errors or exports", () =>
  withApi(
    `    url: "{API}/crm/v3/objects/contacts"
    auth: { type: query, name: api_key, value: "\${CRM_TOKEN}" }
    records: results
    paginate: { type: cursor, cursor: paging.next.after, param: after }
`,
    async (dir, api, run) => {
      const result = await run(); // the fake refuses query keys: an error that names the URL
      expectCode(result, 1);
      assert.match(result.stdout, /api_key=\*\*\*/);
      assert.ok(api.requests[0]!.includes(`api_key=${TOKEN}`), "the key was sent");
      const outputs = [result.stdout, result.stderr];
      for (
        const args of [["status", "1"], ["status", "--json"], ["logs"], ["logs", "--errors"], [
          "rejects",
        ]]
      ) {
        const out = await runCli([...args, "--project", dir]);
        outputs.push(out.stdout, out.stderr);
      }
      for (const entry of Deno.readDirSync(join(dir, "logs"))) {
        outputs.push(
          Deno.readTextFileSync(join(dir, "logs", entry.name)),
        );
      }
      const exported = await runCli([
        "export",
        "--sql",
        "SELECT * FROM _plutus_steps",
        "-o",
        "steps.csv",
        "--project",
        dir,
      ]);
      expectCode(exported, 0);
      outputs.push(Deno.readTextFileSync(join(dir, "exports", "steps.csv")));
      for (const output of outputs) {
        assert.ok(
          !output.includes(TOKEN) && !output.includes("5ecret"),
          `the key leaked:\n${output}`,
        );
      }
    },
  ));

Deno.test("check --online asks each API source once and names the fields and missing paths", () =>
  withApi(
    `    url: "{API}/crm/v3/objects/contacts"
    auth: { type: bearer, token: "\${CRM_TOKEN}" }
    params: { limit: 100 }
    records: results
    paginate: { type: cursor, cursor: paging.next.after, param: after }
    columns:
      email: properties.email
      stage: properties.stage
`,
    async (dir, api) => {
      const offline = expectCode(await runCli(["check", "--project", dir]), 0);
      assert.match(offline.stdout, /API sources: not asked \(add --online/);
      assert.equal(api.requests.length, 0);
      const online = expectCode(await runCli(["check", "--online", "--project", dir]), 1);
      assert.equal(api.requests.length, 1);
      assert.match(
        online.stdout,
        /problem source crm: HTTP 200, 100 record\(s\) on the first page; fields: id, updatedAt, properties\.email, properties\.firstname, properties\.lifecyclestage, properties\.createdate, amount; no record has stage ← properties\.stage/,
      );
      assert.ok(!online.stdout.includes(TOKEN));
    },
  ));

Deno.test("a next link, Link header or redirect to another origin fails the step, naming the origin; the key never goes there", async () => {
  const cases: [string, string][] = [
    [
      `    url: "{API}/next-away"\n    records: results\n    paginate: { type: next_url, next: next }\n`,
      "a next page points to another origin",
    ],
    [
      `    url: "{API}/link-away"\n    paginate: { type: link_header }\n`,
      "a next page points to another origin",
    ],
    [
      `    url: "{API}/redirect-away"\n    records: results\n`,
      "a redirect points to another origin",
    ],
  ];
  for (const [body, message] of cases) {
    await withApi(
      `${body}    auth: { type: bearer, token: "\${CRM_TOKEN}" }\n`,
      async (dir, api, run) => {
        const result = expectCode(await run(), 1);
        const other = new URL(api.url).port;
        assert.match(
          result.stdout,
          new RegExp(`${message}, http://127\\.0\\.0\\.1:(?!${other})\\d+; Plutus sends`),
        );
        assert.deepEqual(api.stray, [], "nothing reached the other origin");
        assert.deepEqual(query(dir, "SELECT name FROM sqlite_schema WHERE name = 'contacts'"), []);
        const [step] = query(dir, "SELECT status, error FROM _plutus_steps");
        assert.equal(step!.status, "failed");
        assert.match(String(step!.error), /another origin/);
      },
    );
  }
});

Deno.test("a file:// next link is refused, not read", () =>
  withApi(
    `    url: "{API}/next-file"\n    records: results\n    paginate: { type: next_url, next: next }\n`,
    async (dir, _api, run) => {
      const result = expectCode(await run(), 1);
      assert.match(
        result.stdout,
        /a next page points to a file:\/\/ address; Plutus reads APIs only over http and https/,
      );
      const passwd = await Deno.readTextFile("/etc/passwd").catch(() => "root:x:0:0");
      const firstLine = passwd.split("\n")[0]!;
      const [step] = query(dir, "SELECT error FROM _plutus_steps");
      for (const text of [result.stdout, result.stderr, String(step!.error)]) {
        assert.ok(!text.includes(firstLine.slice(0, 12)), text);
      }
    },
  ));

Deno.test("a same-origin redirect is followed with the key; a redirect loop stops after 5", async () => {
  await withApi(
    `    url: "{API}/redirect-home"
    auth: { type: bearer, token: "\${CRM_TOKEN}" }
    params: { limit: 100 }
    records: results
    paginate: { type: cursor, cursor: paging.next.after, param: after }
`,
    async (dir, api, run) => {
      expectCode(await run(), 0);
      assert.equal(count(dir), 250);
      assert.deepEqual(api.requests.slice(0, 2), [
        "/redirect-home?limit=100",
        "/crm/v3/objects/contacts?limit=100",
      ]);
    },
  );
  await withApi(
    `    url: "{API}/redirect-loop"\n    records: results\n    retries: 0\n`,
    async (_dir, api, run) => {
      const result = expectCode(await run(), 1);
      assert.match(
        result.stdout,
        /more than 5 redirects: GET http:\/\/127\.0\.0\.1:\d+\/redirect-loop/,
      );
      assert.equal(api.requests.length, 6);
    },
  );
});

Deno.test("auth: query is sent on every next_url page, not only the first", () =>
  withApi(
    `    url: "{API}/next-keyed"
    auth: { type: query, name: api_key, value: "\${CRM_TOKEN}" }
    params: { limit: 100 }
    records: records
    paginate: { type: next_url, next: links.next }
`,
    async (dir, api, run) => {
      expectCode(await run(), 0);
      assert.equal(count(dir), 250);
      assert.equal(api.requests.length, 3);
      for (const request of api.requests) {
        assert.equal(new URL(request, api.url).searchParams.get("api_key"), TOKEN, request);
      }
    },
  ));

Deno.test("check refuses a url that is not http(s), at its line", () =>
  withApi(`    url: "file:///etc/passwd"\n`, async (dir) => {
    // a problem of one source: check exits 1 (the others could run), naming it at its line
    const result = expectCode(await runCli(["check", "--project", dir]), 1);
    assert.match(
      result.stdout + result.stderr,
      /plutus\.yaml:5 sources\.crm\.url: expected an http:\/\/ or https:\/\/ address/,
    );
  }));

Deno.test("the docs' Stripe example loads: created in epoch seconds (a JSON number) becomes paid_at", async () => {
  const docs = await Deno.readTextFile(new URL("../docs/api-sources.md", import.meta.url));
  const example = /### Stripe charges[^]*?```yaml\n([^]*?)```/.exec(docs)![1]!;
  const api = startFakeApi(5);
  try {
    await withProject("sqlite", {
      ".env": `STRIPE_SECRET_KEY=${TOKEN}\n`,
      "schema/payments.yaml": `columns:
  payment_id:   { type: text, required: true }
  amount_cents: { type: integer }
  currency:     { type: text }
  email:        { type: email }
  paid_at:      { type: datetime }
  status:       { type: text }
key: [payment_id]
`,
      "plutus.yaml": `sources:\n${
        example.replace("https://api.stripe.com/v1/charges", `${api.url}/v1/stripe-charges`)
          .replace(/^/gm, "  ")
      }`,
    }, async (dir) => {
      const result = expectCode(await runCli(["run", "--project", dir]), 0);
      assert.match(result.stdout, /stripe_charges\s+\S+\s+succeeded\s+5\s+5\s+0\s+0\s+0/);
      assert.deepEqual(
        query(
          dir,
          "SELECT payment_id, paid_at, currency FROM payments ORDER BY payment_id LIMIT 2",
        ),
        [
          { payment_id: "c000001", paid_at: "2026-10-01T00:00:00.000Z", currency: "EUR" },
          { payment_id: "c000002", paid_at: "2026-10-01T01:00:00.000Z", currency: "EUR" },
        ],
      );
    });
  } finally {
    await api.close();
  }
});

Deno.test("pages that end before the API's own total fail the step, load nothing and keep the incremental position", async () => {
  await withApi(
    `    url: "{API}/pages-gap"
    auth: { type: query, name: api_key, value: "\${CRM_TOKEN}" }
    records: data
    paginate: { type: page, size_param: page_size, size: 100, total_pages: meta.total_pages }
`,
    async (dir, api, run) => {
      const result = expectCode(await run(), 1);
      assert.match(
        result.stdout,
        /error: .*source crm: page 2 of 3 came back empty, though the API's meta\.total_pages says 3 pages: GET http:\/\/127\.0\.0\.1:\d+\/pages-gap\?api_key=\*\*\*&page=2&page_size=100; nothing was loaded/,
      );
      assert.match(
        result.stdout,
        /hint: The API said more pages follow, so the pull is incomplete/,
      );
      assert.ok(!result.stdout.includes(TOKEN));
      assert.equal(api.requests.length, 2);
      assert.deepEqual(query(dir, "SELECT name FROM sqlite_schema WHERE name = 'contacts'"), []);
    },
  );
  await withApi(
    `    url: "{API}/offset-short"
    auth: { type: query, name: api_key, value: "\${CRM_TOKEN}" }
    records: items
    paginate: { type: offset, limit: 100, total: total }
    incremental: { field: updatedAt, param: updated_since }
`,
    async (dir, api, run) => {
      expectCode(await run(), 0); // 3 records: one page, as many as the total says
      const newest = api.records.at(-1)!.updatedAt;
      const state = () => query(dir, "SELECT value FROM _plutus_state WHERE source = 'crm'");
      assert.deepEqual(state(), [{ value: JSON.stringify(newest) }]);
      // 250 new records, and the API's second page comes one short: 249 of 250.
      api.records.push(...makeRecords(253).slice(3));
      api.requests.length = 0;
      const result = expectCode(await run(), 1);
      assert.match(
        result.stdout,
        /crm\s+\S+\s+failed[^]*error: .*source crm: the API said there are 250 records \(total\), but its pages ended after 249: GET http:\/\/127\.0\.0\.1:\d+\/offset-short\?api_key=\*\*\*&updated_since=[^&]+&offset=200&limit=100; nothing was loaded/,
      );
      assert.match(result.stdout, /set limit under sources\.crm\.paginate to what it serves/);
      assert.ok(!result.stdout.includes(TOKEN));
      assert.equal(api.requests.length, 3, api.requests.join(" "));
      assert.equal(count(dir), 3);
      assert.deepEqual(state(), [{ value: JSON.stringify(newest) }]);
    },
    3,
  );
});

Deno.test("records: null (how Pipedrive says no deals) is an empty page: the step succeeds with 0 rows", () =>
  withApi(
    `    url: "{API}/deals-null"
    records: data
    paginate: { type: cursor, cursor: additional_data.pagination.next_start, param: start }
`,
    async (_dir, api, run) => {
      const result = expectCode(await run(), 0);
      assert.match(result.stdout, /crm\s+\S+\s+succeeded\s+0\s+0\s+0\s+0\s+0/);
      assert.match(result.stdout, /the API returned no records/);
      assert.equal(api.requests.length, 1);
    },
  ));

for (const backend of BACKENDS) {
  Deno.test({
    name:
      `19-digit ids sent as JSON numbers keep every digit, no records merge; an integer column refuses what it cannot hold [${backend}]`,
    ignore: await backendMissing(backend),
    fn: async () => {
      // ids as Twitter/X, ad platforms and order systems send them: past 2^53, where a
      // double would turn ...789 to ...793 into one number and merge the records
      const asked: string[] = [];
      const server = Deno.serve(
        { hostname: "127.0.0.1", port: 0, onListen: () => {} },
        (request) => {
          const url = new URL(request.url);
          asked.push(url.search);
          const since = BigInt(url.searchParams.get("since_id") ?? "0");
          const records = [0, 1, 2, 3, 4]
            .map((i) => ({ i, id: 1234567890123456789n + BigInt(i) }))
            .filter(({ id }) => id > since)
            .map(({ i, id }) =>
              `{"id": ${id}, "big": 9007199254740993, "views": ${
                i === 1 ? "9007199254740993" : "12"
              }, "meta": {"parent": ${id}0}}`
            );
          return new Response(`{"data": [${records.join(", ")}]}`, {
            headers: { "content-type": "application/json" },
          });
        },
      );
      try {
        await withProject(backend, {
          "schema/tweets.yaml": `columns:
  id:    { type: text, required: true }
  big:   { type: text }
  views: { type: integer }
  meta:  { type: text }
key: [id]
`,
          "plutus.yaml": `reject_limit: 0.5
sources:
  x:
    kind: api
    url: http://127.0.0.1:${server.addr.port}/tweets
    records: data
    table: tweets
    incremental: { field: id, param: since_id }
`,
        }, async (dir, db) => {
          const result = expectCode(await runCli(["run", "--project", dir]), 0);
          assert.match(result.stdout, /x\s+\S+\s+succeeded\s+5\s+4\s+0\s+0\s+1/);
          assert.match(
            result.stdout,
            /views: "9007199254740993" is too large to store exactly \(store it as text\)/,
          );
          assert.deepEqual(
            await db.query("SELECT id, big, views, meta FROM tweets ORDER BY id"),
            [
              0,
              2,
              3,
              4,
            ].map((i) => ({
              id: String(1234567890123456789n + BigInt(i)),
              big: "9007199254740993",
              views: 12,
              meta: `{"parent":${1234567890123456789n + BigInt(i)}0}`,
            })),
          );
          // the rejects file keeps the record's digits, to fix and upload again
          expectCode(await runCli(["rejects", "--csv", "--project", dir]), 0);
          const rejects = await Deno.readTextFile(
            join(dir, "exports", "rejects-run-1", "x.rejects-run-1.csv"),
          );
          assert.match(rejects, /^\uFEFFid,big,views,meta,_reason/);
          assert.match(rejects, /\n1234567890123456790,9007199254740993,9007199254740993,/);
          // and the screens show them (they crashed on a kept number: String() refuses it)
          const listed = expectCode(await runCli(["rejects", "--project", dir]), 0);
          assert.match(listed.stdout, /id=1234567890123456790 \| big=9007199254740993/);
          const { app } = createApp(dir, { token: "t", csrf: "c", port: 4321 });
          const page = await app.request("http://127.0.0.1:4321/runs/1", {
            headers: { host: "127.0.0.1:4321", cookie: "plutus_token_4321=t" },
          });
          assert.equal(page.status, 200);
          assert.match(await page.text(), /id=1234567890123456790 \| big=9007199254740993/);
          // the next run asks from the newest id, every digit of it
          assert.deepEqual(await db.query("SELECT value FROM _plutus_state"), [
            { value: '"1234567890123456793"' },
          ]);
          expectCode(await runCli(["run", "--project", dir]), 0);
          assert.deepEqual(asked, ["", "?since_id=1234567890123456793"]);
        });
      } finally {
        await server.shutdown();
      }
    },
  });
}

Deno.test("a ${VAR} in a source's url reaches the server as written: + & = / in a key, a space in a path", async () => {
  // a base64 key (+ / =) and an account name with a space, as .env holds them
  const key = "Ab+c/dE==&x=1";
  const account = "acme corp";
  const seen: { path: string; key: string | null }[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
    const url = new URL(request.url);
    seen.push({ path: decodeURIComponent(url.pathname), key: url.searchParams.get("api_key") });
    return Response.json({ data: [{ id: "r1" }] });
  });
  try {
    await withProject("sqlite", {
      ".env": `CRM_KEY=${key}\nACCOUNT=${account}\n`,
      "schema/items.yaml": "columns:\n  id: { type: text, required: true }\nkey: [id]\n",
      "plutus.yaml": `sources:
  crm:
    kind: api
    url: "http://127.0.0.1:${server.addr.port}/v1/\${ACCOUNT}/items?api_key=\${CRM_KEY}"
    records: data
    table: items
`,
    }, async (dir) => {
      const result = expectCode(await runCli(["run", "--project", dir]), 0);
      assert.deepEqual(seen, [{ path: `/v1/${account}/items`, key }]);
      const log = [...Deno.readDirSync(join(dir, "logs"))].map((entry) =>
        Deno.readTextFileSync(join(dir, "logs", entry.name))
      ).join("\n");
      for (const output of [result.stdout, result.stderr, log]) {
        for (const spelling of [key, encodeURIComponent(key), "Ab+c"]) {
          assert.ok(!output.includes(spelling), `the key leaked as ${spelling}:\n${output}`);
        }
      }
      assert.match(result.stdout, /api_key=\*\*\*/);
    });
  } finally {
    await server.shutdown();
  }
});
