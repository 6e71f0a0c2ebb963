/**
 * Real-world exports through the CLI: workbooks saved by LibreOffice, several sources
 * feeding one table, header aliases, rejects fixed and uploaded again, preview and
 * add-source.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expectCode, filesIn, plutus, query, runCli, withTempDir, writeFiles } from "./helpers.ts";
import { demoFiles } from "../core/init/demo_project.ts";
import { rowXml, xlsxOf } from "./xlsx_fixture.ts";

const OFFICE = fileURLToPath(new URL("./fixtures/office/", import.meta.url));

/** `plutus add-source FILE --table TABLE [more…] --project DIR`, expected to succeed: its output. */
async function addSource(dir: string, file: string, table: string, ...more: string[]) {
  return expectCode(
    await runCli(["add-source", file, "--table", table, ...more, "--project", dir]),
    0,
  ).stdout;
}

const SPEND_SCHEMA = `columns:
  date:     { type: date, required: true }
  campaign: { type: text, required: true }
  channel:  { type: text, required: true }
  spend:    { type: decimal, min: 0 }
  clicks:   { type: integer, min: 0 }
  cpc:      { type: decimal }
key: [date, campaign, channel]
keep: last
`;

Deno.test("workbooks saved by LibreOffice load from the right sheet, with dates and formula values", () =>
  withTempDir(async (dir) => {
    await writeFiles(dir, {
      "schema/ad_spend.yaml": SPEND_SCHEMA,
      "plutus.yaml": `sources:
  report:
    kind: file
    files: ["report.xlsx", "report.ods", "report.xls"]
    table: ad_spend
    sheet: Campaigns
    stop_at: "^Total"
    reject_limit: 0.5
    columns:
      date: { from: [Date, Day] }
      channel: { value: search }
      spend: Cost
      cpc: Cost per click
`,
    });
    const run = expectCode(
      await runCli(["upload", join(OFFICE, "report.xlsx"), "--project", dir]),
      0,
    );
    assert.match(run.stdout, /report\s+report\.xlsx\s+succeeded\s+3\s+2\s+0\s+0\s+1/);
    assert.match(run.stdout, /cpc: "#DIV\/0!" is not a number .* \(report\.xlsx:Campaigns!8\)/);
    assert.match(run.stdout, /stopped at row 9 \(stop_at matched "Total"\)/);
    assert.deepEqual(
      query(
        dir,
        "SELECT date, campaign, spend, clicks, round(cpc, 4) AS cpc FROM ad_spend ORDER BY date",
      ),
      [
        {
          date: "2026-11-01",
          campaign: 'Brand & "Search"',
          spend: 1234.5,
          clicks: 812,
          cpc: 1.5203,
        },
        {
          date: "2026-11-02",
          campaign: "Black Friday – Shopping 🛍️",
          spend: 99.99,
          clicks: 10,
          cpc: 9.999,
        },
      ],
    );
    // the same data as .ods: duplicates. The .xls keeps the formula results in its own
    // precision (9.998999999999999 for 9.999), so its two rows update.
    const ods = expectCode(
      await runCli(["upload", join(OFFICE, "report.ods"), "--project", dir]),
      0,
    );
    assert.match(ods.stdout, /report\.ods\s+succeeded\s+3\s+0\s+0\s+2\s+1/);
    const xls = expectCode(
      await runCli(["upload", join(OFFICE, "report.xls"), "--project", dir]),
      0,
    );
    assert.match(xls.stdout, /report\.xls\s+succeeded\s+3\s+0\s+2\s+0\s+1/);
    assert.match(xls.stdout, /skipped 3 row\(s\) above the header/);
    assert.deepEqual(query(dir, "SELECT count(*) AS n FROM ad_spend"), [{ n: 2 }]);
  }));

Deno.test("two sources feed one table; _source tells them apart and the key holds across them", () =>
  withTempDir(async (dir) => {
    await writeFiles(dir, {
      "schema/ad_spend.yaml": SPEND_SCHEMA,
      "plutus.yaml": `sources:
  google:
    kind: file
    files: "google_*.csv"
    table: ad_spend
    columns: { date: Day, campaign: Campaign, spend: { from: Cost, clean: [parse_number] }, channel: { value: paid } }
  meta:
    kind: file
    files: "meta_*.csv"
    table: ad_spend
    columns:
      date: { from: Date, clean: [{ parse_date: "DD.MM.YYYY" }] }
      campaign: Campaign name
      spend: { from: [Amount spent (EUR), Amount spent], clean: [{ parse_number: { decimal: "," } }] }
      channel: { value: paid }
`,
      "google_nov.csv": 'Day,Campaign,Cost\n2026-11-01,Brand,"$1,000.00"\n2026-11-02,Brand,$5.00\n',
      "meta_nov.csv":
        "Date;Campaign name;Amount spent\n02.11.2026;Brand;7,50\n03.11.2026;Video;1.234,00\n",
    });
    expectCode(
      await runCli([
        "upload",
        join(dir, "google_nov.csv"),
        join(dir, "meta_nov.csv"),
        "--project",
        dir,
      ]),
      0,
    );
    assert.deepEqual(
      query(dir, "SELECT date, campaign, spend, _source FROM ad_spend ORDER BY date, campaign"),
      [
        { date: "2026-11-01", campaign: "Brand", spend: 1000, _source: "google" },
        { date: "2026-11-02", campaign: "Brand", spend: 7.5, _source: "meta" }, // keep: last — meta came second
        { date: "2026-11-03", campaign: "Video", spend: 1234, _source: "meta" },
      ],
    );
  }));

Deno.test("a renamed header with no alias fails before loading, naming what the file has", () =>
  withTempDir(async (dir) => {
    await writeFiles(dir, {
      "schema/ad_spend.yaml": SPEND_SCHEMA,
      "plutus.yaml": `sources:
  google:
    kind: file
    files: "google_*.csv"
    table: ad_spend
    columns: { date: { from: [Day, Date] }, campaign: Campaign, spend: Cost, channel: { value: paid } }
`,
      "google_dec.csv": "Reporting day,Campaign,Costs\n2026-12-01,Brand,5\n",
    });
    const result = expectCode(
      await runCli(["upload", join(dir, "google_dec.csv"), "--project", dir]),
      1,
    );
    assert.match(
      result.stdout,
      /google_dec\.csv:1: no header "Day" or "Date" for column date \(closest: "Reporting day"\); no header "Cost" for column spend \(closest: "Costs"\)\. Headers found: Reporting day, Campaign, Costs/,
    );
    assert.match(
      result.stdout,
      /hint: In plutus\.yaml, under sources\.google\.columns, list the new spelling: date: \{from: \[Day, Date, Reporting day\]\}/,
    );
    assert.deepEqual(await filesIn(join(dir, "inbox")), ["google_dec.csv"]);
  }));

Deno.test("rejects exported to CSV, fixed and uploaded again, load the missing rows", () =>
  withTempDir(async (dir) => {
    await writeFiles(dir, {
      "schema/leads.yaml":
        "columns:\n  email: { type: email, required: true, clean: [trim, lower] }\n  phone: { type: text, clean: [{ phone: { country: US } }] }\n  country: { type: text, clean: [country] }\nkey: [email]\n",
      "plutus.yaml":
        'reject_limit: 0.7\nsources:\n  crm:\n    kind: file\n    files: "crm_*.csv"\n    table: leads\n',
      "crm_export.csv":
        "Email,Phone,Country\na@x.com,(415) 555-2671,USA\nb@x.com,555-12,Deutschland\nc@x,+44 20 7946 0958,UK\n",
    });
    expectCode(await runCli(["upload", join(dir, "crm_export.csv"), "--project", dir]), 0);
    assert.deepEqual(query(dir, "SELECT email, phone, country FROM leads"), [{
      email: "a@x.com",
      phone: "+14155552671",
      country: "US",
    }]);
    const shown = expectCode(await runCli(["rejects", "--project", dir]), 0).stdout;
    assert.match(
      shown,
      /crm_export\.csv:3\s+phone: "555-12" is not a valid phone number \(read as US\)/,
    );
    expectCode(await runCli(["rejects", "1", "--csv", "--project", dir]), 0);
    const file = join(dir, "exports", "rejects-run-1", "crm_export.rejects-run-1.csv");
    const text = await Deno.readTextFile(file);
    assert.equal(
      text,
      '\ufeffEmail,Phone,Country,_reason,_location,_source\r\nb@x.com,555-12,Deutschland,"phone: ""555-12"" is not a valid phone number (read as US)",crm_export.csv:3,crm\r\n' +
        'c@x,\'+44 20 7946 0958,UK,"email: ""c@x"" is not an email address",crm_export.csv:4,crm\r\n',
    );
    // the analyst fixes both rows in a spreadsheet and saves the file
    await Deno.writeTextFile(
      file,
      text.replace("555-12", "030 1234567").replace("c@x,", "c@x.com,").replace(
        ",Deutschland,",
        ",Deutschland,",
      ),
    );
    const fixedText = (await Deno.readTextFile(file)).replace("030 1234567", "+49 30 1234567");
    await Deno.writeTextFile(file, fixedText);
    expectCode(await runCli(["upload", file, "--project", dir]), 0);
    assert.deepEqual(query(dir, "SELECT email, phone, country FROM leads ORDER BY email"), [
      { email: "a@x.com", phone: "+14155552671", country: "US" },
      { email: "b@x.com", phone: "+49301234567", country: "DE" },
      { email: "c@x.com", phone: "+442079460958", country: "GB" },
    ]);
  }));

Deno.test("preview shows how a file is read; add-source writes a source that loads it", () =>
  withTempDir(async (dir) => {
    expectCode(await runCli(["init", dir, "--demo"]), 0);
    const sample = join(dir, "linkedin_ads_2026-11.csv");
    await Deno.writeTextFile(
      sample,
      'LinkedIn campaign report\nReporting starts,Campaign name,Amount spent (USD),Impr.,Link clicks,Results\n11/14/2026,Spring Promo,"$1,234.50","12,000",340,--\n11/15/2026,Spring Promo,$99.00,"1,100",20,3\n',
    );
    const preview = expectCode(await runCli(["preview", sample]), 0).stdout;
    assert.match(
      preview,
      /^linkedin_ads_2026-11\.csv: CSV, utf-8, delimiter ","\nHeader on line 2 \(1 line\(s\) above it skipped\): 6 columns/,
    );
    assert.match(preview, /\n\s+3\s+11\/14\/2026\s+Spring Promo\s+\$1,234\.50/);

    const before = await Deno.readTextFile(join(dir, "plutus.yaml"));
    // the real binary, as the analyst runs it (the other add-source tests run in-process)
    const added = expectCode(
      await plutus(["add-source", sample, "--table", "ad_spend", "--yes", "--project", dir]),
      0,
    ).stdout;
    assert.match(
      added,
      /date: \{ from: Reporting starts, clean: \[ \{ parse_date: MM\/DD\/YYYY \} \] \}/,
    );
    assert.match(added, /spend: \{ from: Amount spent \(USD\), clean: \[ parse_number \] \}/);
    assert.match(added, /No header found for channel, currency/);
    const after = await Deno.readTextFile(join(dir, "plutus.yaml"));
    assert.ok(
      after.startsWith(before.trimEnd().split("\n").slice(0, 5).join("\n")),
      "the comments are kept",
    );
    // the analyst gives the constant channel the proposal asked for, then loads the file
    await Deno.writeTextFile(
      join(dir, "plutus.yaml"),
      after.replace(
        /\n {6}# no header found for: channel.*\n/,
        "\n      channel: { value: linkedin }\n",
      ),
    );
    const run = expectCode(await runCli(["upload", sample, "--project", dir]), 0);
    assert.match(run.stdout, /linkedin_ads\s+linkedin_ads_2026-11\.csv\s+succeeded\s+2\s+2/);
    assert.deepEqual(
      query(
        dir,
        "SELECT spend, impressions, conversions FROM ad_spend WHERE channel = 'linkedin' ORDER BY date",
      ),
      [
        { spend: 1234.5, impressions: 12000, conversions: null },
        { spend: 99, impressions: 1100, conversions: 3 },
      ],
    );
  }));

Deno.test("add-source reads a Google Ads report as exported: UTF-16, title lines, totals footer", () =>
  withTempDir(async (dir) => {
    await writeFiles(dir, {
      "plutus.yaml": "sources: {}\n",
      "schema/ad_spend.yaml": `columns:
  date:        { type: date, required: true }
  campaign:    { type: text, required: true }
  channel:     { type: text }
  impressions: { type: integer }
  clicks:      { type: integer }
  spend:       { type: decimal }
key: [date, campaign, channel]
`,
    });
    // as Google Ads writes it: UTF-16 with a BOM, tabs, CRLF, "Total:" rows at the end,
    // thousands separators in some number columns but not (yet) in Clicks
    const report = join(dir, "Campaign_report_2026-11-03.csv");
    const lines = [
      "Campaign report",
      "November 1, 2026 - November 3, 2026",
      "Day\tCampaign\tImpr.\tClicks\tCost",
      "Nov 1, 2026\tBrand - Search\t12,034\t873\t1,203.55",
      "Nov 2, 2026\tPMax - Shoes\t--\t0\t0.00",
      "Total: Account\t--\t12,034\t873\t1,203.55",
      "Total: Search\t--\t12,034\t873\t1,203.55",
    ];
    const text = "\ufeff" + lines.join("\r\n") + "\r\n";
    const utf16 = new Uint8Array(text.length * 2);
    for (let i = 0; i < text.length; i++) {
      utf16[2 * i] = text.charCodeAt(i) & 0xff;
      utf16[2 * i + 1] = text.charCodeAt(i) >> 8;
    }
    await Deno.writeFile(report, utf16);
    const added = await addSource(dir, report, "ad_spend", "--yes");
    assert.match(added, /skip_lines: 2\n\s+stop_at: \^Total\\s\*\(:\|\\\(\|\$\)\n/);
    assert.match(added, /date: \{ from: Day, clean: \[ \{ parse_date: "MMM D, YYYY" \} \] \}/);
    assert.match(added, /campaign: Campaign\n/, "the footer's -- is not taken for an empty value");
    assert.match(added, /clicks: \{ from: Clicks, clean: \[ parse_number \] \}/);
    const config = await Deno.readTextFile(join(dir, "plutus.yaml"));
    await Deno.writeTextFile(
      join(dir, "plutus.yaml"),
      config.replace(
        /\n {6}# no header found for: channel.*\n/,
        "\n      channel: { value: google_ads }\n",
      ),
    );
    expectCode(await runCli(["upload", report, "--project", dir]), 0);
    assert.deepEqual(
      query(dir, "SELECT date, campaign, impressions, clicks, spend FROM ad_spend ORDER BY date"),
      [
        {
          date: "2026-11-01",
          campaign: "Brand - Search",
          impressions: 12034,
          clicks: 873,
          spend: 1203.55,
        },
        { date: "2026-11-02", campaign: "PMax - Shoes", impressions: null, clicks: 0, spend: 0 },
      ],
    );
  }));

Deno.test("add-source reads a German export: headers, decimal commas, dot-grouped thousands", () =>
  withTempDir(async (dir) => {
    await writeFiles(dir, {
      "plutus.yaml": "sources:\n",
      "schema/ad_spend.yaml":
        "columns:\n  date: { type: date }\n  campaign: { type: text }\n  clicks: { type: integer }\n  spend: { type: decimal }\nkey: [date, campaign]\n",
    });
    // Windows-1252, semicolons, 1.024 clicks (a thousand and twenty-four), a "Summe" footer
    const file = join(dir, "kampagnen_2026-11.csv");
    const text =
      "Datum;Kampagne;Kosten;Klicks\r\n01.11.2026;Marke - Suche;1.234,56;1.024\r\n02.11.2026;Schuhe für Kinder;99,90;87\r\nSumme;;1.334,46;1.111\r\n";
    await Deno.writeFile(file, Uint8Array.from(text, (c) => c === "ü" ? 0xfc : c.charCodeAt(0)));
    const added = await addSource(dir, file, "ad_spend", "--yes");
    assert.match(added, /stop_at: \^Summe/);
    assert.match(
      added,
      /clicks: \{ from: Klicks, clean: \[ \{ parse_number: \{ decimal: "," \} \} \] \}/,
    );
    expectCode(await runCli(["upload", file, "--project", dir]), 0);
    assert.deepEqual(
      query(dir, "SELECT date, campaign, clicks, spend FROM ad_spend ORDER BY date"),
      [
        { date: "2026-11-01", campaign: "Marke - Suche", clicks: 1024, spend: 1234.56 },
        { date: "2026-11-02", campaign: "Schuhe für Kinder", clicks: 87, spend: 99.9 },
      ],
    );
  }));

Deno.test("a Salesforce report export: preview shows its footer, add-source stops before it", () =>
  withTempDir(async (dir) => {
    await writeFiles(dir, {
      "plutus.yaml": "sources: {}\n",
      "schema/deals.yaml":
        "columns:\n  deal_name: { type: text }\n  amount: { type: decimal }\n  close_date: { type: date }\nkey: [deal_name]\n",
      "report1764151200000.csv": [
        '"Opportunity Name","Amount","Close Date"',
        '"Acme - Renewal","12,500.00","11/20/2026"',
        '"Globex - New","8,000.00","12/15/2026"',
        '""',
        '""',
        '"Generated By:  Jane Doe  11/26/2026 10:00 AM"',
        '"Acme Inc."',
        '"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."',
        '"Confidential Information - Do Not Distribute"',
        "",
      ].join("\r\n"),
    });
    const file = join(dir, "report1764151200000.csv");
    const preview = expectCode(await runCli(["preview", file]), 0).stdout;
    assert.match(preview, /Not rows .*\n {2}line 6: Generated By: {2}Jane Doe/);
    const added = await addSource(dir, file, "deals", "--yes");
    assert.match(added, /report:\n\s+kind: file\n\s+files: report\*\.csv\n/);
    assert.match(added, /stop_at: "\^Generated By:"/);
    assert.match(added, /deal_name: Opportunity Name\n/);
    const run = expectCode(await runCli(["upload", file, "--project", dir]), 0).stdout;
    assert.match(run, /stopped at line 6 .*; 3 row\(s\) after it not read/);
    assert.deepEqual(query(dir, "SELECT deal_name, amount FROM deals ORDER BY amount"), [
      { deal_name: "Globex - New", amount: 8000 },
      { deal_name: "Acme - Renewal", amount: 12500 },
    ]);
  }));

Deno.test("add-source on a report whose data is not on the first sheet says which to try", () =>
  withTempDir(async (dir) => {
    await writeFiles(dir, {
      "plutus.yaml": "sources:\n",
      "schema/deals.yaml":
        "columns:\n  deal_name: { type: text }\n  amount: { type: decimal }\nkey: [deal_name]\n",
      // an "Excel" export that is HTML with a title table before the data table
      "pipeline_report.xls": `<html><body>
<table><tr><td>Pipeline Report</td></tr><tr><td>As of 11/26/2026</td></tr></table>
<table><tr><th>Opportunity Name</th><th>Amount</th></tr>
<tr><td>Acme &amp; Co</td><td>12500</td></tr><tr><td>Globex</td><td>8000</td></tr>
<tr><td>Grand Totals (2 records)</td><td>20500</td></tr></table></body></html>`,
    });
    const file = join(dir, "pipeline_report.xls");
    // the first sheet holds a title, not a table: the sheet that has one is proposed
    const first = expectCode(
      await runCli(["add-source", file, "--table", "deals", "--project", dir]),
      2,
    );
    assert.match(
      first.stderr,
      /error: pipeline_report\.xls: its first sheet, "Sheet1", holds no table \(only text \("Pipeline Report"\)\); sheet 2, "Sheet2", has one\nhint: Run again with --sheet 2/,
    );
    const added = await addSource(dir, file, "deals", "--sheet", "2", "--yes");
    assert.match(added, /sheet: 2\n\s+stop_at: \^Grand\\s\+Totals\\s\*\(:\|\\\(\|\$\)\n/);
    expectCode(await runCli(["upload", file, "--project", dir]), 0);
    assert.deepEqual(query(dir, "SELECT deal_name, amount FROM deals ORDER BY amount"), [
      { deal_name: "Globex", amount: 8000 },
      { deal_name: "Acme & Co", amount: 12500 },
    ]);
  }));

Deno.test("add-source warns before a line-item export empties orders under keep: last", () =>
  withTempDir(async (dir) => {
    await writeFiles(dir, {
      "plutus.yaml": "sources: {}\n",
      "schema/orders.yaml":
        "columns:\n  order_name: { type: text }\n  total: { type: decimal }\nkey: [order_name]\n",
      "orders_export.csv":
        "Name,Total,Lineitem name\n#1001,68.72,Blue T-Shirt\n#1001,,Red Cap\n#1002,142.80,Hoodie\n",
    });
    const added = await addSource(dir, join(dir, "orders_export.csv"), "orders");
    assert.match(
      added,
      /Check: lines 2 and 3 share the key order_name "#1001", and line 3 leaves total empty: with keep: last \(schema\/orders\.yaml\)/,
    );
  }));

Deno.test("a dry run of a workbook reports the counts and changes nothing", () =>
  withTempDir(async (dir) => {
    await writeFiles(dir, {
      "schema/ad_spend.yaml": SPEND_SCHEMA,
      "plutus.yaml":
        'sources:\n  report:\n    kind: file\n    files: "report.*"\n    table: ad_spend\n    stop_at: "^Total"\n    reject_limit: 0.5\n    columns: { date: Day, spend: Cost, cpc: Cost per click, channel: { value: x } }\n',
    });
    const dry = expectCode(
      await runCli(["upload", "--dry-run", join(OFFICE, "report.xlsx"), "--project", dir]),
      0,
    );
    assert.match(dry.stdout, /Dry run \(nothing was changed\): 1 would load/);
    assert.match(dry.stdout, /report\s+report\.xlsx\s+succeeded\s+3\s+2\s+0\s+0\s+1/);
    assert.deepEqual(await filesIn(join(dir, "inbox")), []);
    await Deno.stat(join(dir, "data", "plutus.db")).then(
      () => assert.fail("a database was created"),
      () => {},
    );
    await Deno.stat(join(dir, "logs")).then(() => assert.fail("a log was written"), () => {});
  }));

Deno.test("the README's five minutes: init, add-source maps CRM stages to the allowed values, load, export", () =>
  withTempDir(async (dir) => {
    const project = join(dir, "acme");
    expectCode(await runCli(["init", project]), 0);
    const hubspot = Object.entries(demoFiles()).find(([name]) => name.startsWith("hubspot"))!;
    const download = join(dir, "hubspot_contacts.csv");
    await Deno.writeTextFile(download, hubspot[1]);
    const added = await addSource(project, download, "leads", "--yes");
    // HubSpot writes "Marketing Qualified Lead"; the schema allows mql
    assert.match(added, /- map:\n(\s+.+\n)*\s+Marketing Qualified Lead: mql\n/);
    assert.match(added, /Opportunity: opportunity/);
    assert.match(added, /values the schema does not allow: "Prospect"/);
    expectCode(await runCli(["check", "--project", project]), 0);
    const loaded = expectCode(await runCli(["upload", download, "--project", project]), 0);
    assert.match(loaded.stdout, /hubspot_contacts\.csv\s+succeeded\s+50\s+45\s+0\s+3\s+2/);
    assert.deepEqual(
      query(project, "SELECT stage, count(*) AS n FROM leads GROUP BY stage ORDER BY stage"),
      [
        { stage: "customer", n: 10 },
        { stage: "lead", n: 7 },
        { stage: "mql", n: 9 },
        { stage: "opportunity", n: 5 },
        { stage: "sql", n: 6 },
        { stage: "subscriber", n: 8 },
      ],
    );
    const exported = expectCode(await runCli(["export", "leads", "--project", project]), 0);
    assert.match(exported.stdout, /exports\/leads-.*\.csv/);
  }));

Deno.test("a sheet whose title lines look like its header: the row naming the source's headers is the header", () =>
  withTempDir(async (dir) => {
    await writeFiles(dir, {
      "plutus.yaml": `timezone: UTC
sources:
  report:
    kind: file
    files: "*.xlsx"
    table: camp
    columns:
      spend: { from: [Cost, spend] }
`,
      "schema/camp.yaml": `columns:
  campaign_id: { type: text, required: true }
  campaign: { type: text }
  spend: { type: decimal }
key: [campaign_id]
`,
    });
    const file = join(dir, "report.xlsx");
    await Deno.writeFile(
      file,
      xlsxOf({
        rows: rowXml(1, ["Report", "Acme", "November"]) +
          rowXml(2, ["From", "2026-11-01", "To"]) +
          rowXml(3, ["campaign_id", "campaign", "Cost"]) +
          Array.from({ length: 10 }, (_, i) => rowXml(i + 4, [`S${i}`, `c${i}`, i + 0.5])).join(""),
      }),
    );
    const result = expectCode(await runCli(["upload", file, "--project", dir]), 0);
    assert.match(result.stdout, /report\.xlsx +succeeded +10 +10 /);
    assert.deepEqual(
      query(dir, "SELECT campaign_id, campaign, spend FROM camp WHERE campaign_id = 'S1'"),
      [
        { campaign_id: "S1", campaign: "c1", spend: 1.5 },
      ],
    );
  }));
