/**
 * The pipeline's promises, through the real CLI: a bad file loads nothing and stays in
 * inbox/, the same file twice loads once, a rerun after a fix loads exactly what was
 * missing, and one run at a time.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { openDriver } from "../core/store/open_driver.ts";
import { locateProject } from "../core/project/project_paths.ts";
import { localStamp } from "../util/time.ts";
import {
  backendMissing,
  BACKENDS,
  expectCode,
  filesIn,
  LEADS_PROJECT,
  runCli,
  withProject,
  writeFiles,
} from "./helpers.ts";

const header = "Email,Stage,Amount\n";
const goodRows = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => `User${from + i}@Example.com,lead,"$${from + i}.50"\n`)
    .join("");

for (const backend of BACKENDS) {
  const ignore = await backendMissing(backend);

  Deno.test({
    name: `a malformed file fails with its line, loads nothing and stays in inbox/ [${backend}]`,
    ignore,
    fn: () =>
      withProject(backend, LEADS_PROJECT, async (dir, db) => {
        const bad = join(dir, "leads_bad.csv");
        await Deno.writeTextFile(
          bad,
          `${header}${goodRows(1, 3)}a@x.com,lead,"12\nb@x.com,lead,5\n`,
        );
        const result = expectCode(await runCli(["upload", bad, "--project", dir]), 1);
        assert.match(
          result.stdout,
          /error: crm leads_bad\.csv: leads_bad\.csv:5: a quoted field starts here and never closes/,
        );
        assert.match(result.stdout, /hint: Open the file in a text editor at that line/);
        assert.deepEqual(await filesIn(join(dir, "inbox")), ["leads_bad.csv"]);
        assert.deepEqual(
          await db.query("SELECT count(*) AS n FROM _plutus_steps WHERE status = 'failed'"),
          [{ n: 1 }],
        );
        assert.equal(await db.hasTable("leads"), false);
      }),
  });

  Deno.test({
    name: `a dry run on a new database reports the load and creates nothing [${backend}]`,
    ignore,
    fn: () =>
      withProject(backend, LEADS_PROJECT, async (dir, db) => {
        await writeFiles(dir, { "inbox/leads_1.csv": header + goodRows(1, 3) });
        const dry = expectCode(await runCli(["run", "--dry-run", "--project", dir]), 0);
        assert.match(dry.stdout, /crm\s+leads_1\.csv\s+succeeded\s+3\s+3\s+0\s+0\s+0/);
        assert.deepEqual(await filesIn(join(dir, "inbox")), ["leads_1.csv"]);
        // (the run lock file is there: the lock is taken before the run knows it is dry)
        if (backend === "sqlite") {
          assert.ok(!(await filesIn(join(dir, "data"))).includes("plutus.db"));
        } else {
          assert.deepEqual(
            await db.query(
              "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
            ),
            [],
          );
        }
      }),
  });

  Deno.test({
    name: `a step that fails midway leaves every table exactly as it was [${backend}]`,
    ignore,
    fn: () =>
      withProject(backend, LEADS_PROJECT, async (dir, db) => {
        await writeFiles(dir, { "leads_first.csv": header + goodRows(1, 10) });
        expectCode(await runCli(["upload", join(dir, "leads_first.csv"), "--project", dir]), 0);
        const before = await db.query("SELECT * FROM leads ORDER BY email");
        // 20,000 good rows, some of them changing stored ones, then a quote that never closes
        const changed = "user1@example.com,customer,999\n";
        await writeFiles(dir, {
          "leads_big.csv": header + changed + goodRows(100, 20_000) + 'z@x.com,lead,"1\n',
        });
        expectCode(await runCli(["upload", join(dir, "leads_big.csv"), "--project", dir]), 1);
        assert.deepEqual(await db.query("SELECT * FROM leads ORDER BY email"), before);
      }),
  });

  Deno.test({
    name: `too many rejects fail the step: nothing loaded, reasons recorded [${backend}]`,
    ignore,
    fn: () =>
      withProject(backend, LEADS_PROJECT, async (dir, db) => {
        await writeFiles(dir, {
          "leads_x.csv": `${header}${goodRows(1, 8)}not-an-email,lead,1\nc@x.com,prospect,1\n`,
        });
        const result = expectCode(
          await runCli(["upload", join(dir, "leads_x.csv"), "--project", dir]),
          1,
        );
        assert.match(
          result.stdout,
          /2 of 10 rows rejected \(20%\), over the reject limit of 5%: nothing was loaded/,
        );
        assert.match(
          result.stdout,
          /email: "not-an-email" is not an email address \(leads_x\.csv:10\)/,
        );
        assert.match(
          result.stdout,
          /stage: "prospect" is not one of lead, mql, sql, customer \(leads_x\.csv:11\)/,
        );
        // even the table's creation was undone with the step
        assert.equal(await db.hasTable("leads"), false);
        assert.deepEqual(
          await db.query("SELECT location, column_name, value FROM _plutus_rejects ORDER BY line"),
          [
            { location: "leads_x.csv:10", column_name: "email", value: "not-an-email" },
            { location: "leads_x.csv:11", column_name: "stage", value: "prospect" },
          ],
        );
      }),
  });

  Deno.test({
    name: `uploading the same file again loads nothing new [${backend}]`,
    ignore,
    fn: () =>
      withProject(backend, LEADS_PROJECT, async (dir, db) => {
        await writeFiles(dir, { "leads_a.csv": header + goodRows(1, 5) });
        expectCode(await runCli(["upload", join(dir, "leads_a.csv"), "--project", dir]), 0);
        const again = expectCode(
          await runCli(["upload", join(dir, "leads_a.csv"), "--project", dir]),
          0,
        );
        assert.match(
          again.stdout,
          /skipped: crm leads_a\.csv: already loaded: the same content was loaded as leads_a\.csv in run 1/,
        );
        assert.deepEqual(await db.query("SELECT count(*) AS n FROM leads"), [{ n: 5 }]);
        // the same content under another name is recognised too, and the copy is archived
        await writeFiles(dir, { "leads_copy.csv": header + goodRows(1, 5) });
        const copy = expectCode(
          await runCli(["upload", join(dir, "leads_copy.csv"), "--project", dir]),
          0,
        );
        assert.match(copy.stdout, /already loaded/);
        assert.deepEqual(await filesIn(join(dir, "inbox")), []);
        // --force loads it anyway: identical rows count as duplicates, nothing changes
        await writeFiles(dir, { "leads_b.csv": header + goodRows(1, 5) });
        const forced = expectCode(
          await runCli(["upload", join(dir, "leads_b.csv"), "--force", "--project", dir]),
          0,
        );
        assert.match(forced.stdout, /crm\s+leads_b\.csv\s+succeeded\s+5\s+0\s+0\s+5\s+0/);
      }),
  });

  Deno.test({
    name: `rerun after fixing the file loads exactly the missing rows [${backend}]`,
    ignore,
    fn: () =>
      withProject(backend, LEADS_PROJECT, async (dir, db) => {
        await writeFiles(dir, {
          "leads_1.csv": header + goodRows(1, 5),
          "leads_2.csv": `${header}${goodRows(10, 3)}oops,lead,1\n`,
        });
        expectCode(
          await runCli([
            "upload",
            join(dir, "leads_1.csv"),
            join(dir, "leads_2.csv"),
            "--project",
            dir,
          ]),
          1,
        );
        assert.deepEqual(await db.query("SELECT count(*) AS n FROM leads"), [{ n: 5 }]);
        assert.deepEqual(await filesIn(join(dir, "inbox")), ["leads_2.csv"]);
        // the analyst fixes the file in inbox/ and reruns
        await Deno.writeTextFile(
          join(dir, "inbox", "leads_2.csv"),
          `${header}${goodRows(10, 3)}oops@example.com,lead,1\n`,
        );
        const rerun = expectCode(await runCli(["rerun", "--project", dir]), 0);
        assert.match(rerun.stdout, /Run 2 succeeded: 1 loaded/);
        assert.match(rerun.stdout, /crm\s+leads_2\.csv\s+succeeded\s+4\s+4\s+0\s+0\s+0/);
        assert.deepEqual(await db.query("SELECT count(*) AS n FROM leads"), [{ n: 9 }]);
        assert.deepEqual(await db.query("SELECT rerun_of FROM _plutus_runs WHERE id = 2"), [{
          rerun_of: 1,
        }]);
        const nothing = expectCode(await runCli(["rerun", "--project", dir]), 0);
        assert.match(nothing.stdout, /Run 2 has no failed steps to rerun\.\n$/);
        // a file that waits in inbox/ from another failure is pointed out
        await Deno.writeTextFile(join(dir, "inbox", "leads_3.csv"), header);
        const waiting = expectCode(await runCli(["rerun", "--project", dir]), 0);
        assert.match(
          waiting.stdout,
          /1 file\(s\) wait in inbox\/ \(leads_3\.csv\): plutus run loads them/,
        );
      }),
  });

  Deno.test({
    name: `a failed upload --force is rerun forced: the file loads again [${backend}]`,
    ignore,
    fn: () =>
      withProject(backend, LEADS_PROJECT, async (dir, db) => {
        const file = join(dir, "leads_1.csv");
        await writeFiles(dir, { "leads_1.csv": header + goodRows(1, 5) });
        expectCode(await runCli(["upload", file, "--project", dir]), 0);
        // the analyst adds a clean rule, with a typo first, and reloads the same file
        const yaml = join(dir, "plutus.yaml");
        const rule = (to: string) =>
          `stage: { from: Stage, clean: [ { replace: { regex: "^lead$", to: "${to}" } } ] }`;
        const config = await Deno.readTextFile(yaml);
        await Deno.writeTextFile(yaml, config.replace("stage: Stage", rule("mqll")));
        const failed = expectCode(await runCli(["upload", file, "--force", "--project", dir]), 1);
        assert.match(failed.stdout, /5 of 5 rows rejected/);
        await Deno.writeTextFile(yaml, config.replace("stage: Stage", rule("mql")));
        const rerun = expectCode(await runCli(["rerun", "--project", dir]), 0);
        assert.match(rerun.stdout, /Run 3 succeeded: 1 loaded, 0 failed, 0 skipped/);
        assert.match(rerun.stdout, /crm\s+leads_1\.csv\s+succeeded\s+5\s+0\s+5\s+0\s+0/);
        assert.deepEqual(
          await db.query("SELECT stage, count(*) AS n FROM leads GROUP BY stage"),
          [{ stage: "mql", n: 5 }],
        );
        assert.deepEqual(await filesIn(join(dir, "inbox")), []);
        const status = expectCode(await runCli(["status", "--project", dir]), 0);
        assert.match(status.stdout, /No open problems/);
        assert.match(status.stdout, /\n\s+2 .*failed \(resolved by 3\)/);
        assert.deepEqual(
          await db.query("SELECT rerun_of FROM _plutus_runs WHERE id = 3"),
          [{ rerun_of: 2 }],
        );
      }),
  });

  Deno.test({
    name: `plutus run retries a failed forced step forced, not skipped as loaded [${backend}]`,
    ignore,
    fn: () =>
      withProject(backend, LEADS_PROJECT, async (dir, db) => {
        const file = join(dir, "leads_1.csv");
        await writeFiles(dir, { "leads_1.csv": header + goodRows(1, 5) });
        expectCode(await runCli(["upload", file, "--project", dir]), 0);
        const yaml = join(dir, "plutus.yaml");
        const config = await Deno.readTextFile(yaml);
        await Deno.writeTextFile(yaml, config.replace("stage: Stage", "stage: Amount"));
        expectCode(await runCli(["upload", file, "--force", "--project", dir]), 1);
        await Deno.writeTextFile(
          yaml,
          config.replace(
            "stage: Stage",
            `stage: { from: Stage, clean: [ { replace: { regex: "^lead$", to: "sql" } } ] }`,
          ),
        );
        // plutus run, not rerun: the content was loaded by run 1, yet the fix is loaded
        const run = expectCode(await runCli(["run", "--project", dir]), 0);
        assert.match(run.stdout, /Run 3 succeeded: 1 loaded, 0 failed, 0 skipped/);
        assert.match(run.stdout, /loaded with --force, as in run 2 where it failed/);
        assert.deepEqual(
          await db.query("SELECT stage, count(*) AS n FROM leads GROUP BY stage"),
          [{ stage: "sql", n: 5 }],
        );
        const status = expectCode(await runCli(["status", "--project", dir]), 0);
        assert.match(status.stdout, /\n\s+2 .*failed \(resolved by 3\)/);
        // a later run of the same content, without --force, is skipped again as before
        await writeFiles(dir, { "inbox/leads_1.csv": header + goodRows(1, 5) });
        const again = expectCode(await runCli(["run", "--project", dir]), 0);
        assert.match(again.stdout, /already loaded/);
      }),
  });

  Deno.test({
    name: `a database of a version before steps kept --force gains the column [${backend}]`,
    ignore,
    fn: () =>
      withProject(backend, LEADS_PROJECT, async (dir, db) => {
        const file = join(dir, "leads_1.csv");
        await writeFiles(dir, { "leads_1.csv": header + goodRows(1, 2) });
        expectCode(await runCli(["upload", file, "--project", dir]), 0);
        const drop = "ALTER TABLE _plutus_steps DROP COLUMN forced";
        if (backend === "postgres") await db.query(drop);
        else {
          const sqlite = new DatabaseSync(join(dir, "data", "plutus.db"));
          sqlite.exec(drop);
          sqlite.close();
        }
        // the history reads without it; the next run adds it and keeps --force in it
        expectCode(await runCli(["status", "--project", dir]), 0);
        expectCode(await runCli(["upload", file, "--force", "--project", dir]), 0);
        assert.deepEqual(await db.query("SELECT forced FROM _plutus_steps ORDER BY id"), [
          { forced: null },
          { forced: 1 },
        ]);
      }),
  });

  Deno.test({
    name: `a second run at the same time is refused, naming the first [${backend}]`,
    ignore,
    fn: () =>
      withProject(backend, LEADS_PROJECT, async (dir) => {
        await writeFiles(dir, { "leads_1.csv": header + goodRows(1, 2) });
        expectCode(await runCli(["upload", join(dir, "leads_1.csv"), "--project", dir]), 0);
        // another process's run: the run lock held and run 2 recorded as running
        const driver = openDriver((await locateProject(dir)).database);
        const lock = await driver.tryLock("the command line (plutus run)");
        assert.ok(lock);
        const store = await driver.openWriter();
        try {
          const runId = await store.startRun("cli", "run");
          const run = await driver.readHistory((history) => history.run(runId));
          const refused = expectCode(await runCli(["run", "--project", dir]), 1);
          assert.equal(
            refused.stderr.split("\n")[0],
            `error: another run is in progress: run 2, started ${
              localStamp(new Date(run!.startedAt))
            } from the command line (plutus run)`,
          );
          assert.match(refused.stderr, /hint: Wait for it to finish/);
          // an upload is copied before it is refused: it says where the file waits
          await writeFiles(dir, { "leads_2.csv": header + goodRows(3, 2) });
          const upload = expectCode(
            await runCli(["upload", join(dir, "leads_2.csv"), "--project", dir]),
            1,
          );
          assert.match(upload.stderr, /^error: another run is in progress: run 2/);
          assert.match(
            upload.stderr,
            /hint: inbox\/leads_2\.csv waits there and loads with the next run: once this one has finished/,
          );
          // with --force (or --source) plutus run would not do the same: upload again
          const forced = expectCode(
            await runCli(["upload", join(dir, "leads_2.csv"), "--force", "--project", dir]),
            1,
          );
          assert.match(
            forced.stderr,
            /hint: inbox\/leads_2\.csv waits there; once this one has finished \(plutus status shows it\), upload again as you did: plutus upload .*leads_2\.csv --force --project /,
          );
          // the command to copy is quoted as a shell reads it back
          const odd = join(dir, "Q1 leads (Anna's).csv");
          await Deno.writeTextFile(odd, header + goodRows(5, 1));
          const quoted = expectCode(
            await runCli(["upload", odd, "--source", "crm", "--project", dir]),
            1,
          );
          assert.ok(
            quoted.stderr.includes(
              `upload again as you did: plutus upload '${
                odd.replaceAll("'", `'\\''`)
              }' --source crm --project ${dir}`,
            ),
            quoted.stderr,
          );
        } finally {
          await store.close();
          await lock.release();
        }
        // its process is gone (the lock free, the run still "running"): the next run says so
        const next = expectCode(await runCli(["run", "--project", dir]), 0);
        assert.match(next.stdout, /run 2 was interrupted before it finished/);
        assert.match(next.stdout, /leads_2\.csv\s+succeeded\s+2\s+2/);
        const runs = await driver.readHistory((history) => history.listRuns());
        assert.deepEqual(runs?.map((run) => [run.id, run.status]), [
          [3, "succeeded"],
          [2, "interrupted"],
          [1, "succeeded"],
        ]);
      }),
  });

  Deno.test({
    name: `a file no source reads is reported with a hint and stays in inbox/ [${backend}]`,
    ignore,
    fn: () =>
      withProject(backend, LEADS_PROJECT, async (dir, db) => {
        await writeFiles(dir, { "contacts.csv": header + goodRows(1, 2) });
        const result = expectCode(
          await runCli(["upload", join(dir, "contacts.csv"), "--project", dir]),
          1,
        );
        assert.match(
          result.stdout,
          /skipped: contacts\.csv: no source reads contacts\.csv: it matches no files pattern in plutus\.yaml/,
        );
        assert.match(
          result.stdout,
          /hint: Add its name pattern to a source's files \(patterns now: crm: leads\*\.csv\), or upload it with --source NAME/,
        );
        assert.deepEqual(await filesIn(join(dir, "inbox")), ["contacts.csv"]);
        expectCode(
          await runCli(["upload", join(dir, "contacts.csv"), "--source", "crm", "--project", dir]),
          0,
        );
        assert.deepEqual(await db.query("SELECT count(*) AS n FROM leads"), [{ n: 2 }]);
      }),
  });

  Deno.test({
    name: `a new schema column is added; a type change is refused and changes nothing [${backend}]`,
    ignore,
    fn: () =>
      withProject(backend, LEADS_PROJECT, async (dir, db) => {
        await writeFiles(dir, { "leads_1.csv": header + goodRows(1, 2) });
        expectCode(await runCli(["upload", join(dir, "leads_1.csv"), "--project", dir]), 0);
        await writeFiles(dir, {
          "schema/leads.yaml": `${LEADS_PROJECT["schema/leads.yaml"]}`.replace(
            "key:",
            "  score: { type: integer }\nkey:",
          ),
        });
        await writeFiles(dir, { "leads_2.csv": "Email,Stage,Amount,Score\nnew@x.com,lead,1,7\n" });
        expectCode(await runCli(["upload", join(dir, "leads_2.csv"), "--project", dir]), 0);
        assert.deepEqual(await db.query("SELECT email, score FROM leads ORDER BY email"), [
          { email: "new@x.com", score: 7 },
          { email: "user1@example.com", score: null },
          { email: "user2@example.com", score: null },
        ]);
        await writeFiles(dir, {
          "schema/leads.yaml": LEADS_PROJECT["schema/leads.yaml"].replace(
            "amount: { type: decimal",
            "amount: { type: integer",
          ),
        });
        await writeFiles(dir, { "leads_3.csv": header + goodRows(50, 1) });
        const refused = expectCode(
          await runCli(["upload", join(dir, "leads_3.csv"), "--project", dir]),
          1,
        );
        assert.match(
          refused.stdout,
          new RegExp(
            "schema/leads\\.yaml no longer matches table leads in the database: column amount is now integer, but the table stores it as " +
              (backend === "sqlite" ? "REAL" : "numeric"),
          ),
        );
        assert.deepEqual(await db.query("SELECT count(*) AS n FROM leads"), [{ n: 3 }]);
      }),
  });
}
