import assert from "node:assert/strict";
import fc from "fast-check";
import { urlParam } from "./text_rules.ts";
import { queryParam } from "./query_param.ts";

/** url_param as it was written before the scan: URLSearchParams on the query. */
function reference(name: string, value: string): string | null {
  if (value.trim() === "") return null;
  const text = value.trim();
  const query = text.includes("?") ? text.slice(text.indexOf("?") + 1).split("#")[0]! : "";
  return new URLSearchParams(query).get(name);
}

// The pieces queries are made of, hostile ones among them: escapes (also broken and
// overlong ones), plus signs, lone surrogates, controls, no-break and other spaces.
const piece = fc.constantFrom(
  "?",
  "&",
  "=",
  "#",
  "%",
  "%5F",
  "%3D",
  "%26",
  "%C3%BC",
  "%FF",
  "%E2%82",
  "+",
  "utm_source",
  "utm_medium",
  "utm",
  "_source",
  "google",
  "a",
  "ü",
  "\ud800",
  "\udc00",
  "😀",
  "\u0000",
  "\t",
  "\n",
  " ",
  "\u00a0",
  "\u2028",
  "\ufeff",
  "https://shop.example.com/p/1",
);
const urlish = fc.array(piece, { maxLength: 14 }).map((pieces) => pieces.join(""));
const names = fc.constantFrom("utm_source", "utm", "a", "=", "&", "+", " ", "ü", "\ud800", "%5F");
const text = fc.array(piece, { maxLength: 3 }).map((pieces) => pieces.join(""));
// A page with a query of name=value pairs, the names mostly ones asked for.
const page = fc.tuple(
  text,
  fc.array(fc.tuple(fc.oneof(names, text), fc.constantFrom("=", "", "=="), text), {
    maxLength: 4,
  }),
  fc.constantFrom("", "#", "#utm_source=x", "?"),
).map(([before, pairs, after]) =>
  `https://x.com/${before}?${pairs.map((pair) => pair.join("")).join("&")}${after}`
);

Deno.test("url_param reads the same parameter as URLSearchParams, on any text", () => {
  fc.assert(
    fc.property(
      names,
      fc.oneof(page, urlish, fc.string(), fc.string({ unit: "binary" })),
      (n, text) => {
        assert.equal(urlParam(n)(text), reference(n, text));
      },
    ),
    { numRuns: 3000 },
  );
});

Deno.test("url_param reads landing pages as the analyst writes them", () => {
  const source = urlParam("utm_source");
  const page = "https://shop.example.com/p/4038?utm_source=linkedin&utm_medium=cpc";
  assert.equal(source(page), "linkedin");
  assert.equal(source(" https://x.com/?utm_medium=cpc&utm_source=bing#top "), "bing");
  assert.equal(source("https://x.com/?utm_source="), "");
  assert.equal(source("https://x.com/?utm_source"), "");
  assert.equal(source("https://x.com/??utm_source=a"), "a"); // one "?" is dropped, as URLSearchParams does
  assert.equal(source("https://x.com/???utm_source=a"), null);
  assert.equal(source("https://x.com/?utm%5Fsource=a+b%21"), "a b!");
  assert.equal(source("https://x.com/#?utm_source=a"), "a"); // the first "?" starts the query
  assert.equal(source("https://x.com/?a=1#utm_source=b"), null);
  assert.equal(source("https://x.com/p"), null);
  assert.equal(source("   "), null);
  assert.equal(source(12 as unknown as string), null);
});

Deno.test("queryParam() stays linear on a huge query without the parameter", () => {
  const query = "&".repeat(2_000_000) + "=".repeat(10) + "&x".repeat(500_000);
  const start = performance.now();
  assert.equal(queryParam(query, 0, query.length, "utm_source"), null);
  assert.ok(performance.now() - start < 2000, "took over 2 s: not linear");
});
