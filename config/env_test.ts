import assert from "node:assert/strict";
import fc from "fast-check";
import { inlineUrlPassword, resolveUrlVars, SecretMask } from "./env.ts";

const KEYS = ["sk-Live~9f8e7d6c5b4a(x)Z", "key with space+/=!'()*", "clé-ünïcødé-🔑-42"];

/** Every way a key is written into text: URLs, JSON, HTML. */
function spellings(key: string): string[] {
  const form = new URLSearchParams({ k: key }).toString().slice(2);
  const html = key.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return [
    key,
    encodeURIComponent(key),
    encodeURI(key),
    encodeURIComponent(encodeURIComponent(key)),
    jsEscape(key),
    form,
    form.toLowerCase() === form ? form : form.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()),
    JSON.stringify(key).slice(1, -1),
    JSON.stringify(key).slice(1, -1).replace(
      /[^\x20-\x7e]/gu,
      (c) => c.split("").map((u) => `\\u${u.charCodeAt(0).toString(16).padStart(4, "0")}`).join(""),
    ),
    html,
  ];
}

Deno.test("SecretMask.mask() hides a key in every spelling: raw, percent-encoded either way or twice, escape(), JSON, HTML", () => {
  const mask = new SecretMask();
  for (const key of KEYS) mask.add(key);
  for (const key of KEYS) {
    for (const spelled of spellings(key)) {
      const masked = mask.mask(`before ${spelled} after`);
      assert.equal(masked, "before *** after", `${key} as ${spelled}`);
    }
  }
});

Deno.test("SecretMask.maskUrl() masks a query key written by URLSearchParams, and the user and password", () => {
  const mask = new SecretMask();
  for (const key of KEYS) mask.add(key);
  const url = new URL("https://user:pw@api.example.com/v1/contacts");
  url.searchParams.set("limit", "100");
  url.searchParams.set("api_key", KEYS[0]!);
  url.searchParams.set("other", KEYS[1]!);
  url.password = KEYS[2]!;
  const shown = mask.maskUrl(url.href);
  assert.equal(
    shown,
    "https://user:***@api.example.com/v1/contacts?limit=100&api_key=***&other=***",
  );
});

Deno.test("SecretMask.mask() hides any key in any spelling, whatever text surrounds it (property)", () => {
  fc.assert(
    fc.property(
      fc.string({ minLength: 4, maxLength: 30, unit: "grapheme" }),
      fc.string({ maxLength: 40 }),
      fc.string({ maxLength: 40 }),
      fc.integer({ min: 0, max: 9 }),
      (key, before, after, how) => {
        fc.pre(key.trim().length >= 4);
        const mask = new SecretMask();
        mask.add(key);
        const spelled = spellings(key)[how]!;
        const masked = mask.mask(`${before}${spelled}${after}`);
        assert.ok(!masked.includes(spelled), `${JSON.stringify(spelled)} in ${masked}`);
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("SecretMask.mask() masks a longer key whole when a shorter one is part of it", () => {
  const mask = new SecretMask();
  mask.add("abcd");
  mask.add("abcdefgh-long");
  assert.equal(mask.mask("x abcdefgh-long y abcd"), "x *** y ***");
});

/** JS escape(), deprecated but still used by old servers: %E9 for é, %u20AC for €. */
function jsEscape(key: string): string {
  return (globalThis as unknown as { escape: (text: string) => string }).escape(key);
}

Deno.test("inlineUrlPassword() finds a password written in a URL, not a ${VAR} reference", () => {
  assert.equal(inlineUrlPassword("postgres://u:p%40ss%2Fw@h/db"), "p@ss/w");
  assert.equal(inlineUrlPassword("postgres://u:${PG_PASSWORD}@h/db"), undefined);
  assert.equal(inlineUrlPassword("postgres://u@h/db"), undefined);
  assert.equal(inlineUrlPassword("data/plutus.db"), undefined);
});

Deno.test("resolveUrlVars() puts each value in a source's url as a server reads it back", () => {
  const env: Record<string, string> = {
    KEY: "ab+cd/ef==&x=1 #?%2B",
    BASE: "https://api.example.com/v2",
    HOST: "eu1.example.com:8443",
    SEGMENT: "acct 7/lists?#",
    PASSWORD: "p@ss:w/rd+",
  };
  const lookup = (name: string) => env[name];
  // a value in the query is one value: the server's parameter is the key, byte for byte
  for (
    const url of [
      "https://x.example/v1?api_key=${KEY}",
      "https://x.example/v1?a=1&api_key=${KEY}#top",
    ]
  ) {
    const resolved = new URL(resolveUrlVars(url, lookup));
    assert.equal(resolved.searchParams.get("api_key"), env.KEY);
    assert.equal(resolved.pathname, "/v1");
  }
  // in the path: its slashes stay path, ? # % and spaces do not end it
  const path = new URL(resolveUrlVars("https://x.example/${SEGMENT}/members?limit=5", lookup));
  assert.equal(path.pathname, "/acct%207/lists%3F%23/members");
  assert.equal(path.searchParams.get("limit"), "5");
  // the address itself, or its host, as written; a password encoded whole
  assert.equal(
    resolveUrlVars("${BASE}/contacts?key=${KEY}", lookup),
    `${env.BASE}/contacts?key=${encodeURIComponent(env.KEY!)}`,
  );
  assert.equal(new URL(resolveUrlVars("https://${HOST}/v1", lookup)).host, env.HOST);
  const basic = new URL(resolveUrlVars("https://me:${PASSWORD}@x.example/v1", lookup));
  assert.equal(decodeURIComponent(basic.password), env.PASSWORD);
  assert.equal(basic.host, "x.example");
  // a ? brought by an earlier value puts a later one in the query
  const withQuery = { ...env, CRM_URL: "https://crm.example/v1/deals?format=json" };
  const chained = new URL(
    resolveUrlVars(
      "${CRM_URL}&api_key=${KEY}",
      (name) => withQuery[name as keyof typeof withQuery],
    ),
  );
  assert.equal(chained.searchParams.get("api_key"), env.KEY);
  assert.equal(chained.searchParams.get("format"), "json");
  assert.equal(chained.hash, "");
  // a variable without a value is left as written and named
  const missing: string[] = [];
  assert.equal(
    resolveUrlVars("https://x.example/?k=${NOPE}", lookup, missing),
    "https://x.example/?k=${NOPE}",
  );
  assert.deepEqual(missing, ["NOPE"]);
});

Deno.test("resolveUrlVars() sends any key in the query as itself (property)", () => {
  fc.assert(
    fc.property(fc.string({ unit: "grapheme", minLength: 1 }), (key) => {
      const url = resolveUrlVars("https://x.example/v1?api_key=${KEY}&page=2", () => key);
      const params = new URL(url).searchParams;
      assert.equal(params.get("api_key"), key);
      assert.equal(params.get("page"), "2");
    }),
  );
});
