/**
 * `plutus export -o`: a file name alone goes into the project's exports/ whatever folder
 * the command is typed in; a path must lead into exports/; elsewhere is refused. Ctrl-C
 * leaves nothing behind.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { RUN_FLAGS } from "../runtime_flags.ts";
import { expectCode, filesIn, MAIN, plutus, runCli, TEST_ENV, withTempDir } from "./helpers.ts";

Deno.test("export -o NAME writes into exports/; a path outside exports/ is refused", () =>
  withTempDir(async (dir) => {
    const project = join(dir, "acme");
    const elsewhere = join(dir, "elsewhere");
    await Deno.mkdir(elsewhere);
    expectCode(await runCli(["init", project, "--demo"]), 0);
    expectCode(await runCli(["run", "--project", project]), 0);
    // the real program: from another folder it runs itself again in the project folder
    const exportTo = (output: string, cwd = elsewhere) =>
      plutus(["export", "leads", "-o", output, "--project", project], { cwd });
    // the same rules in this process, where paths resolve from `cwd` without a relaunch
    const exportHere = (output: string, cwd = elsewhere) =>
      runCli(["export", "leads", "-o", output, "--project", project], { cwd });

    const named = expectCode(await exportTo("november.csv"), 0);
    assert.match(named.stdout, /to \S*acme\/exports\/november\.csv\n/);
    assert.match(await Deno.readTextFile(join(project, "exports", "november.csv")), /^email,/);
    assert.deepEqual([...Deno.readDirSync(elsewhere)], []);

    // a path into exports/, typed from the project folder
    expectCode(await exportHere(join("exports", "2026", "dec.csv"), project), 0);
    assert.match(await Deno.readTextFile(join(project, "exports", "2026", "dec.csv")), /^email,/);

    for (const output of ["./here.csv", join(project, "leads.csv"), "../x.csv"]) {
      const refused = expectCode(
        await (output === "./here.csv" ? exportTo : exportHere)(output),
        2,
      );
      assert.match(refused.stderr, /is outside the project's exports\/ folder/, output);
      assert.match(refused.stderr, /hint: Give a file name alone \(-o [\w.]+\.csv\): it goes into/);
    }
    assert.deepEqual([...Deno.readDirSync(elsewhere)], []);
    await Deno.stat(join(project, "leads.csv")).then(() => assert.fail("written"), () => {});
    const folder = expectCode(await exportHere(join(project, "exports")), 2);
    assert.match(folder.stderr, /-o needs a file name/);
  }));

Deno.test("Ctrl-C during an export ends it with code 130 and leaves nothing in exports/", () =>
  withTempDir(async (dir) => {
    const project = join(dir, "acme");
    expectCode(await runCli(["init", project, "--demo"]), 0);
    expectCode(await runCli(["run", "--project", project]), 0);
    // a table long enough to stop halfway through its export: 500,000 rows
    const db = new DatabaseSync(join(project, "data", "plutus.db"));
    db.exec(`CREATE TABLE big AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
      WHERE i < 500000) SELECT i, 'row number ' || i AS note FROM n`);
    db.close();
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", ...RUN_FLAGS, MAIN, "export", "big"],
      cwd: project,
      env: TEST_ENV,
      stdout: "null",
      stderr: "null",
    }).spawn();
    const exports = join(project, "exports");
    // stopped once its temporary file is there (synchronised on what it writes, no timing)
    let ended = false;
    const status = child.status.finally(() => (ended = true));
    while (!ended && !(await filesIn(exports).catch(() => [])).some((f) => f.endsWith(".part"))) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    assert.ok(!ended, "the export ended before it could be stopped");
    child.kill("SIGINT");
    assert.equal((await status).code, 130);
    assert.deepEqual(await filesIn(exports), []);
  }));
