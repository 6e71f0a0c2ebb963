/**
 * The analyst's loop never gets stuck: a broken source fails only its own step, `status`
 * and the Run page lead with what is wrong now, a failure shows resolved once a later run
 * loaded it, and `rerun` repeats the mode of the run it repeats.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { createApp } from "../web/app.ts";
import type { Secrets } from "../web/security.ts";
import { startFakeApi, TOKEN } from "./fake_api.ts";
import {
  type CliResult,
  expectCode,
  filesIn,
  query,
  runCli,
  withTempDir,
  writeFiles,
} from "./helpers.ts";

const LEADS = `columns:
  email: { type: email, required: true, clean: [trim, lower] }
  stage: { type: text }
key: [email]
keep: last
`;

/** A file source, an API source whose key is missing, a file source with an unknown table. */
const BROKEN_PROJECT = {
  "plutus.yaml": `sources:
  meta_ads:
    kind: file
    files: "meta*.csv"
    table: leads
    columns:
      email: Email
  hubspot:
    kind: api
    url: "http://127.0.0.1:9/crm/v3/objects/contacts"
    auth: { type: bearer, token: "\${HUBSPOT_TOKEN}" }
    table: leads
    columns:
      email: properties.email
  orders:
    kind: file
    files: "orders*.csv"
    table: orderz
`,
  "schema/leads.yaml": LEADS,
  "inbox/meta_1.csv": "Email,Stage\na@x.com,lead\nb@x.com,mql\n",
  "inbox/orders_1.csv": "id\n1\n",
};

const secrets: Secrets = { token: "t0ken", csrf: "csrf-123", port: 4321 };

/** A page of the GUI, served in-process. */
async function guiPage(dir: string, path: string): Promise<string> {
  const { app } = createApp(dir, secrets);
  const response = await app.request(`http://127.0.0.1:4321${path}`, {
    headers: { host: "127.0.0.1:4321", cookie: `plutus_token_${secrets.port}=${secrets.token}` },
  });
  assert.equal(response.status, 200, path);
  return await response.text();
}

const run = (dir: string, ...args: string[]): Promise<CliResult> =>
  runCli([...args, "--project", dir]);

Deno.test("a source with a missing key or an unknown table fails its own step; the other sources run", () =>
  withTempDir(async (dir) => {
    await writeFiles(dir, BROKEN_PROJECT);
    // a file source runs although another source lacks its key
    const only = expectCode(await run(dir, "run", "--source", "meta_ads"), 0);
    assert.match(only.stdout, /meta_ads\s+meta_1\.csv\s+succeeded\s+2\s+2/);
    assert.deepEqual(query(dir, "SELECT email FROM leads ORDER BY email"), [
      { email: "a@x.com" },
      { email: "b@x.com" },
    ]);

    const all = expectCode(await run(dir, "run"), 1);
    assert.match(
      all.stdout,
      /error: hubspot .*: source hubspot cannot run as configured: plutus\.yaml:11 sources\.hubspot\.auth\.token: \$\{HUBSPOT_TOKEN\} has no value/,
    );
    assert.match(all.stdout, /hint: Add HUBSPOT_TOKEN=… to the project's \.env file/);
    assert.match(
      all.stdout,
      /error: orders orders_1\.csv: source orders cannot run as configured: plutus\.yaml:18 sources\.orders\.table: no table "orderz"/,
    );
    // the file the broken source would read waits in inbox/, with the source's hint
    assert.deepEqual(await filesIn(join(dir, "inbox")), ["orders_1.csv"]);
    assert.deepEqual(
      query(dir, "SELECT source, input, status FROM _plutus_steps WHERE run_id = 2 ORDER BY id"),
      [
        {
          source: "hubspot",
          input: "http://127.0.0.1:9/crm/v3/objects/contacts",
          status: "failed",
        },
        { source: "orders", input: "orders_1.csv", status: "failed" },
      ],
    );

    const check = expectCode(await run(dir, "check"), 1);
    assert.match(check.stdout, /1 of 3 source\(s\) valid, 2 cannot run as written/);
    assert.match(check.stdout, /problem source hubspot: plutus\.yaml:11 .*HUBSPOT_TOKEN/);
    assert.match(check.stdout, /problem source orders: plutus\.yaml:18 .*no table "orderz"/);
    assert.match(check.stdout, /problem inbox\/orders_1\.csv: source orders would read it/);

    // problems of the whole project stay configuration errors
    const yaml = await Deno.readTextFile(join(dir, "plutus.yaml"));
    await Deno.writeTextFile(join(dir, "plutus.yaml"), `database: "\${NOPE}/x.db"\n${yaml}`);
    const whole = expectCode(await run(dir, "run", "--source", "meta_ads"), 2);
    assert.match(whole.stderr, /plutus\.yaml:1 database: \$\{NOPE\} has no value/);
  }));

Deno.test("status and the Run page lead with open problems; a failure shows resolved once a later run loaded it", () =>
  withTempDir(async (dir) => {
    await writeFiles(dir, {
      "plutus.yaml":
        'sources:\n  crm:\n    kind: file\n    files: "leads*.csv"\n    table: leads\n',
      "schema/leads.yaml": LEADS,
      "inbox/leads_1.csv": "Mail,Stage\na@x.com,lead\n",
    });
    expectCode(await run(dir, "run"), 1);
    const open = expectCode(await run(dir, "status"), 0);
    assert.match(
      open.stdout,
      /^Open problems \(1\):\n {2}✗ inbox\/leads_1\.csv: failed in run 1: /,
    );
    assert.match(open.stdout, /then: plutus rerun 1/);
    const page = await guiPage(dir, "/");
    assert.match(page, /id="open-problems" data-count="1"/);
    assert.match(page, /action="\/runs\/1\/rerun"/);
    assert.match(page, /<code>plutus rerun 1<\/code>|Rerun run 1/);

    // the analyst fixes the file in place and runs: run 2 loads it
    await Deno.writeTextFile(join(dir, "inbox", "leads_1.csv"), "email,stage\na@x.com,lead\n");
    expectCode(await run(dir, "run"), 0);
    const green = expectCode(await run(dir, "status"), 0);
    assert.match(green.stdout, /^No open problems\./);
    assert.match(green.stdout, /1 {2}\S+ \S+ {2}failed \(resolved by 2\)/);
    const detail = expectCode(await run(dir, "status", "1"), 0);
    assert.match(detail.stdout, /resolved by run 2, which loaded it since/);
    assert.doesNotMatch(detail.stdout, /plutus rerun/);
    const rerun = expectCode(await run(dir, "rerun", "1"), 0);
    assert.match(rerun.stdout, /leads_1\.csv failed in run 1 and was loaded by run 2 since\./);
    assert.match(rerun.stdout, /Run 1 has no failed steps to rerun/);
    assert.equal(query(dir, "SELECT count(*) AS n FROM _plutus_runs")[0]!.n, 2);

    const runPage = await guiPage(dir, "/");
    assert.match(runPage, /id="open-problems" data-count="0"/);
    assert.match(runPage, /resolved by <a href="\/runs\/2">run 2<\/a>/);
    const runOne = await guiPage(dir, "/runs/1");
    assert.match(runOne, /Resolved by <a href="\/runs\/2">run 2<\/a>/);
    assert.doesNotMatch(runOne, /Rerun failed steps/);
  }));

Deno.test("the Run page lists the runs and the problem when plutus.yaml does not open", () =>
  withTempDir(async (dir) => {
    await writeFiles(dir, {
      "plutus.yaml":
        'sources:\n  crm:\n    kind: file\n    files: "leads*.csv"\n    table: leads\n',
      "schema/leads.yaml": LEADS,
      "inbox/leads_1.csv": "email,stage\na@x.com,lead\n",
    });
    expectCode(await run(dir, "run"), 0);
    await Deno.writeTextFile(join(dir, "plutus.yaml"), "sources:\n  crm: [1, 2\n");
    const page = await guiPage(dir, "/");
    assert.doesNotMatch(page, /No runs yet/);
    assert.match(page, /<a href="\/runs\/1">1<\/a>/);
    assert.match(page, /<strong>plutus\.yaml<\/strong>/);
    assert.match(page, /YAML syntax/);
    const status = expectCode(await run(dir, "status"), 0);
    assert.match(status.stdout, /✗ plutus\.yaml: plutus\.yaml:\d+: YAML syntax/);
  }));

Deno.test("rerun after a failed run --full asks the API for everything, not incrementally", async () => {
  const api = startFakeApi(30);
  try {
    await withTempDir(async (dir) => {
      const yaml = (path: string) =>
        `sources:\n  crm:\n    kind: api\n    url: "${api.url}${path}"\n    auth: { type: bearer, token: "\${CRM_TOKEN}" }\n    params: { limit: 100 }\n    records: results\n    paginate: { type: cursor, cursor: paging.next.after, param: after }\n    incremental: { field: updatedAt, param: updated_since }\n    table: contacts\n    columns:\n      id: id\n      email: properties.email\n`;
      await writeFiles(dir, {
        ".env": `CRM_TOKEN=${TOKEN}\n`,
        "schema/contacts.yaml":
          "columns:\n  id: { type: text, required: true }\n  email: { type: email }\nkey: [id]\n",
        "plutus.yaml": yaml("/crm/v3/objects/contacts"),
      });
      const env = { PLUTUS_BACKOFF_MS: "1" };
      expectCode(await runCli(["run", "--project", dir], { env }), 0);
      // the API fails during a full run …
      await Deno.writeTextFile(join(dir, "plutus.yaml"), yaml("/always-500"));
      expectCode(await runCli(["run", "--full", "--project", dir], { env }), 1);
      assert.deepEqual(query(dir, "SELECT mode FROM _plutus_runs ORDER BY id"), [
        { mode: null },
        { mode: "full" },
      ]);
      // … it is back; the rerun repeats the full run
      await Deno.writeTextFile(join(dir, "plutus.yaml"), yaml("/crm/v3/objects/contacts"));
      api.requests.length = 0;
      const rerun = expectCode(await runCli(["rerun", "--project", dir], { env }), 0);
      assert.deepEqual(api.requests, ["/crm/v3/objects/contacts?limit=100"]);
      assert.match(rerun.stdout, /crm\s+\S+\s+succeeded\s+30\s+0\s+0\s+30/);
    });
  } finally {
    await api.close();
  }
});

Deno.test("check names a required column that a source's mapping fills with nothing", async () => {
  const api = startFakeApi(5);
  try {
    await withTempDir(async (dir) => {
      await writeFiles(dir, {
        "plutus.yaml": `sources:
  crm:
    kind: api
    url: "${api.url}/crm/v3/objects/contacts"
    auth: { type: bearer, token: "\${CRM_TOKEN}" }
    records: results
    table: leads
    columns:
      stage: properties.lifecyclestage
  sheet:
    kind: file
    files: "sheet*.csv"
    table: leads
    columns:
      email: { value: "" }
  form:
    kind: file
    files: "form*.csv"
    table: leads
    columns:
      email: E-mail
`,
        ".env": `CRM_TOKEN=${TOKEN}\n`,
        "schema/leads.yaml": LEADS,
        "inbox/form_1.csv": "E-mail,Stage\n,lead\n ,mql\n",
      });
      const check = expectCode(await run(dir, "check", "--online"), 1);
      assert.match(
        check.stdout,
        /problem source sheet: fills no value for column email, which table leads requires \(schema\/leads\.yaml\): its mapping at plutus\.yaml:15 is an empty constant; every row would be rejected/,
      );
      assert.match(
        check.stdout,
        /problem inbox\/form_1\.csv: source form → table leads: column email \(from "E-mail"\) is empty in all of the first 2 row\(s\), and table leads requires it; every row would be rejected/,
      );
      assert.match(
        check.stdout,
        /problem source crm: HTTP 200, .*no record has email \(unmapped, so read from the field "email"; table leads requires it\)\n\s+hint: .*map the required column to its field, e\.g\. email: properties\.email/,
      );
      assert.doesNotMatch(check.stdout, /All good/);
    });
  } finally {
    await api.close();
  }
});

Deno.test("logs --errors and the GUI show the newest run's errors first", () =>
  withTempDir(async (dir) => {
    await writeFiles(dir, {
      "plutus.yaml":
        'sources:\n  crm:\n    kind: file\n    files: "leads*.csv"\n    table: leads\n    reject_limit: 1\n',
      "schema/leads.yaml": LEADS,
      "inbox/leads_1.csv": "email,stage\nnot-an-email,lead\n",
    });
    expectCode(await run(dir, "run"), 0);
    await writeFiles(dir, { "inbox/leads_2.csv": "email,stage\nalso-bad,lead\n" });
    expectCode(await run(dir, "run"), 0);
    const errors = expectCode(await run(dir, "logs", "--errors"), 0).stdout;
    assert.ok(errors.indexOf("[run 2]") >= 0 && errors.indexOf("[run 1]") >= 0, errors);
    assert.ok(errors.indexOf("[run 2]") < errors.indexOf("[run 1]"), errors);
    const page = await guiPage(dir, "/files");
    assert.ok(page.indexOf("also-bad") < page.indexOf("not-an-email"), page);
  }));

Deno.test("a reject of a rule named like its column names it once", () =>
  withTempDir(async (dir) => {
    await writeFiles(dir, {
      "plutus.yaml":
        'sources:\n  crm:\n    kind: file\n    files: "c*.csv"\n    table: contacts\n    reject_limit: 1\n',
      "schema/contacts.yaml":
        "columns:\n  email: { type: email, required: true }\n  phone: { type: text, clean: [phone] }\nkey: [email]\n",
      "inbox/c1.csv": "email,phone\na@x.com,12\n",
    });
    const result = expectCode(await run(dir, "run"), 0);
    assert.match(result.stdout, /1 × phone: "12" is not a valid phone number/);
    assert.doesNotMatch(result.stdout, /phone: phone:/);
  }));

Deno.test("the run log says row, not line, for a sheet's header", () =>
  withTempDir(async (dir) => {
    await writeFiles(dir, {
      "schema/ad_spend.yaml":
        "columns:\n  date: { type: date, required: true }\n  campaign: { type: text, required: true }\n  spend: { type: decimal }\nkey: [date, campaign]\n",
      "plutus.yaml":
        'sources:\n  report:\n    kind: file\n    files: report.xlsx\n    table: ad_spend\n    sheet: Campaigns\n    stop_at: "^Total"\n    reject_limit: 1\n    columns:\n      date: { from: [Date, Day] }\n      spend: Cost\n',
    });
    await Deno.mkdir(join(dir, "inbox"));
    await Deno.copyFile(
      new URL("./fixtures/office/report.xlsx", import.meta.url),
      join(dir, "inbox", "report.xlsx"),
    );
    expectCode(await run(dir, "run"), 0);
    const log = expectCode(await run(dir, "logs"), 0).stdout;
    assert.match(log, /read as xlsx, sheet "Campaigns", header on row \d+: /);
    assert.doesNotMatch(log, /header on line/);
  }));

Deno.test("a file two sources claim fails the run (exit 1) and stays an open problem until plutus.yaml is fixed", () =>
  withTempDir(async (dir) => {
    const yaml = (ads: string) =>
      `sources:\n  crm:\n    kind: file\n    files: "leads*.csv"\n    table: leads\n` +
      `  ads:\n    kind: file\n    files: "${ads}"\n    table: leads\n`;
    await writeFiles(dir, {
      "plutus.yaml": yaml("*_1.csv"),
      "schema/leads.yaml": LEADS,
      "inbox/leads_1.csv": "email,stage\na@x.com,lead\n",
      "inbox/notes.txt": "not data\n",
    });
    const failed = expectCode(await run(dir, "run"), 1);
    assert.match(
      failed.stdout + failed.stderr,
      /leads_1\.csv matches the files pattern of several sources \(crm: leads\*\.csv; ads: \*_1\.csv\)/,
    );
    assert.match(failed.stdout + failed.stderr, /Make the files patterns in plutus\.yaml distinct/);
    // a file no source reads is still only skipped, with its hint
    assert.match(failed.stdout, /notes\.txt +skipped/);
    const open = expectCode(await run(dir, "status"), 0);
    assert.match(open.stdout, /✗ inbox\/leads_1\.csv: failed in run 1: .*several sources/);
    // the run skipped it: it did not fail
    assert.match(open.stdout, /✗ inbox\/notes\.txt: skipped in run 1: /);

    await Deno.writeTextFile(join(dir, "plutus.yaml"), yaml("ads_*.csv"));
    expectCode(await run(dir, "run"), 0);
    const fixed = expectCode(await run(dir, "status"), 0);
    assert.doesNotMatch(fixed.stdout, /inbox\/leads_1\.csv/);
    assert.equal(query(dir, "SELECT count(*) AS n FROM leads")[0]!.n, 1);
  }));

Deno.test("a link or a pipe in inbox/ is an open problem in status and on the Run page; a discard shows as set aside", () =>
  withTempDir(async (dir) => {
    await writeFiles(dir, {
      "plutus.yaml":
        'sources:\n  crm:\n    kind: file\n    files: "leads*.csv"\n    table: leads\n',
      "schema/leads.yaml": LEADS,
      "elsewhere/leads.csv": "email,stage\na@x.com,lead\n",
      "inbox/.keep": "",
    });
    await Deno.symlink(join(dir, "elsewhere", "leads.csv"), join(dir, "inbox", "leads_link.csv"));
    await new Deno.Command("mkfifo", { args: [join(dir, "inbox", "leads_pipe.csv")] }).output();
    // before any run, and after the run that refused them
    for (const [code, args] of [[0, ["status"]], [1, ["run"]], [0, ["status"]]] as const) {
      const result = expectCode(await run(dir, ...args), code);
      if (args[0] !== "status") continue;
      assert.match(result.stdout, /^Open problems \(2\):/, result.stdout);
      assert.match(result.stdout, /✗ inbox\/leads_link\.csv: .*symbolic link/);
      assert.match(result.stdout, /✗ inbox\/leads_pipe\.csv: .*not a regular file/);
    }
    const page = await guiPage(dir, "/");
    assert.match(page, /id="open-problems" data-count="2"/);
    assert.match(page, /leads_link\.csv/);

    expectCode(await run(dir, "discard", "leads_link.csv", "leads_pipe.csv"), 0);
    const after = expectCode(await run(dir, "status"), 0);
    assert.match(after.stdout, /^No open problems\./);
    const detail = expectCode(await run(dir, "status", "1"), 0);
    assert.match(detail.stdout, /set aside by run 2 \(plutus discard\)/);
    assert.doesNotMatch(detail.stdout, /which loaded it since/);
    const runOne = await guiPage(dir, "/runs/1");
    assert.match(runOne, /Set aside by <a href="\/runs\/2">run 2<\/a> \(plutus discard\)\./);
  }));

Deno.test({
  name:
    "a file whose name is not valid UTF-8 says so, with how to rename it, and loads once renamed",
  ignore: Deno.build.os !== "linux",
  fn: () =>
    withTempDir(async (dir) => {
      await writeFiles(dir, {
        "plutus.yaml":
          'sources:\n  crm:\n    kind: file\n    files: "leads*.csv"\n    table: leads\n',
        "schema/leads.yaml": LEADS,
        "inbox/.keep": "",
      });
      // Deno names files by text: the shell writes the byte E9 (é in Windows-1252)
      const made = await new Deno.Command("sh", {
        args: [
          "-c",
          `printf 'email,stage\\na@x.com,lead\\n' > "$(printf 'inbox/leads caf\\351.csv')"`,
        ],
        cwd: dir,
      }).output();
      assert.equal(made.code, 0);
      // a name that truly holds U+FFFD is a name like any other
      await Deno.writeTextFile(
        join(dir, "inbox", "leads_\uFFFD.csv"),
        "email,stage\nb@x.com,lead\n",
      );
      const result = expectCode(await run(dir, "run"), 1);
      assert.match(result.stdout, /leads_\uFFFD\.csv +succeeded/);
      assert.match(
        result.stdout,
        /inbox\/leads caf\*\.csv has a name that is not valid UTF-8 text .*so Plutus cannot open it/,
      );
      // the hint's own command, run as it is written (the name has a space)
      const command = /with: (mv .*? inbox\/NEW_NAME\.csv)/.exec(result.stdout)![1]!;
      assert.equal(command, "mv 'inbox/leads caf'*'.csv' inbox/NEW_NAME.csv");
      const status = expectCode(await run(dir, "status"), 0);
      assert.match(status.stdout, /✗ inbox\/leads caf\uFFFD\.csv: .*not valid UTF-8/);
      const name = [...Deno.readDirSync(join(dir, "inbox"))].find((e) =>
        e.name.startsWith("leads")
      )!;
      const discard = expectCode(await run(dir, "discard", name.name), 1);
      assert.match(discard.stderr, /nor set it aside/);
      assert.doesNotMatch(discard.stderr, /archive\/ is writable/);
      // renamed as the hint says, it loads
      const moved = await new Deno.Command("sh", {
        args: ["-c", command.replace("NEW_NAME", "leads_cafe")],
        cwd: dir,
      }).output();
      assert.equal(moved.code, 0);
      expectCode(await run(dir, "run"), 0);
      assert.equal(query(dir, "SELECT count(*) AS n FROM leads")[0]!.n, 2);
      assert.match(expectCode(await run(dir, "status"), 0).stdout, /^No open problems\./);
    }),
});

Deno.test("rerun of a run whose failed file was discarded says it was set aside, not loaded", () =>
  withTempDir(async (dir) => {
    await writeFiles(dir, {
      "plutus.yaml":
        'sources:\n  crm:\n    kind: file\n    files: "leads*.csv"\n    table: leads\n',
      "schema/leads.yaml": LEADS,
      "inbox/leads_1.csv": "Mail,Stage\na@x.com,lead\n",
    });
    expectCode(await run(dir, "run"), 1);
    expectCode(await run(dir, "discard", "leads_1.csv"), 0);
    const rerun = expectCode(await run(dir, "rerun", "1"), 0);
    assert.match(
      rerun.stdout,
      /leads_1\.csv failed in run 1 and was set aside by run 2 \(plutus discard\) since\./,
    );
    assert.doesNotMatch(rerun.stdout, /loaded by run 2/);
  }));

Deno.test("rerun without a number, after one of a run's failed files was set aside, retries the others", () =>
  withTempDir(async (dir) => {
    await writeFiles(dir, {
      "plutus.yaml":
        'sources:\n  crm:\n    kind: file\n    files: "leads*.csv"\n    table: leads\n',
      "schema/leads.yaml": LEADS,
      "inbox/leads_1.csv": "Mail,Stage\na@x.com,lead\n",
      "inbox/leads_2.csv": "Mail,Stage\nb@x.com,lead\n",
    });
    expectCode(await run(dir, "run"), 1);
    expectCode(await run(dir, "discard", "leads_1.csv"), 0);
    // leads_2.csv fixed: the rerun means run 1, not the discard's record (run 2)
    await Deno.writeTextFile(join(dir, "inbox", "leads_2.csv"), "email,stage\nb@x.com,lead\n");
    const rerun = expectCode(await run(dir, "rerun"), 0);
    assert.doesNotMatch(rerun.stdout, /Run 2 has no failed steps/);
    assert.match(rerun.stdout, /leads_2\.csv +succeeded/);
    assert.match(rerun.stdout, /leads_1\.csv failed in run 1 and was set aside by run 2/);
    assert.equal(query(dir, "SELECT count(*) AS n FROM leads")[0]!.n, 1);
  }));

Deno.test("run --source says when the files waiting in inbox/ are for other sources", () =>
  withTempDir(async (dir) => {
    await writeFiles(dir, {
      "plutus.yaml":
        'sources:\n  crm:\n    kind: file\n    files: "leads*.csv"\n    table: leads\n' +
        '  gads:\n    kind: file\n    files: "gads*.csv"\n    table: leads\n',
      "schema/leads.yaml": LEADS,
      "inbox/leads_1.csv": "email,stage\na@x.com,lead\n",
    });
    const result = expectCode(await run(dir, "run", "--source", "gads"), 0);
    assert.match(
      result.stdout,
      /nothing to load — no files for source gads wait in inbox\/ \(1 other file\(s\) do\)/,
    );
    assert.doesNotMatch(result.stdout, /inbox\/ has no files waiting/);
  }));
