import assert from "node:assert/strict";
import { cleanRules } from "../../../config/clean_rule_model.ts";
import { CellError, PercentCell } from "../cell.ts";
import { compileCleanRules } from "./compile_rules.ts";

/** Rules as an analyst writes them in YAML, compiled. */
const rules = (...written: unknown[]) => compileCleanRules(cleanRules.parse(written));

Deno.test("clean rules change text in order", () => {
  assert.equal(rules("trim", "lower")("  Jane.Doe@Example.COM "), "jane.doe@example.com");
  assert.equal(rules("collapse_spaces")("  a \u00a0  b\t c "), "a b c");
  assert.equal(rules("upper")("usd"), "USD");
  assert.equal(rules("title")("jane O'NEIL-smith"), "Jane O'neil-Smith");
  assert.equal(rules("trim")("\ufeff x \u200b"), "x");
  assert.equal(rules("lower")(12), 12);
});

Deno.test("null_if, default and empty text", () => {
  const clean = rules({ null_if: ["--", "N/A"] }, { default: "unknown" });
  assert.equal(clean("--"), "unknown");
  assert.equal(clean(" n/a "), "unknown");
  assert.equal(clean(""), "unknown");
  assert.equal(clean("google"), "google");
  assert.equal(rules("trim")("   "), null);
  assert.equal(rules()("   "), null);
});

Deno.test("replace works on plain text and on regular expressions", () => {
  assert.equal(rules({ replace: { from: "USD ", to: "" } })("USD 12 USD 3"), "12 3");
  assert.equal(rules({ replace: { regex: "\\s*\\(.*\\)$", to: "" } })("Brand (paused)"), "Brand");
  assert.equal(rules({ replace: { regex: "^(\\d+)-(\\d+)$", to: "$2/$1" } })("11-05"), "05/11");
});

Deno.test("map turns labels into codes and leaves unknown values for validation", () => {
  const clean = rules({ map: { "Paid Search": "cpc", "Paid Social": "paid_social", "": "none" } });
  assert.equal(clean("paid search"), "cpc");
  assert.equal(clean(" Paid Social "), "paid_social");
  assert.equal(clean("Email"), "Email");
  assert.equal(clean(null), "none");
});

Deno.test("url_param reads UTM fields from landing pages", () => {
  const source = rules({ url_param: "utm_source" });
  assert.equal(source("https://shop.example.com/p?utm_source=google&utm_medium=cpc"), "google");
  assert.equal(source("/collections/winter?utm_source=facebook#top"), "facebook");
  assert.equal(source("/?utm_source=news%20letter"), "news letter");
  assert.equal(source("https://shop.example.com/"), null);
  assert.equal(source(null), null);
});

Deno.test("parse_bool knows the usual words and the analyst's own", () => {
  const clean = rules("parse_bool");
  for (const yes of ["Yes", "TRUE", "y", "1", "x", "on"]) assert.equal(clean(yes), true, yes);
  for (const no of ["No", "false", "N", "0", "off"]) assert.equal(clean(no), false, no);
  assert.ok(clean("maybe") instanceof CellError);
  const custom = rules({ parse_bool: { true: ["Opted in"], false: ["Opted out"] } });
  assert.equal(custom("opted IN"), true);
});

Deno.test("a refused value names the rule that refused it", () => {
  const result = rules("trim", "parse_number")("12 apples");
  assert.ok(result instanceof CellError);
  assert.equal(result.reason, 'parse_number: "12 apples" is not a number');
});

Deno.test("a spreadsheet percentage is the fraction it holds, to parse_percent too", () => {
  const shown = new PercentCell(0.0123); // the cell shows 1.23%
  assert.equal(rules("parse_percent")(shown), 0.0123);
  assert.equal(rules({ null_if: ["n/a"] }, "parse_percent")(shown), 0.0123);
  assert.equal(rules("parse_number")(shown), 0.0123);
  assert.equal(rules()(shown), 0.0123);
  // a plain number in a percent column, and typed text, are percent points
  assert.equal(rules("parse_percent")(12.5), 0.125);
  assert.equal(rules("parse_percent")("1.23%"), 0.0123);
  // once a rule made another value of it, that value is what parse_percent reads
  assert.equal(rules({ map: { "0.0123": "5%" } }, "parse_percent")(shown), 0.05);
});
