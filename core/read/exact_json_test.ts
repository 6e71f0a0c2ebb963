import assert from "node:assert/strict";
import fc from "fast-check";
import { exactNumberText, parseJsonExact } from "./exact_json.ts";
import { compilePath, getPath, leafPaths } from "./dot_path.ts";

Deno.test("parseJsonExact() keeps the digits of numbers a double cannot hold", () => {
  const text =
    '{"id":1234567890123456789,"big":9007199254740993,"huge":1e400,"long":0.1000000000000000055511151231257827,"tiny":1e-400}';
  const body = parseJsonExact(text) as Record<string, unknown>;
  assert.equal(getPath(body, "id"), "1234567890123456789");
  assert.equal(getPath(body, "big"), "9007199254740993");
  assert.equal(getPath(body, "huge"), "1e400");
  assert.equal(getPath(body, "long"), "0.1000000000000000055511151231257827");
  assert.equal(getPath(body, "tiny"), "1e-400");
  assert.equal(compilePath("id")(body), "1234567890123456789");
  assert.equal(getPath(body, "id.rawJSON"), undefined); // a number has no fields
  // written back whole and unquoted: a reject's record, an object stored as JSON text
  assert.equal(JSON.stringify(body), text);
  assert.deepEqual(leafPaths(body), ["id", "big", "huge", "long", "tiny"]);
});

Deno.test("parseJsonExact() leaves numbers a double holds as numbers", () => {
  const text =
    '[1.50, 1e3, -0, 9007199254740992, 0.1, 1e-7, 5e-324, 1.7976931348623157e308, 123456789012345, -12.5E+2, 0.30000000000000004, "12345678901234567890"]';
  const values = parseJsonExact(text) as unknown[];
  assert.deepEqual(values, JSON.parse(text));
  assert.ok(values.every((value) => exactNumberText(value) === undefined));
});

Deno.test("any whole number written as a JSON number comes out as its exact digits", () => {
  fc.assert(
    fc.property(
      fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }),
      fc.nat({ max: 3 }),
      (number, depth) => {
        const digits = String(number);
        let text = digits;
        for (let i = 0; i < depth; i++) text = `{"a":[${text}]}`;
        const path = Array.from({ length: depth }, () => "a.0").join(".");
        const value = getPath(parseJsonExact(text), path);
        // a double that holds it exactly may stay a number; its text is the same digits
        assert.equal(String(value), digits);
      },
    ),
    { numRuns: 2000 },
  );
});

Deno.test("any double JSON.stringify writes is read back as that same number", () => {
  fc.assert(
    fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (number) => {
      const text = JSON.stringify([number, `${"9".repeat(20)}`]);
      assert.deepEqual(parseJsonExact(text), JSON.parse(text));
    }),
    { numRuns: 2000 },
  );
});
