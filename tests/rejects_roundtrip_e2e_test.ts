/**
 * The analyst's fix-the-rejects loop through the real CLI, for every kind of source: a
 * run rejects rows, `plutus rejects --csv` writes them, the analyst fixes them in a
 * spreadsheet, `plutus upload` loads the fixed file through the same source — whatever
 * the source's skip_lines, stop_at, sheet or encoding — and the run counts its rows.
 */
import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import * as XLSX from "@e965/xlsx";
import { startFakeApi, TOKEN } from "./fake_api.ts";
import { expectCode, query, runCli, withTempDir, writeFiles } from "./helpers.ts";
import { rowXml, xlsxOf } from "./xlsx_fixture.ts";

const SPEND = `columns:
  date:     { type: date, required: true }
  campaign: { type: text, required: true }
  spend:    { type: decimal, min: 0 }
key: [date, campaign]
`;

/** `plutus rejects RUN --csv`, then the one file it wrote, as text. */
async function rejectsOf(dir: string, run: number): Promise<{ path: string; text: string }> {
  const out = expectCode(await runCli(["rejects", String(run), "--csv", "--project", dir]), 0);
  const written = /Wrote \d+ rejected row\(s\) to (.+)\n/.exec(out.stdout);
  assert.ok(written, out.stdout);
  // printed relative to the folder the command ran in: the project's
  const path = resolve(dir, written[1]!);
  return { path, text: await Deno.readTextFile(path) };
}

/** The counts of the steps of a run. */
function stepsOf(dir: string, run: number) {
  return query(
    dir,
    "SELECT source, input, status, rows_read, rows_inserted, rows_rejected FROM _plutus_steps WHERE run_id = ? ORDER BY id",
    run,
  );
}

Deno.test("rejects of a CSV with title lines and a footer load back fixed, formulas as text", () =>
  withTempDir(async (dir) => {
    await writeFiles(dir, {
      "schema/ad_spend.yaml": SPEND,
      "plutus.yaml": `reject_limit: 0.9
sources:
  google_ads:
    kind: file
    files: "google_ads_*.csv"
    table: ad_spend
    skip_lines: 2
    stop_at: "^Total:"
    columns: { date: Day, campaign: Campaign, spend: { from: Cost, clean: [parse_number] } }
`,
      "google_ads_nov.csv": "Campaign report\nNovember 2026\nDay,Campaign,Cost\n" +
        "2026-11-01,Brand,1.00\n" +
        '2026-11-31,"=HYPERLINK(""http://x"",""y"")",2.00\n' +
        "2026-13-45,'=SUM(A1),3.00\n" +
        "2026-11-04,Promo,-5\n" +
        "Total:,,6.00\n",
    });
    expectCode(await runCli(["upload", join(dir, "google_ads_nov.csv"), "--project", dir]), 0);
    const { path, text } = await rejectsOf(dir, 1);
    assert.equal(path, join(dir, "exports", "rejects-run-1", "google_ads_nov.rejects-run-1.csv"));
    assert.equal(
      text,
      "\ufeffDay,Campaign,Cost,_reason,_location,_source\r\n" +
        `2026-11-31,"'=HYPERLINK(""http://x"",""y"")",2.00,"date: ""2026-11-31"" is not a real date",google_ads_nov.csv:5,google_ads\r\n` +
        `2026-13-45,''=SUM(A1),3.00,"date: ""2026-13-45"" is not a real date",google_ads_nov.csv:6,google_ads\r\n` +
        "2026-11-04,Promo,-5,spend: -5 is below the minimum 0,google_ads_nov.csv:7,google_ads\r\n",
    );
    // fixed in a spreadsheet: two dates and the spend; the formulas left as they are
    await Deno.writeTextFile(
      path,
      text.replace("2026-11-31", "2026-11-30").replace("2026-13-45", "2026-11-03").replace(
        ",-5,",
        ",5,",
      ),
    );
    const loaded = expectCode(await runCli(["upload", path, "--project", dir]), 0);
    assert.match(
      loaded.stdout,
      /google_ads_nov\.rejects-run-1\.csv\s+succeeded\s+3\s+3\s+0\s+0\s+0/,
    );
    assert.deepEqual(stepsOf(dir, 2), [{
      source: "google_ads",
      input: "google_ads_nov.rejects-run-1.csv",
      status: "succeeded",
      rows_read: 3,
      rows_inserted: 3,
      rows_rejected: 0,
    }]);
    assert.deepEqual(query(dir, "SELECT date, campaign, spend FROM ad_spend ORDER BY date"), [
      { date: "2026-11-01", campaign: "Brand", spend: 1 },
      { date: "2026-11-03", campaign: "'=SUM(A1)", spend: 3 },
      { date: "2026-11-04", campaign: "Promo", spend: 5 },
      { date: "2026-11-30", campaign: '=HYPERLINK("http://x","y")', spend: 2 },
    ]);
    // nothing stays behind in inbox/ to fail the next run
    expectCode(await runCli(["run", "--project", dir]), 0);
  }));

Deno.test("a rejects file re-saved by a spreadsheet (semicolons, windows-1252) still loads", () =>
  withTempDir(async (dir) => {
    await writeFiles(dir, {
      "schema/ad_spend.yaml": SPEND,
      "plutus.yaml": `reject_limit: 0.9
sources:
  google_ads:
    kind: file
    files: "google_ads_*.csv"
    table: ad_spend
    skip_lines: 1
    columns: { date: Day, campaign: Campaign, spend: { from: Cost, clean: [parse_number] } }
`,
      "google_ads_dec.csv": "Report\nDay,Campaign,Cost\n2026-12-01,Brand,1\n2026-12-32,Café,2\n",
    });
    expectCode(await runCli(["upload", join(dir, "google_ads_dec.csv"), "--project", dir]), 0);
    const { path } = await rejectsOf(dir, 1);
    // as Excel in a German locale saves "CSV": semicolons, windows-1252, no BOM; renamed too
    const saved = "Day;Campaign;Cost;_reason;_location;_source\r\n" +
      "2026-12-31;Café;2;date: not a real date;google_ads_dec.csv:4;google_ads\r\n";
    const fixed = join(dir, "fixed.csv");
    await Deno.writeFile(fixed, Uint8Array.from(saved, (c) => c.charCodeAt(0)));
    await Deno.remove(path);
    expectCode(await runCli(["upload", fixed, "--project", dir]), 0);
    assert.deepEqual(query(dir, "SELECT campaign FROM ad_spend WHERE date = '2026-12-31'"), [
      { campaign: "Café" },
    ]);
  }));

Deno.test("rejects of a UTF-16 tab-separated export load back through its source", () =>
  withTempDir(async (dir) => {
    await writeFiles(dir, {
      "schema/ad_spend.yaml": SPEND,
      "plutus.yaml": `reject_limit: 0.9
sources:
  google_ads:
    kind: file
    files: "Campaign_report_*.csv"
    table: ad_spend
    csv: { encoding: utf-16le, delimiter: tab }
    skip_lines: 2
    stop_at: "^Total"
    columns: { date: Day, campaign: Campaign, spend: { from: Cost, clean: [parse_number] } }
`,
    });
    const text = "\ufeff" + [
      "Campaign report",
      "November 1, 2026 - November 3, 2026",
      "Day\tCampaign\tCost",
      "2026-11-01\tMünchen – Brand\t1,203.55",
      "2026-11-02\tPMax – Schuhe\t-3.00",
      "Total: Account\t--\t1,200.55",
    ].join("\r\n") + "\r\n";
    const utf16 = new Uint8Array(text.length * 2);
    for (let i = 0; i < text.length; i++) {
      utf16[2 * i] = text.charCodeAt(i) & 0xff;
      utf16[2 * i + 1] = text.charCodeAt(i) >> 8;
    }
    const report = join(dir, "Campaign_report_2026-11-03.csv");
    await Deno.writeFile(report, utf16);
    expectCode(await runCli(["upload", report, "--project", dir]), 0);
    const { path, text: rejects } = await rejectsOf(dir, 1);
    assert.equal(
      rejects,
      "\ufeffDay,Campaign,Cost,_reason,_location,_source\r\n" +
        "2026-11-02,PMax – Schuhe,-3.00,spend: -3 is below the minimum 0,Campaign_report_2026-11-03.csv:5,google_ads\r\n",
    );
    await Deno.writeTextFile(path, rejects.replace("-3.00", "3.00"));
    expectCode(await runCli(["upload", path, "--project", dir]), 0);
    assert.deepEqual(query(dir, "SELECT date, campaign, spend FROM ad_spend ORDER BY date"), [
      { date: "2026-11-01", campaign: "München – Brand", spend: 1203.55 },
      { date: "2026-11-02", campaign: "PMax – Schuhe", spend: 3 },
    ]);
  }));

Deno.test("rejects of a workbook's second sheet load back as CSV, dates as the sheet shows them", () =>
  withTempDir(async (dir) => {
    await writeFiles(dir, {
      "schema/orders.yaml": `columns:
  order_id: { type: text, required: true }
  ordered_at: { type: datetime, required: true }
  amount: { type: decimal, min: 0 }
key: [order_id]
`,
      "plutus.yaml": `timezone: Europe/Berlin
reject_limit: 0.9
sources:
  shop:
    kind: file
    files: "orders_*.xlsx"
    table: orders
    sheet: Orders
    skip_lines: 1
    stop_at: "^Total"
    columns: { order_id: Order, ordered_at: Placed, amount: Amount }
`,
    });
    const book = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(
      book,
      XLSX.utils.aoa_to_sheet([["Summary"], ["all good"]]),
      "Summary",
    );
    XLSX.utils.book_append_sheet(
      book,
      XLSX.utils.aoa_to_sheet([
        ["Orders export"],
        ["Order", "Placed", "Amount"],
        ["A-1", new Date(Date.UTC(2026, 10, 5, 14, 30)), 10],
        ["A-2", new Date(Date.UTC(2026, 10, 6, 9, 0)), -4],
        ["A-3", "yesterday", 7.5],
        ["Total", "", 13.5],
      ], { UTC: true }),
      "Orders",
    );
    const workbook = join(dir, "orders_nov.xlsx");
    await Deno.writeFile(workbook, new Uint8Array(XLSX.write(book, { type: "array" })));
    expectCode(await runCli(["upload", workbook, "--project", dir]), 0);
    const { path, text } = await rejectsOf(dir, 1);
    assert.equal(path, join(dir, "exports", "rejects-run-1", "orders_nov.rejects-run-1.csv"));
    assert.match(text, /^\ufeffOrder,Placed,Amount,_reason,_location,_source\r\n/);
    assert.match(
      text,
      /\r\nA-2,2026-11-06T09:00:00,-4,amount: -4 is below the minimum 0,orders_nov\.xlsx:Orders!4,shop\r\n/,
    );
    assert.match(text, /\r\nA-3,yesterday,7\.5,.*,orders_nov\.xlsx:Orders!5,shop\r\n/);
    await Deno.writeTextFile(
      path,
      text.replace(",-4,", ",4,").replace("yesterday", "2026-11-07 08:15"),
    );
    const loaded = expectCode(await runCli(["upload", path, "--project", dir]), 0);
    assert.match(loaded.stdout, /orders_nov\.rejects-run-1\.csv\s+succeeded\s+2\s+2\s+0\s+0\s+0/);
    // the sheet's wall-clock times in Europe/Berlin, stored as UTC: the same whether read
    // from the sheet or from the fixed rejects file
    assert.deepEqual(
      query(dir, "SELECT order_id, ordered_at, amount FROM orders ORDER BY order_id"),
      [
        { order_id: "A-1", ordered_at: "2026-11-05T13:30:00.000Z", amount: 10 },
        { order_id: "A-2", ordered_at: "2026-11-06T08:00:00.000Z", amount: 4 },
        { order_id: "A-3", ordered_at: "2026-11-07T07:15:00.000Z", amount: 7.5 },
      ],
    );
  }));

Deno.test("an API source's rejects are its table columns, and load back attributed to it", async () => {
  const api = startFakeApi(6);
  try {
    await withTempDir(async (dir) => {
      await writeFiles(dir, {
        ".env": `CRM_TOKEN=${TOKEN}\n`,
        "schema/contacts.yaml": `columns:
  id:         { type: text, required: true }
  email:      { type: email, clean: [trim, lower] }
  stage:      { type: text, values: [lead, customer] }
  created_at: { type: datetime }
  channel:    { type: text }
key: [id]
`,
        "plutus.yaml": `reject_limit: 0.9
sources:
  crm:
    kind: api
    table: contacts
    url: "${api.url}/crm/v3/objects/contacts"
    auth: { type: bearer, token: "\${CRM_TOKEN}" }
    records: results
    paginate: { type: cursor, cursor: paging.next.after, param: after }
    columns:
      email: properties.email
      stage: { from: properties.lifecyclestage, clean: [lower] }
      created_at: properties.createdate
      channel: { value: CRM }
`,
      });
      expectCode(await runCli(["run", "--project", dir]), 0);
      assert.equal(query(dir, "SELECT id FROM contacts").length, 2); // lead, customer
      const { path, text } = await rejectsOf(dir, 1);
      assert.equal(path, join(dir, "exports", "rejects-run-1", "crm.rejects-run-1.csv"));
      assert.equal(
        text.split("\r\n")[1],
        'c000001,Contact1@Example.com,subscriber,2026-10-01T00:00:00.000Z,"stage: ""subscriber"" is not one of lead, customer",crm page 1 record 1,crm',
      );
      assert.match(text, /^\ufeffid,email,stage,created_at,_reason,_location,_source\r\n/);
      // fixed: every stage becomes one the table allows (in capitals: the source lowers it)
      await Deno.writeTextFile(
        path,
        text.replace(/,(subscriber|mql|sql),/g, ",LEAD,"),
      );
      const loaded = expectCode(await runCli(["upload", path, "--project", dir]), 0);
      assert.match(loaded.stdout, /crm\s+crm\.rejects-run-1\.csv\s+succeeded\s+4\s+4\s+0\s+0\s+0/);
      assert.deepEqual(
        query(
          dir,
          "SELECT id, email, stage, created_at, channel, _source FROM contacts WHERE id = 'c000001'",
        ),
        [{
          id: "c000001",
          email: "contact1@example.com",
          stage: "lead",
          created_at: "2026-10-01T00:00:00.000Z",
          channel: "CRM",
          _source: "crm",
        }],
      );
      assert.equal(query(dir, "SELECT id FROM contacts").length, 6);
      // a file that is not a rejects file cannot go through an API source
      await Deno.writeTextFile(join(dir, "other.csv"), "id,email\nx,y@z.com\n");
      const refused = expectCode(
        await runCli(["upload", join(dir, "other.csv"), "--source", "crm", "--project", dir]),
        1,
      );
      assert.match(
        refused.stdout,
        /other\.csv is not a rejects file, and source "crm" is an API source/,
      );
    });
  } finally {
    await api.close();
  }
});

Deno.test("rejects of a file that failed as a whole say to fix the file itself, whose good rows were not loaded", () =>
  withTempDir(async (dir) => {
    await writeFiles(dir, {
      "plutus.yaml": `reject_limit: 0.3
sources:
  crm: { kind: file, files: "leads*.csv", table: leads }
`,
      "schema/leads.yaml": "columns:\n  email: { type: email, required: true }\nkey: [email]\n",
      "inbox/leads_1.csv": "email\ngood@example.com\nbad@\nworse@\n",
    });
    expectCode(await runCli(["run", "--project", dir]), 1);
    const rejects = expectCode(await runCli(["rejects", "--csv", "--project", dir]), 0);
    assert.match(
      rejects.stdout,
      /warning: leads_1\.csv failed as a whole: none of its rows were loaded, the good ones neither\. Fix the rows listed in the file itself \(it waits in inbox\/\) and run: plutus rerun 1/,
    );
    // its rejects alone are not to be uploaded: no step of the run loaded
    assert.doesNotMatch(rejects.stdout, /plutus upload FILE/);
  }));

Deno.test("a workbook's number cell comes back from its rejects file as the same number under a decimal-comma rule", () =>
  withTempDir(async (dir) => {
    await writeFiles(dir, {
      "schema/umsatz.yaml": `columns:
  nr: { type: text, required: true }
  datum: { type: date, required: true }
  betrag: { type: decimal }
key: [nr]
`,
      "plutus.yaml": `reject_limit: 0.9
sources:
  shop:
    kind: file
    files: "umsatz_*.xlsx"
    table: umsatz
    columns:
      nr: Nr
      datum: { from: Datum, clean: [{ parse_date: "DD.MM.YYYY" }] }
      betrag: { from: Betrag, clean: [{ parse_number: { decimal: "," } }] }
`,
    });
    await uploadUmsatz(dir, [
      ["1", "05.03.2026", 1234.5],
      ["2", "gestern", 12.345],
      // a date cell, written ISO in the rejects file: the DD.MM.YYYY rule reads it too
      ["3", new Date(Date.UTC(2026, 2, 7)), "zwölf"],
    ]);
    const { path, text } = await rejectsOf(dir, 1);
    // written as the rule reads it: "12.345" would come back as twelve thousand
    assert.match(text, /\r\n2,gestern,"12,345","datum: /);
    assert.match(text, /\r\n3,2026-03-07[T0-9:]*,zwölf,"betrag: /);
    await Deno.writeTextFile(
      path,
      text.replace("gestern", "06.03.2026").replace("zwölf", '"12,5"'),
    );
    expectCode(await runCli(["upload", path, "--project", dir]), 0);
    assert.deepEqual(query(dir, "SELECT nr, datum, betrag FROM umsatz ORDER BY nr"), [
      { nr: "1", datum: "2026-03-05", betrag: 1234.5 },
      { nr: "2", datum: "2026-03-06", betrag: 12.345 },
      { nr: "3", datum: "2026-03-07", betrag: 12.5 },
    ]);
  }));

Deno.test("a workbook's date cell comes back from its rejects file under the schema's own parse_date", () =>
  withTempDir(async (dir) => {
    await writeFiles(dir, {
      "schema/umsatz.yaml": `columns:
  nr: { type: text, required: true }
  datum: { type: date, required: true, clean: [{ parse_date: "DD.MM.YYYY" }] }
  betrag: { type: decimal, clean: [{ parse_number: { decimal: "," } }] }
key: [nr]
`,
      "plutus.yaml": `reject_limit: 0.9
sources:
  shop:
    kind: file
    files: "umsatz_*.xlsx"
    table: umsatz
    columns: { nr: Nr, datum: Datum, betrag: Betrag }
`,
    });
    await uploadUmsatz(dir, [
      ["1", "05.03.2026", 1234.5],
      ["2", new Date(Date.UTC(2026, 2, 7)), "zwölf"],
    ]);
    const { path, text } = await rejectsOf(dir, 1);
    assert.match(text, /\r\n2,2026-03-07[T0-9:]*,zwölf,"betrag: /);
    await Deno.writeTextFile(path, text.replace("zwölf", '"12,5"'));
    expectCode(await runCli(["upload", path, "--project", dir]), 0);
    assert.deepEqual(query(dir, "SELECT nr, datum, betrag FROM umsatz ORDER BY nr"), [
      { nr: "1", datum: "2026-03-05", betrag: 1234.5 },
      { nr: "2", datum: "2026-03-07", betrag: 12.5 },
    ]);
  }));

/** Uploads a German sales workbook (Nr, Datum, Betrag) of `rows` into the project in `dir`. */
async function uploadUmsatz(dir: string, rows: (string | number | Date)[][]): Promise<void> {
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(
    book,
    XLSX.utils.aoa_to_sheet([["Nr", "Datum", "Betrag"], ...rows], { UTC: true }),
    "Umsatz",
  );
  const workbook = join(dir, "umsatz_maerz.xlsx");
  await Deno.writeFile(workbook, new Uint8Array(XLSX.write(book, { type: "array" })));
  expectCode(await runCli(["upload", workbook, "--project", dir]), 0);
}

Deno.test("a workbook's percentage and yes/no cells come back from its rejects file as they loaded", () =>
  withTempDir(async (dir) => {
    await writeFiles(dir, {
      "schema/ads.yaml": `columns:
  day: { type: date, required: true }
  cost: { type: decimal, min: 0 }
  ctr: { type: decimal }
  cvr: { type: decimal }
  active: { type: boolean }
key: [day]
`,
      "plutus.yaml": `reject_limit: 0.9
sources:
  tiktok:
    kind: file
    files: "tiktok_*.xlsx"
    table: ads
    columns:
      day: Date
      cost: Cost
      ctr: { from: CTR, clean: [parse_percent] }
      cvr: CVR
      active: { from: Status, clean: [{ parse_bool: { true: [Active], false: [Paused] } }] }
`,
    });
    const sheet = XLSX.utils.aoa_to_sheet([
      ["Date", "Cost", "CTR", "CVR", "Status"],
      ["2026-07-04", 14, 0.014, 0.02, true],
      ["2026-07-05", -1, 0.015, 0.025, true],
      ["2026-07-06", 16, "1.6%", 0.03, "Paused"],
    ]);
    // CTR and CVR as the sheet formats them: 1.40%, 2.00% (CVR read as its number)
    for (const cell of ["C2", "C3", "D2", "D3", "D4"]) sheet[cell]!.z = "0.00%";
    const book = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(book, sheet, "Data");
    const workbook = join(dir, "tiktok_july.xlsx");
    await Deno.writeFile(workbook, new Uint8Array(XLSX.write(book, { type: "array" })));
    expectCode(await runCli(["upload", workbook, "--project", dir]), 0);
    const { path, text } = await rejectsOf(dir, 1);
    // as a person would type them: the percentage as the sheet shows it, TRUE in the words
    // the source knows
    assert.match(text, /\r\n2026-07-05,-1,1\.5%,0\.025,Active,cost: /);
    await Deno.writeTextFile(path, text.replace("2026-07-05,-1,", "2026-07-05,15,"));
    expectCode(await runCli(["upload", path, "--project", dir]), 0);
    assert.deepEqual(query(dir, "SELECT day, cost, ctr, cvr, active FROM ads ORDER BY day"), [
      { day: "2026-07-04", cost: 14, ctr: 0.014, cvr: 0.02, active: 1 },
      { day: "2026-07-05", cost: 15, ctr: 0.015, cvr: 0.025, active: 1 },
      { day: "2026-07-06", cost: 16, ctr: 0.016, cvr: 0.03, active: 0 },
    ]);
  }));

Deno.test("rejects of a 1904-date-system workbook load back on the same day through {parse_date: excel}", () =>
  withTempDir(async (dir) => {
    await writeFiles(dir, {
      "schema/t.yaml": `columns:
  id:    { type: text, required: true }
  day:   { type: date }
  spend: { type: decimal, min: 0 }
key: [id]
`,
      "plutus.yaml": `timezone: UTC
reject_limit: 1
sources:
  mac:
    kind: file
    files: "*.xlsx"
    table: t
    columns:
      day: { from: day, clean: [{ parse_date: excel }] }
`,
    });
    const workbook = join(dir, "mac.xlsx");
    // 44865 is 2026-11-01 in the 1904 system; the row is rejected for its spend
    await Deno.writeFile(
      workbook,
      xlsxOf({
        date1904: true,
        rows: rowXml(1, ["id", "day", "spend"]) + rowXml(2, ["a", 44865, -5]) +
          rowXml(3, ["b", 44866, 1]),
      }),
    );
    expectCode(await runCli(["upload", workbook, "--project", dir]), 0);
    const { path, text } = await rejectsOf(dir, 1);
    await Deno.writeTextFile(path, text.replace(",-5,", ",5,"));
    expectCode(await runCli(["upload", path, "--project", dir]), 0);
    assert.deepEqual(query(dir, "SELECT id, day, spend FROM t ORDER BY id"), [
      { id: "a", day: "2026-11-01", spend: 5 },
      { id: "b", day: "2026-11-02", spend: 1 },
    ]);
  }));
