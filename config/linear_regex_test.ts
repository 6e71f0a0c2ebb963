import assert from "node:assert/strict";
import { compileLinearRegex, regexProblem } from "./linear_regex.ts";

Deno.test("compileLinearRegex() matches in linear time where backtracking would hang", () => {
  const pattern = compileLinearRegex("^([a-z]+ ?)*$");
  const started = performance.now();
  assert.equal(pattern.test(`${"a".repeat(100_000)}!`), false);
  assert.equal(pattern.test("a few plain words"), true);
  assert.ok(performance.now() - started < 1000, `${performance.now() - started} ms`);
});

Deno.test("compileLinearRegex() replaces like JavaScript: $1, $<name>, $&, $$", () => {
  const dates = compileLinearRegex("(?<m>\\d+)-(\\d+)");
  assert.equal(dates.replaceAll("11-05 and 1-2", "$2/$<m>"), "05/11 and 2/1");
  assert.equal(dates.replaceAll("1-2", "[$&] $$"), "[1-2] $");
  assert.equal(compileLinearRegex("\\u00e9|\\u{1F600}").replaceAll("café 😀", "E"), "cafE E");
});

Deno.test("regexProblem() names what RE2 does not support", () => {
  assert.equal(regexProblem("^Total"), undefined);
  assert.equal(regexProblem("(?i)^total"), undefined);
  assert.equal(
    regexProblem("(a)\\1"),
    "Plutus runs patterns in linear time (RE2 syntax), which has no backreferences (\\1...): match the text itself instead",
  );
  assert.equal(
    regexProblem("^(?!test)"),
    "Plutus runs patterns in linear time (RE2 syntax), which has no lookahead or lookbehind ((?!...): match the surrounding text instead",
  );
  assert.match(regexProblem("(?<=\\$)\\d+")!, /no lookahead or lookbehind \(\(\?<=\.\.\.\)/);
  assert.equal(
    regexProblem("^(Total"),
    "not a valid regular expression (missing closing ): `^(Total`)",
  );
  assert.equal(regexProblem("\\\\1"), undefined); // an escaped backslash, then a 1
});
