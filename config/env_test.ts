import assert from "node:assert/strict";
import fc from "fast-check";
import { inlineUrlPassword, SecretMask } from "./env.ts";

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
