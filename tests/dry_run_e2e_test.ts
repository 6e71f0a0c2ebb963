/**
 * A dry run records nothing and creates nothing: what it says must not point at a run, a
 * rerun or a database that does not exist — and it works for a project without a database
 * from any folder, as the real run does.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { expectCode, LEADS_PROJECT, plutus, runCli, withTempDir, writeFiles } from "./helpers.ts";

Deno.test("a dry run over the reject limit says to fix and run for real, not plutus rejects 0", () =>
  withTempDir(async (dir) => {
    await writeFiles(dir, {
      ...LEADS_PROJECT,
      "leads_bad.csv": "Email,Stage,Amount\na@x.com,lead,1\nb@x.com,lead,lots\n",
    });
    const result = expectCode(
      await runCli(["upload", join(dir, "leads_bad.csv"), "--dry-run", "--project", dir]),
      1,
    );
    const said = result.stdout + result.stderr;
    assert.match(said, /over the reject limit/);
    assert.doesNotMatch(said, /plutus rejects 0|plutus rerun/);
    assert.match(said, /run again without --dry-run/);
    // the reasons the hint refers to are right there
    assert.match(said, /Rejected in leads_bad\.csv/);
    assert.match(said, /Database: \S*plutus\.db \(none yet: a dry run creates nothing\)/);
    assert.equal(existsSync(join(dir, "data", "plutus.db")), false);
  }));

Deno.test("a dry run with --project of a project without a database works from another folder", () =>
  withTempDir(async (dir) => {
    const project = join(dir, "proj");
    await writeFiles(project, {
      ...LEADS_PROJECT,
      "inbox/leads_a.csv": "Email,Stage,Amount\na@x.com,lead,1\n",
    });
    const result = expectCode(
      await plutus(["run", "--dry-run", "--project", "proj"], { cwd: dir }),
      0,
    );
    assert.match(result.stdout, /Dry run \(nothing was changed\): 1 would load/);
    assert.equal(existsSync(join(project, "data", "plutus.db")), false);
  }));
