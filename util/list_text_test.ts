import assert from "node:assert/strict";
import { cutText, formatBytes, formatCount, listSome } from "./list_text.ts";

Deno.test("formatCount() groups thousands as en-US does", () => {
  for (const n of [0, 7, 999, 1000, 1234567, -1234.5, 12.25, 975000, -42]) {
    assert.equal(formatCount(n), n.toLocaleString("en-US"), String(n));
  }
});

Deno.test("listSome() names the first items and counts the rest", () => {
  assert.equal(listSome(["a", "b"]), "a, b");
  const many = Array.from({ length: 1234 }, (_, i) => `h${i}`);
  assert.equal(listSome(many, 3), "h0, h1, h2, … and 1,231 more");
  assert.equal(listSome(many, 2, " | "), "h0 | h1 | … and 1,232 more");
});

Deno.test("formatBytes() says KB below 1 MB, then MB, thousands separated", () => {
  assert.equal(formatBytes(512), "512 B");
  assert.equal(formatBytes(42_923), "41.9 KB");
  assert.equal(formatBytes(43_953_152), "41.9 MB");
  assert.equal(formatBytes(2_147_483_648), "2,048.0 MB");
});

Deno.test("listSome() and cutText() cut a long item and say where", () => {
  const long = "x".repeat(200_000);
  assert.equal(cutText("short"), "short");
  assert.equal(cutText(long, 5), "xxxxx… (cut at 5 of 200,000 characters)");
  assert.equal(listSome(["a", long]), `a, ${"x".repeat(80)}… (cut at 80 of 200,000 characters)`);
});
