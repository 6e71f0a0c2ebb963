/**
 * Datetimes through the real CLI: every one is stored in UTC, so `keep: latest` picks the
 * later instant whatever offsets the sources wrote; a database from an earlier version is
 * converted on the first run, once; the run log says which zone was used.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { expectCode, query, runCli, withTempDir, writeFiles } from "./helpers.ts";

const PROJECT = {
  "plutus.yaml": `timezone: Europe/Berlin
sources:
  crm:
    kind: file
    files: "crm*.csv"
    table: leads
  shop:
    kind: file
    files: "shop*.csv"
    table: leads
    columns:
      email: Customer
      updated_at: Changed
`,
  "schema/leads.yaml": `columns:
  email:      { type: email, required: true }
  stage:      { type: text }
  updated_at: { type: datetime }
key: [email]
keep: latest
order_by: updated_at
`,
};

Deno.test("keep: latest keeps the later instant, whatever offset each source wrote", () =>
  withTempDir(async (dir) => {
    await writeFiles(dir, {
      ...PROJECT,
      // 16:00+02:00 is 14:00Z, earlier than 15:00Z; 11:45 without offset is 10:45Z in Berlin
      "crm.csv": "email,stage,updated_at\n" +
        "a@x.com,from crm,2026-11-16T16:00:00+02:00\n" +
        "b@x.com,from crm,2026-11-16T11:45:00\n",
      "shop.csv": "Customer,stage,Changed\n" +
        "a@x.com,from shop,2026-11-16T15:00:00Z\n" +
        "b@x.com,from shop,2026-11-16T10:30:00.000Z\n",
    });
    for (const file of ["crm.csv", "shop.csv"]) {
      expectCode(await runCli(["upload", join(dir, file), "--project", dir]), 0);
    }
    assert.deepEqual(query(dir, "SELECT email, stage, updated_at FROM leads ORDER BY email"), [
      { email: "a@x.com", stage: "from shop", updated_at: "2026-11-16T15:00:00.000Z" },
      { email: "b@x.com", stage: "from crm", updated_at: "2026-11-16T10:45:00.000Z" },
    ]);
    // and SQL on the table orders by instant
    assert.deepEqual(
      query(dir, "SELECT email FROM leads ORDER BY updated_at").map((row) => row.email),
      ["b@x.com", "a@x.com"],
    );
    const logs = [...Deno.readDirSync(join(dir, "logs"))].filter((e) => e.name.includes("-run-"));
    const log = Deno.readTextFileSync(join(dir, "logs", logs[0]!.name));
    assert.match(log, /datetimes without an offset are read in time zone Europe\/Berlin/);
  }));

Deno.test("a database from an earlier version is converted to UTC on the first run, once", () =>
  withTempDir(async (dir) => {
    await writeFiles(dir, {
      ...PROJECT,
      "crm.csv": "email,stage,updated_at\na@x.com,lead,2026-11-16T08:00:00Z\n",
    });
    expectCode(await runCli(["upload", join(dir, "crm.csv"), "--project", dir]), 0);
    // what an earlier version left: text as the sources wrote it, and no record of the form
    const db = new DatabaseSync(join(dir, "data", "plutus.db"));
    db.exec(`DELETE FROM _plutus_meta WHERE key = 'datetime_form';
      UPDATE leads SET updated_at = '2026-11-16T16:00:00+02:00';
      INSERT INTO leads VALUES ('b@x.com', 'lead', '2026-11-16T11:45:00', 'crm', 1, 'x');`);
    db.close();
    const first = expectCode(await runCli(["run", "--project", dir]), 0);
    assert.match(
      first.stdout + first.stderr,
      /converted datetimes stored by an earlier version to UTC .*leads\.updated_at 2/,
    );
    assert.deepEqual(query(dir, "SELECT email, updated_at FROM leads ORDER BY email"), [
      { email: "a@x.com", updated_at: "2026-11-16T14:00:00.000Z" },
      { email: "b@x.com", updated_at: "2026-11-16T10:45:00.000Z" },
    ]);
    const second = expectCode(await runCli(["run", "--project", dir]), 0);
    assert.doesNotMatch(second.stdout + second.stderr, /converted datetimes/);
  }));

Deno.test("a conversion that cannot finish changes nothing, and the run says why", () =>
  withTempDir(async (dir) => {
    await writeFiles(dir, {
      ...PROJECT,
      "crm.csv": "email,stage,updated_at\na@x.com,lead,2026-11-16T08:00:00Z\n",
    });
    expectCode(await runCli(["upload", join(dir, "crm.csv"), "--project", dir]), 0);
    const db = new DatabaseSync(join(dir, "data", "plutus.db"));
    db.exec(`DELETE FROM _plutus_meta WHERE key = 'datetime_form';
      UPDATE leads SET updated_at = '2026-11-16T16:00:00+02:00';
      INSERT INTO leads VALUES ('b@x.com', 'lead', 'soon', 'crm', 1, 'x');`);
    db.close();
    const result = await runCli(["run", "--project", dir]);
    assert.notEqual(result.code, 0);
    assert.match(result.stdout + result.stderr, /row 2, column updated_at holds "soon"/);
    assert.deepEqual(query(dir, "SELECT updated_at FROM leads ORDER BY email"), [
      { updated_at: "2026-11-16T16:00:00+02:00" },
      { updated_at: "soon" },
    ]);
  }));

Deno.test("plutus init writes the machine's time zone into plutus.yaml", () =>
  withTempDir(async (dir) => {
    const project = join(dir, "p");
    expectCode(await runCli(["init", project], { env: { TZ: "America/New_York" } }), 0);
    assert.match(
      await Deno.readTextFile(join(project, "plutus.yaml")),
      /^timezone: America\/New_York$/m,
    );
  }));

Deno.test("a column whose header says UTC is read in UTC, and a source's own timezone: beats the project's", () =>
  withTempDir(async (dir) => {
    await writeFiles(dir, {
      "plutus.yaml": `timezone: America/New_York
sources:
  stripe:
    kind: file
    files: "balance*.csv"
    table: payments
    columns: { id: id, created_at: Created (UTC), local_at: Created, plus2_at: Time (UTC+2) }
  berlin:
    kind: file
    files: "berlin*.csv"
    table: payments
    timezone: Europe/Berlin
    columns: { id: id, created_at: Created (UTC), local_at: Created, plus2_at: Time (UTC+2) }
`,
      "schema/payments.yaml": `columns:
  id:         { type: text, required: true }
  created_at: { type: datetime }
  local_at:   { type: datetime }
  plus2_at:   { type: datetime }
key: [id]
`,
      "inbox/balance_march.csv": "id,Created (UTC),Created,Time (UTC+2)\n" +
        "t1,2026-03-27 20:18:30,2026-03-27 20:18:30,2026-03-27 20:18:30\n" +
        // an offset written in the value wins over any zone
        "t2,2026-03-27T20:18:30+01:00,2026-03-27 20:18:30Z,2026-03-27 20:18:30\n",
      "inbox/berlin_march.csv": "id,Created (UTC),Created,Time (UTC+2)\n" +
        "t3,2026-03-27 20:18:30,2026-03-27 20:18:30,2026-03-27 20:18:30\n",
    });
    expectCode(await runCli(["run", "--project", dir]), 0);
    assert.deepEqual(
      query(dir, "SELECT id, created_at, local_at, plus2_at FROM payments ORDER BY id"),
      [
        // New York is UTC-4 on 27 March; Berlin UTC+1 (summer time starts on the 29th)
        {
          id: "t1",
          created_at: "2026-03-27T20:18:30.000Z",
          local_at: "2026-03-28T00:18:30.000Z",
          plus2_at: "2026-03-27T18:18:30.000Z",
        },
        {
          id: "t2",
          created_at: "2026-03-27T19:18:30.000Z",
          local_at: "2026-03-27T20:18:30.000Z",
          plus2_at: "2026-03-27T18:18:30.000Z",
        },
        {
          id: "t3",
          created_at: "2026-03-27T20:18:30.000Z",
          local_at: "2026-03-27T19:18:30.000Z",
          plus2_at: "2026-03-27T18:18:30.000Z",
        },
      ],
    );
    const logs = [...Deno.readDirSync(join(dir, "logs"))].filter((e) => e.name.includes("-run-"));
    const log = Deno.readTextFileSync(join(dir, "logs", logs[0]!.name));
    assert.match(log, /created_at ← "Created \(UTC\)" \(read in UTC, as its header says\)/);
    assert.match(log, /plus2_at ← "Time \(UTC\+2\)" \(read in UTC\+02:00, as its header says\)/);
    // the zone the berlin source's rows were read in is in the log, not only the project's
    assert.match(
      log,
      /datetimes without an offset are read in time zone America\/New_York, except by sources with their own \(berlin: Europe\/Berlin\)/,
    );
  }));
