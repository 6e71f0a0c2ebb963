import assert from "node:assert/strict";
import { matchesGlob } from "node:path";
import fc from "fast-check";
import { matchesFiles } from "../project/inbox.ts";
import { filesPattern, globsIntersect, patternsOverlap, sourceName } from "./file_pattern.ts";

Deno.test("filesPattern() turns dates, month names and timestamps into *, keeping names", () => {
  const cases: [string, string, string][] = [
    [
      "Meta-Ads-Campaigns-Nov-1-2026-Nov-30-2026.csv",
      "meta_ads_campaigns",
      "Meta-Ads-Campaigns-*.csv",
    ],
    ["Facebook Ads 01.11.2026 bis 30.11.2026.csv", "facebook_ads", "Facebook Ads *.csv"],
    ["Meta Ads November 2026.csv", "meta_ads", "Meta Ads *.csv"],
    ["ga4_sessions_2026-11.csv", "ga4_sessions", "ga4_sessions_*.csv"],
    ["deals_20261130_101500.csv", "deals", "deals_*.csv"],
    ["Campaigns Report Q3 2026.xlsx", "campaigns_report", "Campaigns Report *.xlsx"],
    ["leads.csv", "leads", "leads*.csv"],
    // a time of day after a date is part of the timestamp, with its zone
    ["hubspot-contacts-2026-11-30T10_22_33.csv", "hubspot_contacts", "hubspot-contacts-*.csv"],
    ["contacts_2026-11-30T10-22-33.csv", "contacts", "contacts_*.csv"],
    ["contacts-2026-11-30T10:22:33.csv", "contacts", "contacts-*.csv"],
    ["contacts_2026-11-30T102233Z.csv", "contacts", "contacts_*.csv"],
    ["contacts 2026-11-30 10-22-33.csv", "contacts", "contacts *.csv"],
    // week numbers
    ["ads_2026_w47.csv", "ads", "ads_*.csv"],
    ["ads_2026_W47.csv", "ads", "ads_*.csv"],
    ["ads_wk47.csv", "ads", "ads_*.csv"],
    ["Umsatz KW47 2026.csv", "umsatz", "Umsatz *.csv"],
    // a browser's " (1)" on a second download is no part of the export's name
    ["report (1).csv", "report", "report*.csv"],
    ["report(2).csv", "report", "report*.csv"],
    ["Spend Report - Dec 2026 (3).csv", "spend_report", "Spend Report - *.csv"],
    ["leads final (1).csv", "leads_final", "leads final*.csv"],
    // random export ids: hex, UUIDs, long numbers
    [
      "subscribed_email_audience_export_8c3e4f91d2.csv",
      "subscribed_email_audience_export",
      "subscribed_email_audience_export_*.csv",
    ],
    ["members_export_a1b2c3.csv", "members_export", "members_export_*.csv"],
    ["export_3FA85F64-5717-4562-B3FC-2C963F66AFA6_leads.csv", "export_leads", "export_*_leads.csv"],
    ["report_1764151200000.csv", "report", "report_*.csv"],
    // a word, then a number, keeps its word
    ["decade2026_sales.csv", "decade_sales", "decade*_sales.csv"],
  ];
  for (const [file, name, pattern] of cases) {
    assert.equal(sourceName(file), name, file);
    assert.equal(filesPattern(file), pattern, file);
    assert.ok(matchesGlob(file, pattern), `${pattern} matches ${file}`);
  }
  // next month's export matches the pattern made from this month's
  assert.ok(
    matchesGlob(
      "Meta-Ads-Campaigns-Dec-1-2026-Dec-31-2026.csv",
      filesPattern("Meta-Ads-Campaigns-Nov-1-2026-Nov-30-2026.csv"),
    ),
  );
  assert.ok(matchesGlob("a[1].csv", filesPattern("a[1].csv")), "glob syntax in a name is literal");
  // the next export, and the first download, match the pattern made from a later one
  assert.ok(matchesGlob("ads_2026_w48.csv", filesPattern("ads_2026_w47.csv")));
  assert.ok(matchesGlob("report.csv", filesPattern("report (1).csv")));
  assert.ok(
    matchesGlob(
      "hubspot-contacts-2026-12-01T08_05_09.csv",
      filesPattern("hubspot-contacts-2026-11-30T10_22_33.csv"),
    ),
  );
  // a letter that names the export stays: "T" only after a date, "w" only before a week
  assert.equal(filesPattern("report_T1.csv"), "report_T1*.csv");
  assert.equal(filesPattern("ads_w60.csv"), "ads_w60*.csv");
});

Deno.test("patternsOverlap() finds patterns a file could match both of", () => {
  assert.equal(patternsOverlap("meta_ads_*.csv", ["meta_ads_*.csv"]), true, "identical");
  assert.equal(patternsOverlap("META_ADS_*.CSV", ["meta_ads_*.csv"]), true, "case aside");
  assert.equal(patternsOverlap("meta_*.csv", ["meta_ads_*.csv"]), true, "one contains the other");
  assert.equal(patternsOverlap("meta_ads_*.csv", ["meta_*.csv"]), true);
  assert.equal(patternsOverlap("meta_ads_*.csv", ["x.csv", "*.csv"]), true, "any of a list");
  assert.equal(patternsOverlap("x_*.csv", ["*_2026*.csv"]), true, "a date fills both");
  assert.equal(patternsOverlap("report_*.csv", ["*_leads.csv"], "report_leads.csv"), true);
  assert.equal(patternsOverlap("google_ads_*.csv", ["meta_ads_*.csv"]), false);
  assert.equal(patternsOverlap("Meta-Ads-Campaigns-*.csv", ["meta_ads_*.csv"]), false);
  assert.equal(patternsOverlap("leads*.csv", ["deals*.csv"], "leads.csv"), false);
});

Deno.test("globsIntersect() is true exactly when some name matches both globs", () => {
  // every name over {a, b} up to 6 characters: enough to find a common name of two globs of
  // up to 3 positions each, if there is one
  // (a file name is never empty)
  let level = [""];
  const names: string[] = [];
  for (let length = 1; length <= 6; length++) {
    level = level.flatMap((name) => [`${name}a`, `${name}b`]);
    names.push(...level);
  }
  const glob = fc.string({ unit: fc.constantFrom("a", "b", "*", "?"), minLength: 1, maxLength: 3 });
  fc.assert(
    fc.property(glob, glob, (x, y) => {
      const both = names.some((name) => matchesFiles(name, [x]) && matchesFiles(name, [y]));
      assert.equal(globsIntersect(x, y), both, `${x} and ${y}`);
    }),
    { numRuns: 500 },
  );
  // the tester's case: an existing source's files also match a new wildcard pattern
  assert.ok(globsIntersect("*2026-11.csv", "uk_ads_*.csv"));
  assert.ok(globsIntersect("*ads_2026-1?.csv", "uk_ads_*.csv"));
  assert.ok(!globsIntersect("google_ads_*.csv", "meta_ads_*.csv"));
});

/** A part of a file name that changes from one export to the next. */
const varying = fc.oneof(
  // a hex id with a letter after a digit, as Mailchimp and others write them
  fc.tuple(
    fc.stringMatching(/^[0-9a-f]{0,6}[0-9][0-9a-f]{0,4}[a-f][0-9a-f]{0,8}$/),
    fc.boolean(),
  ).filter(([id]) => id.length >= 6).map(([id, upper]) => upper ? id.toUpperCase() : id),
  fc.uuid(),
  fc.integer({ min: 0, max: 2 ** 48 }).map(String),
  fc.date({ min: new Date("2000-01-01"), max: new Date("2099-12-31"), noInvalidDate: true })
    .chain((d) => {
      const iso = d.toISOString();
      return fc.constantFrom(
        iso.slice(0, 10),
        iso.slice(0, 10).replaceAll("-", ""),
        iso.slice(0, 19).replaceAll(":", "_"),
        `${iso.slice(0, 10)}_${iso.slice(11, 19).replaceAll(":", "")}`,
      );
    }),
);
// the words that name an export: letters that cannot read as a date, a month or an id
const word = fc.stringMatching(/^[g-z][a-z]{2,7}$/).filter((w) =>
  filesPattern(`${w}.csv`) === `${w}*.csv`
);
const prefix = fc.tuple(
  fc.array(word, { minLength: 1, maxLength: 3 }),
  fc.constantFrom("_", "-", " "),
)
  .map(([words, sep]) => ({ text: words.join(sep), sep }));
const suffix = fc.option(word, { nil: "" });

Deno.test("filesPattern(): another export, with another id or date, matches; another prefix does not", () => {
  fc.assert(
    fc.property(prefix, varying, varying, suffix, prefix, (p, id, other, end, q) => {
      const name = (start: string, sep: string, id: string) =>
        `${start}${sep}${id}${end ? `${sep}${end}` : ""}.csv`;
      const pattern = filesPattern(name(p.text, p.sep, id));
      assert.ok(matchesFiles(name(p.text, p.sep, other), [pattern]), `${pattern} takes ${other}`);
      assert.doesNotMatch(sourceName(name(p.text, p.sep, id)), /\d{3}/, "no id in the name");
      fc.pre(!`${q.text}${q.sep}`.toLowerCase().startsWith(`${p.text}${p.sep}`.toLowerCase()));
      assert.ok(!matchesFiles(name(q.text, q.sep, other), [pattern]), `${pattern} not ${q.text}`);
    }),
    { numRuns: 500 },
  );
});
