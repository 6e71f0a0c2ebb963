/**
 * `plutus export -o`: a file name alone goes into the project's exports/ whatever folder
 * the command is typed in; a path must lead into exports/; elsewhere is refused.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { expectCode, plutus, runCli, withTempDir } from "./helpers.ts";

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
