import assert from "node:assert/strict";
import fc from "fast-check";
import { collapseSpaces, trim } from "./text_rules.ts";

/** trim as it was written before the scan: one regex. */
const reference = (text: string) =>
  text.replace(/^[\s\u00a0\u200b\ufeff]+|[\s\u00a0\u200b\ufeff]+$/g, "");

// Every kind of space and near-space at the ends, and text between: controls that are no
// white space (\u0000, \u001f, \u0085, \u180e), surrogates, other scripts.
const edge = fc.constantFrom(
  " ",
  "\t",
  "\n",
  "\v",
  "\f",
  "\r",
  "\u0000",
  "\u0008",
  "\u000e",
  "\u001f",
  "\u0085",
  "\u00a0",
  "\u1680",
  "\u180e",
  "\u2000",
  "\u200a",
  "\u200b",
  "\u200c",
  "\u2028",
  "\u2029",
  "\u202f",
  "\u205f",
  "\u3000",
  "\ufeff",
  "\ud800",
  "x",
  "ü",
);
const padded = fc.tuple(
  fc.array(edge, { maxLength: 4 }),
  fc.string(),
  fc.array(edge, { maxLength: 4 }),
)
  .map(([before, middle, after]) => before.join("") + middle + after.join(""));

Deno.test("trim drops what the regex it replaced dropped, on any text", () => {
  fc.assert(
    fc.property(fc.oneof(padded, fc.string({ unit: "binary" }), fc.string()), (text) => {
      assert.equal(trim(text), reference(text), JSON.stringify(text));
    }),
    { numRuns: 5000 },
  );
  assert.equal(trim(" \u00a0 Jane.Doe@Example.COM\u200b\ufeff"), "Jane.Doe@Example.COM");
  assert.equal(trim("\u0000x\u0000"), "\u0000x\u0000"); // a control character is no space
  assert.equal(trim(" \t "), "");
  assert.equal(trim(12), 12);
});

Deno.test("collapse_spaces gives what the regex it replaced gave, on any text", () => {
  const reference = (text: string) => text.replace(/[\s\u00a0\u202f]+/g, " ").trim();
  const spaced = fc.array(fc.oneof(edge, fc.constantFrom("Dana", "Wang", "a", " ", "  ")), {
    maxLength: 10,
  }).map((pieces) => pieces.join(""));
  fc.assert(
    fc.property(fc.oneof(spaced, padded, fc.string({ unit: "binary" }), fc.string()), (text) => {
      assert.equal(collapseSpaces(text), reference(text), JSON.stringify(text));
    }),
    { numRuns: 5000 },
  );
  assert.equal(collapseSpaces("  Dana \u00a0 Wang\t"), "Dana Wang");
  assert.equal(collapseSpaces("Dana Wang"), "Dana Wang");
  assert.equal(collapseSpaces("\u200bDana\u200b"), "\u200bDana\u200b"); // zero width: no white space
  assert.equal(collapseSpaces(" \n "), "");
});
