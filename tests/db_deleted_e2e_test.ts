/**
 * data/plutus.db deleted while a run loads: the rows go into the removed file. The run must
 * not report success nor archive the file; it says what happened, and the file stays in
 * inbox/ to load again. The deletion is made where it can happen, inside the step.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { SqliteStore } from "../core/store/sqlite/sqlite_store.ts";
import { expectCode, filesIn, LEADS_PROJECT, runCli, withTempDir, writeFiles } from "./helpers.ts";

Deno.test({
  name:
    "the database deleted during an upload: no success, the file stays in inbox/, and it says so",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: () =>
    withTempDir(async (dir) => {
      await writeFiles(dir, {
        ...LEADS_PROJECT,
        "leads_b.csv": "Email,Stage,Amount\nb@x.com,lead,2\n",
      });
      const database = join(dir, "data", "plutus.db");
      const finishStep = SqliteStore.prototype.finishStep;
      SqliteStore.prototype.finishStep = function (step) {
        // someone deletes the database while the step loads
        if (step.status === "succeeded" && existsSync(database)) Deno.removeSync(database);
        return finishStep.call(this, step);
      };
      let result;
      try {
        result = expectCode(
          await runCli(["upload", join(dir, "leads_b.csv"), "--project", dir]),
          1,
        );
      } finally {
        SqliteStore.prototype.finishStep = finishStep;
      }
      assert.doesNotMatch(result.stdout, /succeeded/);
      assert.match(
        result.stderr,
        /error: crm leads_b\.csv: the database \S*plutus\.db was deleted while this run had it open/,
      );
      assert.match(result.stderr, /stays in inbox\//);
      assert.deepEqual(await filesIn(join(dir, "inbox")), ["leads_b.csv"]);
      assert.equal(existsSync(join(dir, "archive")), false);
    }),
});
