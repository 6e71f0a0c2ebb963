/**
 * A failure after a step's commit — a disk that fills up just then, refusing the run's
 * record — must not be told as a rollback: the rows are loaded and the file is in archive/.
 * And `plutus status` must still show the history while the disk is full. The disk's refusal
 * is injected where SQLite would give it (SqliteStore), in this process.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { SqliteStore } from "../core/store/sqlite/sqlite_store.ts";
import {
  expectCode,
  filesIn,
  LEADS_PROJECT,
  query,
  runCli,
  withTempDir,
  writeFiles,
} from "./helpers.ts";

const FULL = "database or disk is full";

Deno.test({
  name:
    "a full disk after the commit says the rows were loaded and the file archived, not rolled back",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: () =>
    withTempDir(async (dir) => {
      await writeFiles(dir, {
        ...LEADS_PROJECT,
        "inbox/leads_a.csv": "Email,Stage,Amount\na@x.com,lead,1\n",
        "leads_b.csv": "Email,Stage,Amount\nb@x.com,lead,2\n",
      });
      expectCode(await runCli(["run", "--project", dir]), 0);
      const setArchivedTo = SqliteStore.prototype.setArchivedTo;
      SqliteStore.prototype.setArchivedTo = () => {
        throw new Error(FULL);
      };
      let result;
      try {
        result = expectCode(
          await runCli(["upload", join(dir, "leads_b.csv"), "--project", dir]),
          1,
        );
      } finally {
        SqliteStore.prototype.setArchivedTo = setArchivedTo;
      }
      assert.doesNotMatch(result.stderr, /What was being loaded was rolled back/);
      assert.match(
        result.stderr,
        /error: crm leads_b\.csv: its rows were loaded \(committed\) and the file was moved to archive\/\d{4}-\d\d-\d\d\/leads_b\.csv, but then writing the run's log or record failed: the disk is full/,
      );
      assert.match(result.stderr, /hint: Nothing was rolled back and nothing needs loading again/);
      assert.deepEqual(query(dir, "SELECT email FROM leads ORDER BY email").map((r) => r.email), [
        "a@x.com",
        "b@x.com",
      ]);
      assert.deepEqual(await filesIn(join(dir, "inbox")), []);
      const logs = await filesIn(join(dir, "logs"));
      const log = await Deno.readTextFile(
        join(dir, "logs", logs.find((n) => n.endsWith("run-2.log"))!),
      );
      assert.doesNotMatch(log, /could not be moved to archive/);
    }),
});

Deno.test({
  name: "plutus status shows the runs while a full disk refuses to mark a dead run interrupted",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: () =>
    withTempDir(async (dir) => {
      await writeFiles(dir, {
        ...LEADS_PROJECT,
        "inbox/leads_a.csv": "Email,Stage,Amount\na@x.com,lead,1\n",
      });
      expectCode(await runCli(["run", "--project", dir]), 0);
      const markInterrupted = SqliteStore.prototype.markInterrupted;
      SqliteStore.prototype.markInterrupted = () => {
        throw new Error(FULL);
      };
      try {
        // a run left "running", as by a process that died
        const store = SqliteStore.open(join(dir, "data", "plutus.db"));
        store.startRun("cli", "run");
        store.close();
        const status = expectCode(await runCli(["status", "--project", dir]), 0);
        assert.match(status.stdout, /^\s+1\s.*succeeded/m);
      } finally {
        SqliteStore.prototype.markInterrupted = markInterrupted;
      }
    }),
});
