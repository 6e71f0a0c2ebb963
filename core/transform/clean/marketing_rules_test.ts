import assert from "node:assert/strict";
import { cleanRules } from "../../../config/clean_rule_model.ts";
import { CellError } from "../cell.ts";
import { compileCleanRules } from "./compile_rules.ts";
import { loadRuleLibraries } from "./rule_libraries.ts";

async function rules(...written: unknown[]) {
  const specs = cleanRules.parse(written);
  await loadRuleLibraries(specs);
  return compileCleanRules(specs);
}
const reason = (
  value: unknown,
) => (value instanceof CellError ? value.reason : `no error: ${value}`);

Deno.test("phone writes numbers as E.164, with a default country for local ones", async () => {
  const us = await rules("phone");
  assert.equal(us("(415) 555-2671"), "+14155552671");
  assert.equal(us("415.555.2671"), "+14155552671");
  assert.equal(us("+1 415-555-2671 ext. 12"), "+14155552671");
  assert.equal(us("+44 20 7946 0958"), "+442079460958");
  assert.equal(us("442079460958"), "+442079460958"); // a lost + (Excel drops it)
  assert.equal(us(4155552671), "+14155552671");
  assert.equal(
    reason(us("555-1234")),
    'phone: "555-1234" is not a valid phone number (read as US)',
  );
  assert.equal(reason(us("n/a")), 'phone: "n/a" is not a valid phone number (read as US)');
  const de = await rules({ phone: { country: "DE" } });
  assert.equal(de("030 12345678"), "+493012345678");
  assert.equal(de("0171 1234567"), "+491711234567");
  assert.equal((await rules({ phone: { country: "GB" } }))("020 7946 0958"), "+442079460958");
});

Deno.test("country turns names and codes into ISO codes", async () => {
  const alpha2 = await rules("country");
  const cases: [string, string][] = [
    ["United States", "US"],
    ["USA", "US"],
    ["U.S.A.", "US"],
    ["united kingdom", "GB"],
    ["UK", "GB"],
    ["England", "GB"],
    ["Deutschland", "DE"],
    ["Allemagne", "DE"],
    ["Alemania", "DE"],
    ["de", "DE"],
    ["DEU", "DE"],
    ["276", "DE"],
    ["Côte d'Ivoire", "CI"],
    ["Ivory Coast", "CI"],
    ["South Korea", "KR"],
    ["Holland", "NL"],
    [" Netherlands ", "NL"],
    ["Türkiye", "TR"],
    ["Viet Nam", "VN"],
  ];
  for (const [written, code] of cases) assert.equal(alpha2(written), code, written);
  assert.equal(
    reason(alpha2("Atlantis")),
    'country: "Atlantis" is not a country Plutus knows (use a name, or a code such as DE or DEU)',
  );
  assert.equal((await rules({ country: { to: "alpha3" } }))("Germany"), "DEU");
  assert.equal((await rules({ country: { to: "name" } }))("de"), "Germany");
});

Deno.test("currency_code keeps the currency of an amount", async () => {
  const code = await rules("currency_code");
  const cases: [string, string | null][] = [
    ["$1,234.50", "USD"],
    ["-$12.00", "USD"],
    ["€1.234,50", "EUR"],
    ["1.234,50 €", "EUR"],
    ["£99", "GBP"],
    ["¥1200", "JPY"],
    ["₹ 4,999", "INR"],
    ["USD 99", "USD"],
    ["99.00 eur", "EUR"],
    ["CHF 12.50", "CHF"],
    ["R$ 10,00", "BRL"],
    ["CA$ 15", "CAD"],
    ["A$20", "AUD"],
    ["1234.50", null],
  ];
  for (const [written, expected] of cases) assert.equal(code(written), expected, written);
  assert.equal((await rules({ currency_code: { dollar: "CAD", default: "CAD" } }))("$5"), "CAD");
  assert.equal((await rules({ currency_code: { default: "EUR" } }))("12,50"), "EUR");
  assert.equal(
    reason(code("12 apples")),
    'currency_code: "12 apples" names no currency Plutus knows',
  );
});

Deno.test("url_param reads UTM fields from real landing pages", async () => {
  const source = await rules({ url_param: "utm_source" });
  const campaign = await rules({ url_param: "utm_campaign" });
  const page =
    "https://shop.example.com/products/wool-scarf?variant=4123&utm_source=facebook&utm_medium=paid_social&utm_campaign=black+friday%202026&fbclid=IwAR2x#reviews";
  assert.equal(source(page), "facebook");
  assert.equal(campaign(page), "black friday 2026");
  assert.equal(source("/collections/winter?UTM_SOURCE=google"), null); // parameter names are case-sensitive
  assert.equal(campaign("/?utm_source=newsletter&utm_campaign="), null);
  assert.equal(source("not a url"), null);
});
