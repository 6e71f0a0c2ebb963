/**
 * The demo, as a new user runs it: init --demo, run, status, logs, query, export.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { expectCode, filesIn, query, runCli, withTempDir } from "./helpers.ts";

Deno.test("the demo loads four messy exports with the expected counts", () =>
  withTempDir(async (dir) => {
    const project = join(dir, "acme");
    // init writes the machine's zone into plutus.yaml: the same one wherever the test runs
    expectCode(await runCli(["init", project, "--demo"], { env: { TZ: "America/New_York" } }), 0);
    assert.equal((await filesIn(join(project, "inbox"))).length, 4);

    const run = expectCode(await runCli(["run", "--project", project]), 0);
    assert.match(run.stdout, /Run 1 succeeded: 4 loaded, 0 failed, 0 skipped/);

    const status = JSON.parse(
      expectCode(await runCli(["status", "1", "--json", "--project", project]), 0).stdout,
    );
    const counts = Object.fromEntries(
      status.steps.map((s: Record<string, number | string>) => [
        s.source,
        [s.status, s.rows_read, s.rows_inserted, s.rows_updated, s.rows_duplicate, s.rows_rejected],
      ]),
    );
    assert.deepEqual(counts, {
      google_ads: ["succeeded", 29, 28, 0, 0, 1], // the 31st of November is refused
      meta_ads: ["succeeded", 22, 21, 0, 0, 1], // a campaign name with an unquoted semicolon
      hubspot_leads: ["succeeded", 50, 45, 0, 3, 2], // same people in other case; bad email, unknown stage
      shopify_orders: ["succeeded", 66, 29, 0, 36, 1], // one line per item; an unknown status
    });

    // loaded files moved to archive/, the inbox is empty
    assert.deepEqual(await filesIn(join(project, "inbox")), []);
    const day = (await Array.fromAsync(Deno.readDir(join(project, "archive"))))[0]!.name;
    assert.equal((await filesIn(join(project, "archive", day))).length, 4);

    // the data is clean: lower-case emails, ISO dates, numbers as numbers
    const jane = query(
      project,
      "SELECT email, first_name, stage, created_at FROM leads WHERE email = 'jane.doe@example.com'",
    );
    assert.deepEqual(jane, [{
      email: "jane.doe@example.com",
      first_name: "Jane",
      stage: "sql",
      created_at: "2026-11-26T14:15:00.000Z",
    }]);
    const meta = query(
      project,
      "SELECT date, spend, currency FROM ad_spend WHERE channel = 'meta' ORDER BY date, campaign LIMIT 1",
    );
    assert.equal(meta[0]!.date, "2026-11-01");
    assert.equal(typeof meta[0]!.spend, "number");
    assert.deepEqual(
      query(
        project,
        "SELECT count(*) AS n FROM ad_spend WHERE channel = 'google_ads' AND spend IS NULL",
      ),
      [{ n: 0 }],
    );
    const utm = query(project, "SELECT utm_source FROM orders WHERE order_id = '#1001'");
    assert.deepEqual(utm, [{ utm_source: "google" }]);

    // every reject is in the log with its file and line
    const log = expectCode(await runCli(["logs", "--project", project]), 0).stdout;
    assert.match(
      log,
      /REJECT google_ads_campaigns_2026-11-01_2026-11-07\.csv:32 date="2026-11-31": "2026-11-31" is not a real date/,
    );
    assert.match(log, /REJECT hubspot_contacts_2026-11-26\.csv:50 email="tom\.baker@"/);
    assert.equal((log.match(/REJECT /g) ?? []).length, 5);
  }));

Deno.test("a second export of overlapping days updates rows and adds the new ones", () =>
  withTempDir(async (dir) => {
    expectCode(await runCli(["init", dir, "--demo"]), 0);
    expectCode(await runCli(["run", "--project", dir]), 0);
    const before = query(
      dir,
      "SELECT spend FROM ad_spend WHERE channel = 'google_ads' AND date = '2026-11-07' ORDER BY campaign",
    );
    const sample = join(dir, "samples", "google_ads_campaigns_2026-11-07_2026-11-08.csv");
    const upload = expectCode(await runCli(["upload", sample, "--project", dir]), 0);
    assert.match(
      upload.stdout,
      /google_ads\s+google_ads_campaigns_2026-11-07_2026-11-08\.csv\s+succeeded\s+8\s+4\s+4\s+0\s+0/,
    );
    const after = query(
      dir,
      "SELECT spend FROM ad_spend WHERE channel = 'google_ads' AND date = '2026-11-07' ORDER BY campaign",
    );
    assert.equal(after.length, 4);
    assert.notDeepEqual(after, before);
    assert.deepEqual(
      query(dir, "SELECT count(*) AS n FROM ad_spend WHERE channel = 'google_ads'"),
      [{ n: 32 }],
    );
    // the original sample file is left where it was
    assert.ok((await Deno.stat(sample)).isFile);
  }));

Deno.test("query, export and check work on the demo", () =>
  withTempDir(async (dir) => {
    expectCode(await runCli(["init", dir, "--demo"]), 0);
    const check = expectCode(await runCli(["check", "--project", dir]), 0);
    assert.match(
      check.stdout,
      /ok\s+inbox\/meta_ads_2026-11\.csv: source meta_ads → table ad_spend: 8 of 8 columns mapped \(utf-8, delimiter ";", header on line 1\)/,
    );
    expectCode(await runCli(["run", "--project", dir]), 0);

    const table = expectCode(
      await runCli([
        "query",
        "SELECT channel, count(*) AS rows FROM ad_spend GROUP BY channel ORDER BY channel",
        "--project",
        dir,
      ]),
      0,
    );
    assert.match(table.stdout, /channel\s+rows\ngoogle_ads\s+28\nmeta\s+21\n2 row\(s\)/);
    const csv = expectCode(
      await runCli([
        "query",
        "SELECT email FROM leads ORDER BY email LIMIT 2",
        "--csv",
        "--project",
        dir,
      ]),
      0,
    );
    assert.equal(csv.stdout, "email\r\nanna.haddad14@example.com\r\nanna.mueller@example.com\r\n");
    const json = JSON.parse(
      expectCode(
        await runCli(["query", "SELECT 1 AS one, 'x' AS two", "--json", "--project", dir]),
        0,
      ).stdout,
    );
    assert.deepEqual(json, [{ one: 1, two: "x" }]);

    const exported = expectCode(await runCli(["export", "orders", "--project", dir]), 0);
    const path = /to (\S+\.csv)/.exec(exported.stdout)![1]!;
    const text = await Deno.readTextFile(join(dir, path.replace(/^.*exports\//, "exports/")));
    const lines = text.trimEnd().split("\r\n");
    assert.equal(
      lines[0],
      "order_id,email,status,ordered_at,total,currency,utm_source,utm_campaign,_source,_run_id,_loaded_at",
    );
    assert.equal(lines.length, 30);
    const custom = join(dir, "exports", "paid.csv");
    expectCode(
      await runCli([
        "export",
        "--sql",
        "SELECT order_id, total FROM orders WHERE status = 'paid'",
        "-o",
        custom,
        "--project",
        dir,
      ]),
      0,
    );
    assert.match(await Deno.readTextFile(custom), /^order_id,total\r\n#1001,/);
  }));
