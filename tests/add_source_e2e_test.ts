/**
 * add-source and preview never guess silently, through the CLI on realistic exports:
 * Meta's report dates, a UK export's day/month order, date-times, a pattern another
 * source already reads, a workbook that opens on a "Read me" sheet — and what the run
 * and the export do with the result.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import * as XLSX from "@e965/xlsx";
import { expectCode, query, runCli, withTempDir, writeFiles } from "./helpers.ts";

const SPEND_SCHEMA = `columns:
  date:     { type: date, required: true }
  campaign: { type: text, required: true }
  channel:  { type: text, required: true }
  spend:    { type: decimal, min: 0 }
  impressions: { type: integer, min: 0 }
  clicks:   { type: integer, min: 0 }
key: [date, campaign, channel]
keep: last
`;

// Meta Ads Manager's export: the report's range on every row, the day in its own column
const META =
  `Reporting starts,Reporting ends,Day,Campaign name,Amount spent (USD),Impressions,Link clicks
11/01/2026,11/30/2026,11/01/2026,Spring Promo,300,12000,340
11/01/2026,11/30/2026,11/01/2026,Brand,200,8000,120
11/01/2026,11/30/2026,11/02/2026,Spring Promo,400,13000,360
11/01/2026,11/30/2026,11/02/2026,Brand,100,7000,90
`;

const addSource = (dir: string, file: string, ...more: string[]) =>
  runCli(["add-source", join(dir, file), "--project", dir, ...more]);

/** plutus.yaml with `channel: { value: meta }` where add-source listed it as unmapped. */
async function giveChannel(dir: string, channel: string) {
  const config = await Deno.readTextFile(join(dir, "plutus.yaml"));
  await Deno.writeTextFile(
    join(dir, "plutus.yaml"),
    config.replace(
      /\n( +)# no header found for: channel.*\n/,
      `\n$1channel: { value: ${channel} }\n`,
    ),
  );
}

Deno.test("add-source maps Meta's Day, not the report's start, and every day loads", () =>
  withTempDir(async (dir) => {
    const file = "Meta-Ads-Campaigns-Nov-1-2026-Nov-30-2026.csv";
    await writeFiles(dir, {
      "plutus.yaml": "sources: {}\n",
      "schema/ad_spend.yaml": SPEND_SCHEMA,
      [file]: META,
    });
    const added = expectCode(await addSource(dir, file, "--table", "ad_spend", "--yes"), 0).stdout;
    assert.match(
      added,
      /\n {2}meta_ads_campaigns:\n {4}kind: file\n {4}files: Meta-Ads-Campaigns-\*\.csv\n/,
    );
    assert.match(added, /date: \{ from: Day, clean: \[ \{ parse_date: MM\/DD\/YYYY \} \] \}/);
    assert.match(
      added,
      /; also fits: "Reporting starts" \(11\/01\/2026 on every row\), "Reporting ends" \(11\/30\/2026 on every row\)/,
    );
    await giveChannel(dir, "meta");
    // December's export matches the pattern November's made
    const december = "Meta-Ads-Campaigns-Dec-1-2026-Dec-31-2026.csv";
    await Deno.writeTextFile(
      join(dir, december),
      META.replaceAll("11/0", "12/0").replaceAll("11/30", "12/31"),
    );
    expectCode(await runCli(["upload", join(dir, file), join(dir, december), "--project", dir]), 0);
    assert.deepEqual(
      query(
        dir,
        "SELECT count(*) AS n, sum(spend) AS spend FROM ad_spend WHERE date LIKE '2026-11-%'",
      ),
      [{ n: 4, spend: 1000 }],
    );
    assert.deepEqual(query(dir, "SELECT count(*) AS n FROM ad_spend WHERE date LIKE '2026-12-%'"), [
      { n: 4 },
    ]);
  }));

Deno.test("add-source warns when a key column has one value on every row", () =>
  withTempDir(async (dir) => {
    const noDay = META.split("\n").map((line) => line.split(",").toSpliced(2, 1).join(",")).join(
      "\n",
    );
    await writeFiles(dir, {
      "plutus.yaml": "sources: {}\n",
      "schema/ad_spend.yaml": SPEND_SCHEMA,
      "meta_nov.csv": noDay,
    });
    const added = expectCode(await addSource(dir, "meta_nov.csv", "--table", "ad_spend"), 0).stdout;
    assert.match(
      added,
      /Check: key column date \("Reporting starts"\) has the same value, 11\/01\/2026, on every row: the sample's 4 rows would load as 2, and every row would merge into one per campaign: check the key or the mapping/,
    );
    // "Reporting ends" (11/30) proves the month comes first: no question
    assert.match(added, /read as month\/day\/year \("Reporting ends" has 11\/30\/2026\)/);
  }));

Deno.test("add-source asks for the day/month order a UK export does not prove, and --yes refuses", () =>
  withTempDir(async (dir) => {
    const uk =
      "Date,Campaign,Cost\n01/11/2026,Brand,10\n02/11/2026,Brand,20\n07/11/2026,Brand,30\n";
    await writeFiles(dir, {
      "plutus.yaml": "sources: {}\n",
      "schema/ad_spend.yaml": SPEND_SCHEMA,
      "uk_ads_2026-11.csv": uk,
    });
    const before = await Deno.readTextFile(join(dir, "plutus.yaml"));
    const refused = expectCode(
      await addSource(dir, "uk_ads_2026-11.csv", "--table", "ad_spend", "--yes"),
      2,
    );
    assert.match(
      refused.stderr,
      /error: the day\/month order is not known: Column date \("Date"\) holds 01\/11\/2026 … 07\/11\/2026, which fit month\/day\/year and day\/month\/year alike: no value in the sample proves which \(01\/11\/2026 is 2026-01-11 in mdy, 2026-11-01 in dmy\)\.\nhint: Say which with --date-order mdy or --date-order dmy\. Nothing was written\./,
    );
    assert.equal(await Deno.readTextFile(join(dir, "plutus.yaml")), before, "nothing written");

    expectCode(
      await addSource(
        dir,
        "uk_ads_2026-11.csv",
        "--table",
        "ad_spend",
        "--date-order",
        "dmy",
        "--yes",
      ),
      0,
    );
    await giveChannel(dir, "google_ads");
    expectCode(await runCli(["upload", join(dir, "uk_ads_2026-11.csv"), "--project", dir]), 0);
    assert.deepEqual(query(dir, "SELECT date FROM ad_spend ORDER BY date"), [
      { date: "2026-11-01" },
      { date: "2026-11-02" },
      { date: "2026-11-07" },
    ]);
    const wrong = expectCode(
      await addSource(dir, "uk_ads_2026-11.csv", "--table", "ad_spend", "--date-order", "dm"),
      2,
    );
    assert.match(wrong.stderr, /--date-order takes dmy, mdy or ymd; got "dm"/);
  }));

Deno.test("add-source reads a German export's 1.234 as 1234, and asks when the file does not say", () =>
  withTempDir(async (dir) => {
    const schema = "columns:\n  datum: { type: date, required: true }\n" +
      "  kampagne: { type: text, required: true }\n  kosten: { type: decimal }\n" +
      "key: [datum, kampagne]\n";
    await writeFiles(dir, {
      "plutus.yaml": "sources: {}\n",
      "schema/kosten.yaml": schema,
      // semicolons and 04.03.2026, no decimal comma in the sample
      "kosten_de.csv": "Datum;Kampagne;Kosten\n04.03.2026;A;1.234\n05.03.2026;B;10.000\n",
      // nothing says whether 1.234 is a decimal or a thousand and more
      "costs_en.csv": "Datum,Kampagne,Kosten\n2026-03-04,A,1.234\n2026-03-05,B,10.000\n",
    });
    expectCode(await addSource(dir, "kosten_de.csv", "--table", "kosten", "--yes"), 0);
    expectCode(await runCli(["upload", join(dir, "kosten_de.csv"), "--project", dir]), 0);
    assert.deepEqual(query(dir, "SELECT kampagne, kosten FROM kosten ORDER BY kampagne"), [
      { kampagne: "A", kosten: 1234 },
      { kampagne: "B", kosten: 10000 },
    ]);

    const before = await Deno.readTextFile(join(dir, "plutus.yaml"));
    const refused = expectCode(
      await addSource(dir, "costs_en.csv", "--table", "kosten", "--yes"),
      2,
    );
    assert.match(
      refused.stderr,
      /error: the decimal mark is not known: Column kosten \("Kosten"\) holds 1\.234, 10\.000: 1\.234 is 1234 if the file groups thousands with a dot \(--decimal comma\), or 1\.234 if the dot is a decimal point \(--decimal dot\); nothing in the sample shows which\.\nhint: Say which with --decimal comma or --decimal dot\. Nothing was written\./,
    );
    assert.equal(await Deno.readTextFile(join(dir, "plutus.yaml")), before, "nothing written");
    const args = ["--table", "kosten", "--name", "en", "--decimal", "dot", "--yes"];
    expectCode(await addSource(dir, "costs_en.csv", ...args), 0);
    expectCode(await runCli(["upload", join(dir, "costs_en.csv"), "--project", dir]), 0);
    assert.deepEqual(query(dir, "SELECT kosten FROM kosten WHERE _source = 'en' ORDER BY kosten"), [
      { kosten: 1.234 },
      { kosten: 10 },
    ]);
    const wrong = expectCode(
      await addSource(dir, "costs_en.csv", "--table", "kosten", "--decimal", ","),
      2,
    );
    assert.match(wrong.stderr, /--decimal takes comma or dot; got ","/);
  }));

Deno.test("add-source asks for the order of date-times too", () =>
  withTempDir(async (dir) => {
    await writeFiles(dir, {
      "plutus.yaml": "sources: {}\n",
      "schema/leads.yaml":
        "columns:\n  email: { type: email }\n  created_at: { type: datetime }\nkey: [email]\n",
      "crm_leads.csv": "Email,Created\na@x.com,03/04/2026 2:22 PM\nb@x.com,03/05/2026 9:01 AM\n",
    });
    const refused = expectCode(
      await addSource(dir, "crm_leads.csv", "--table", "leads", "--yes"),
      2,
    );
    assert.match(
      refused.stderr,
      /Column created_at \("Created"\) holds 03\/04\/2026 2:22 PM … 03\/05\/2026 9:01 AM/,
    );
    const added = expectCode(
      await addSource(dir, "crm_leads.csv", "--table", "leads", "--date-order", "dmy", "--yes"),
      0,
    ).stdout;
    assert.match(
      added,
      /created_at: \{ from: Created, clean: \[ \{ parse_date: DD\/MM\/YYYY h:mm A \} \] \}/,
    );
  }));

Deno.test("add-source refuses a files pattern another source's files also match", () =>
  withTempDir(async (dir) => {
    await writeFiles(dir, {
      "plutus.yaml":
        "sources:\n  meta_ads:\n    kind: file\n    files: meta_ads_*.csv\n    table: ad_spend\n",
      "schema/ad_spend.yaml": SPEND_SCHEMA,
      "meta_2026-11.csv": META,
    });
    const before = await Deno.readTextFile(join(dir, "plutus.yaml"));
    const refused = expectCode(
      await addSource(dir, "meta_2026-11.csv", "--table", "ad_spend", "--yes"),
      2,
    );
    assert.match(
      refused.stdout,
      /Check: files "meta_\*\.csv" could also match the files of source meta_ads \("meta_ads_\*\.csv"\)/,
    );
    assert.match(
      refused.stderr,
      /error: files "meta_\*\.csv" could also match the files of source meta_ads\nhint: Give the new source a pattern of its own with --files PATTERN/,
    );
    assert.equal(await Deno.readTextFile(join(dir, "plutus.yaml")), before, "nothing written");
    expectCode(
      await addSource(
        dir,
        "meta_2026-11.csv",
        "--table",
        "ad_spend",
        "--files",
        "meta_2026-*.csv",
        "--yes",
      ),
      0,
    );
    assert.match(await Deno.readTextFile(join(dir, "plutus.yaml")), /files: meta_2026-\*\.csv/);
  }));

Deno.test("a workbook that opens on a Read me sheet: preview and add-source propose --sheet", () =>
  withTempDir(async (dir) => {
    const book = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(
      book,
      XLSX.utils.aoa_to_sheet([
        ["Campaign performance report — November 2026"],
        [],
        ["This workbook lists spend by campaign and day. Figures are in USD and exclude VAT."],
      ]),
      "Read me",
    );
    XLSX.utils.book_append_sheet(
      book,
      XLSX.utils.aoa_to_sheet([["Day", "Campaign", "Cost"], ["2026-11-01", "Brand", 12.5]]),
      "Campaigns",
    );
    await Deno.writeFile(
      join(dir, "report.xlsx"),
      new Uint8Array(XLSX.write(book, { type: "array", bookType: "xlsx" })),
    );
    await writeFiles(dir, { "plutus.yaml": "sources: {}\n", "schema/ad_spend.yaml": SPEND_SCHEMA });

    const preview = expectCode(await runCli(["preview", join(dir, "report.xlsx")]), 0).stdout;
    assert.match(
      preview,
      /Sheet "Read me" holds no table \(only text \("Campaign performance report — November 2026"\)\); sheet 2, "Campaigns", has one: plutus preview FILE --sheet 2/,
    );
    const refused = expectCode(
      await addSource(dir, "report.xlsx", "--table", "ad_spend", "--yes"),
      2,
    );
    assert.match(
      refused.stderr,
      /its first sheet, "Read me", holds no table .*; sheet 2, "Campaigns", has one\nhint: Run again with --sheet 2/,
    );
    const added = expectCode(
      await addSource(dir, "report.xlsx", "--table", "ad_spend", "--sheet", "2", "--yes"),
      0,
    ).stdout;
    assert.match(added, /sheet: 2\n/);
    assert.match(added, /campaign: Campaign\n/);
  }));

Deno.test("a run names a header in another currency as such, never as a new spelling", () =>
  withTempDir(async (dir) => {
    await writeFiles(dir, {
      "plutus.yaml":
        "sources:\n  meta:\n    kind: file\n    files: meta_*.csv\n    table: ad_spend\n    columns:\n      date: { from: Day, clean: [{parse_date: MM/DD/YYYY}] }\n      campaign: Campaign name\n      channel: { value: meta }\n      spend: Amount spent (USD)\n",
      "schema/ad_spend.yaml": SPEND_SCHEMA,
      "meta_eur.csv": META.replace("(USD)", "(EUR)"),
    });
    const run = expectCode(
      await runCli(["upload", join(dir, "meta_eur.csv"), "--project", dir]),
      1,
    );
    const output = run.stdout + run.stderr;
    assert.match(
      output,
      /no header "Amount spent \(USD\)" for column spend \("Amount spent \(EUR\)" counts in EUR, not USD: a different column, not a new spelling of it\)/,
    );
    assert.doesNotMatch(output, /from: \[Amount spent \(USD\), Amount spent \(EUR\)\]/);
  }));

Deno.test("export writes E.164 phones and negative numbers as they are, free text protected", () =>
  withTempDir(async (dir) => {
    await writeFiles(dir, {
      "plutus.yaml": "sources:\n  crm:\n    kind: file\n    files: crm*.csv\n    table: leads\n",
      "schema/leads.yaml":
        "columns:\n  email: { type: email }\n  phone: { type: text, clean: [phone] }\n  note: { type: text }\n  balance: { type: decimal }\nkey: [email]\n",
      "crm.csv":
        'email,phone,note,balance\na@x.com,(415) 555-5874,+1 call back,-12.5\nb@x.com,+44 20 7946 0958,"=HYPERLINK(""http://x"",""y"")",3\n',
    });
    expectCode(await runCli(["upload", join(dir, "crm.csv"), "--project", dir]), 0);
    expectCode(
      await runCli(["export", "leads", "-o", "leads.csv", "--project", dir]),
      0,
    );
    const text = await Deno.readTextFile(join(dir, "exports", "leads.csv"));
    assert.match(text, /^email,phone,note,balance,/);
    assert.match(text, /\r\na@x\.com,\+14155555874,'\+1 call back,-12\.5,/);
    assert.match(text, /\r\nb@x\.com,\+442079460958,"'=HYPERLINK\(""http:\/\/x"",""y""\)",3,/);
    expectCode(
      await runCli([
        "export",
        "--sql",
        "SELECT phone, '+' || substr(phone, 2) AS rebuilt FROM leads ORDER BY email",
        "-o",
        "q.csv",
        "--project",
        dir,
      ]),
      0,
    );
    assert.equal(
      await Deno.readTextFile(join(dir, "exports", "q.csv")),
      "phone,rebuilt\r\n+14155555874,'+14155555874\r\n+442079460958,'+442079460958\r\n",
    );
  }));

/** GA4's traffic report: `#` lines, a chart's table (a row a day), then the main table. */
function ga4Report(month: string, days: number): string {
  const lines = [
    "# ----------------------------------------",
    "# Traffic acquisition: Session source / medium",
    "# ----------------------------------------",
    "Nth day,Sessions",
  ];
  for (let d = 0; d < days; d++) lines.push(`${String(d).padStart(4, "0")},${100 + d}`);
  lines.push("", "# ----------------------------------------", "# Free form 1");
  lines.push("# ----------------------------------------");
  lines.push("Session source / medium,Date,Sessions,Total users,Conversions,Total revenue");
  for (let d = 1; d <= days; d++) {
    const day = `${month}${String(d).padStart(2, "0")}`;
    lines.push(`google / cpc,${day},10,5,1,20.5`, `"linkedin.com / referral, paid",${day},3,2,0,1`);
  }
  return lines.join("\n") + "\n";
}

Deno.test("add-source and upload read a GA4 report's main table, this month and next (a day longer)", () =>
  withTempDir(async (dir) => {
    const november = "ga4_traffic_acquisition_20261101-20261130.csv";
    const december = "ga4_traffic_acquisition_20261201-20261231.csv";
    await writeFiles(dir, {
      "plutus.yaml": "sources: {}\n",
      "schema/ga_sessions.yaml": `columns:
  date: { type: date, required: true }
  source_medium: { type: text, required: true }
  sessions: { type: integer }
  users: { type: integer }
key: [date, source_medium]
`,
      [november]: ga4Report("202611", 30),
      [december]: ga4Report("202612", 31),
    });
    const refused = expectCode(
      await addSource(dir, november, "--table", "ga_sessions", "--skip-lines", "x"),
      2,
    );
    assert.match(refused.stderr, /--skip-lines takes a number of lines; got "x"/);
    const preview = expectCode(await runCli(["preview", join(dir, november), "--rows", "1"]), 0);
    assert.match(preview.stdout, /Header on line 39 \(38 line\(s\) above it skipped\): 6 columns/);
    assert.match(preview.stdout, /several tables: this is the one with the most rows/);
    const added = expectCode(
      await addSource(dir, november, "--table", "ga_sessions", "--yes"),
      0,
    ).stdout;
    assert.match(added, /source_medium: Session source \/ medium\n/);
    assert.match(added, /users: Total users\n/);
    assert.doesNotMatch(added, /skip_lines/);
    expectCode(
      await runCli(["upload", join(dir, november), join(dir, december), "--project", dir]),
      0,
    );
    assert.deepEqual(
      query(dir, "SELECT count(*) AS n, sum(sessions) AS sessions FROM ga_sessions"),
      [{ n: 122, sessions: 13 * 61 }],
    );
  }));

Deno.test("preview and add-source of a file that is not there say so, with the path", () =>
  withTempDir(async (dir) => {
    await writeFiles(dir, {
      "plutus.yaml": "sources: {}\n",
      "schema/leads.yaml": "columns:\n  email: { type: email }\n",
    });
    const missing = join(dir, "missing.csv");
    for (const args of [["preview", missing], ["add-source", missing, "--table", "leads"]]) {
      const result = await runCli([...args, "--project", dir]);
      assert.notEqual(result.code, 0);
      assert.ok(result.stderr.includes(`error: ${missing}: no such file`), result.stderr);
      assert.doesNotMatch(result.stderr, /os error|may read and write/);
    }
  }));
