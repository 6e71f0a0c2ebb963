import assert from "node:assert/strict";
import fc from "fast-check";
import { RowidSet } from "./rowid_set.ts";

Deno.test("RowidSet counts each rowid once, in the bitmap and past it (property)", () => {
  fc.assert(
    fc.property(
      fc.oneof(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: -(2 ** 40), max: 0 })),
      fc.array(
        fc.oneof(
          fc.nat(5000),
          fc.integer({ min: 2 ** 28, max: 2 ** 40 }),
          fc.integer({ min: -(2 ** 40), max: -1 }),
        ),
        {
          maxLength: 300,
        },
      ),
      (highest, rowids) => {
        const set = new RowidSet(highest);
        for (const rowid of rowids) set.add(rowid);
        assert.equal(set.size, new Set(rowids).size);
      },
    ),
    { numRuns: 300 },
  );
});
