/**
 * Another program holding a write transaction on data/plutus.db (a DB browser with unsaved
 * changes, a BI tool, a script): the upload says so — not a hint about folders, disk space
 * or a file that may not be a database — and where the uploaded file waits.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { expectCode, LEADS_PROJECT, runCli, withTempDir, writeFiles } from "./helpers.ts";

Deno.test({
  name: "upload while another program holds the database says so, and that the file waits",
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
      const other = new DatabaseSync(join(dir, "data", "plutus.db"));
      other.exec("BEGIN EXCLUSIVE");
      let result;
      try {
        result = expectCode(
          await runCli(["upload", join(dir, "leads_b.csv"), "--project", dir]),
          1,
        );
      } finally {
        other.exec("ROLLBACK");
        other.close();
      }
      assert.match(result.stderr, /error: .*another program holds the database/);
      assert.match(result.stderr, /Close the program that has the database open/);
      assert.match(
        result.stderr,
        /inbox\/leads_b\.csv waits there\. Once the database is free, plutus run loads it/,
      );
      assert.doesNotMatch(result.stderr, /SQLite database|free space/);
      const after = expectCode(await runCli(["run", "--project", dir]), 0);
      assert.match(after.stdout, /1 loaded/);
    }),
});
