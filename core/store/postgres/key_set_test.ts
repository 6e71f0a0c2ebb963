import assert from "node:assert/strict";
import fc from "fast-check";
import { parseTableSchema } from "../../../config/load_table_schemas.ts";
import { keyPositions, KeySet } from "./key_set.ts";

/** Adds each row of `values` (`width` values each); which were surely new. */
function addAll(set: KeySet, values: (string | number)[], width: number): boolean[] {
  const fresh: boolean[] = [];
  for (let offset = 0; offset < values.length; offset += width) {
    fresh.push(set.add(values, offset));
  }
  return fresh;
}

Deno.test("KeySet tells each row whose key is new, and never misses a repeat (property)", () => {
  const part = fc.constantFrom("a", "b", "ab", "", "A", "é", "\u{1f600}", "1", "10");
  fc.assert(
    fc.property(fc.array(fc.tuple(part, part), { maxLength: 80 }), (keys) => {
      // rows of three values, the composite key in the first and the last
      const fresh = addAll(new KeySet([0, 2]), keys.flatMap(([a, b]) => [a, "other", b]), 3);
      // the model: a key is new when no earlier row had it (the 81 keys these parts make
      // have 81 different hashes, so exactly)
      const seen = new Set<string>();
      assert.deepEqual(
        fresh,
        keys.map((key) => !seen.has(JSON.stringify(key)) && !!seen.add(JSON.stringify(key))),
      );
    }),
    { numRuns: 500 },
  );
});

Deno.test("KeySet: the values of a composite key stay apart; numbers count by their digits", () => {
  assert.deepEqual(addAll(new KeySet([0, 1]), ["ab", "c", "a", "bc", "abc", "", "a", "bc"], 2), [
    true,
    true,
    true,
    false,
  ]);
  assert.deepEqual(addAll(new KeySet([0]), [1, 10, 100, 1], 1), [true, true, true, false]);
});

Deno.test("KeySet says 'maybe seen' once full, and for a key the server stores alike", () => {
  // 16 slots hold 12 keys (a load of 0.75)
  const small = new KeySet([0], 16);
  const keys = Array.from({ length: 20 }, (_, i) => `k${i}`);
  assert.deepEqual(addAll(small, keys, 1), keys.map((_, i) => i < 12));
  assert.equal(small.size, 12);
  // lone surrogates are U+FFFD once written as UTF-8: the server sees one key, whichever
  // spelling comes first (a staged "x\ud800" let a later "x\ufffd" go straight in)
  assert.deepEqual(addAll(new KeySet([0]), ["ok", "\ud800", "\udbff", "\ufffd"], 1), [
    true,
    true,
    false,
    false,
  ]);
  assert.deepEqual(addAll(new KeySet([0]), ["x\ufffd", "x\ud800"], 1), [true, false]);
  // growing keeps every key: each is still found after many doublings
  const large = new KeySet([0]);
  const many = Array.from({ length: 200_000 }, (_, i) => `key-${i}`);
  // 32-bit hashes: of 200,000 different keys, a few pairs hash alike (about 5 expected);
  // their second is staged, which costs a little and changes nothing
  const clashes = addAll(large, many, 1).filter((fresh) => !fresh).length;
  assert.ok(clashes <= 25, `${clashes} keys taken for repeats`);
  assert.equal(large.add(["key-123456"], 0), false);
  assert.equal(large.add(["key-200000"], 0), true);
});

Deno.test("keyPositions() finds the key among the insert columns, or the row hash", () => {
  const keyed = parseTableSchema(
    "columns:\n  v: { type: text }\n  k: { type: integer }\n  d: { type: date }\nkey: [d, k]\n",
    "schema/t.yaml",
    "t",
  );
  assert.deepEqual(keyPositions(keyed), [2, 1]);
  // a keyless table: the row hash, after the columns
  const keyless = parseTableSchema("columns:\n  v: { type: decimal }\n", "schema/t.yaml", "t");
  assert.deepEqual(keyPositions(keyless), [1]);
});
