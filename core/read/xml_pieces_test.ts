import assert from "node:assert/strict";
import fc from "fast-check";
import { piecesEndingWith } from "./xml_pieces.ts";

const encoder = new TextEncoder();

async function pieces(chunks: Uint8Array[], marker: string, max = 1 << 20): Promise<string[]> {
  const out: string[] = [];
  for await (const piece of piecesEndingWith(chunks, marker, max, () => new Error("too long"))) {
    out.push(piece);
  }
  return out;
}

Deno.test("pieces end at the last closing tag, also one split across chunks, and keep every byte", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.constantFrom("<row>", "é", "x", "</row>", "</ro", "w>", "<", "/"), {
        maxLength: 40,
      }).map((parts) => parts.join("")),
      fc.array(fc.nat(60), { maxLength: 8 }),
      async (text, cuts) => {
        const bytes = encoder.encode(text);
        const at = [...new Set(cuts.map((c) => Math.min(c, bytes.length)))].sort((a, b) => a - b);
        const chunks = [0, ...at].map((from, i) => bytes.slice(from, [...at, bytes.length][i]))
          .filter((c) => c.length > 0);
        const out = await pieces(chunks, "</row>");
        assert.equal(out.join(""), text);
        for (const piece of out.slice(0, -1)) assert.ok(piece.endsWith("</row>"), piece);
      },
    ),
    { numRuns: 500 },
  );
});

Deno.test("a closing tag split across two chunks ends a piece there", async () => {
  const chunks = ["<row>a</r", "ow><row>b"].map((t) => encoder.encode(t));
  assert.deepEqual(await pieces(chunks, "</row>"), ["<row>a</row>", "<row>b"]);
  const tight = ["<row>é</", "row>"].map((t) => encoder.encode(t));
  assert.deepEqual(await pieces(tight, "</row>"), ["<row>é</row>"]);
});

Deno.test("a 40 MB stretch without the tag is refused after the limit, not held whole", async () => {
  const chunk = new Uint8Array(1 << 20).fill(65);
  let given = 0;
  async function* endless() {
    while (given < 40) {
      given++;
      yield chunk;
    }
  }
  await assert.rejects(
    async () => {
      for await (
        const _ of piecesEndingWith(endless(), "</row>", 8 << 20, () => new Error("too long"))
      ) {
        // nothing
      }
    },
    /too long/,
  );
  assert.equal(given, 9);
});
