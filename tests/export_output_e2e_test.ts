/**
 * `plutus export -o`: a file name alone goes into the project's exports/ whatever folder
 * the command is typed in; a path with a folder goes there, only if the folder exists.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { expectCode, plutus, withTempDir } from "./helpers.ts";

Deno.test("export -o NAME writes into exports/, a path only into an existing folder", () =>
  withTempDir(async (dir) => {
    const project = join(dir, "acme");
    const elsewhere = join(dir, "elsewhere");
    await Deno.mkdir(elsewhere);
    expectCode(await plutus(["init", project, "--demo"]), 0);
    expectCode(await plutus(["run", "--project", project]), 0);
    const exportTo = (output: string) =>
      plutus(["export", "leads", "-o", output, "--project", project], { cwd: elsewhere });

    const named = expectCode(await exportTo("november.csv"), 0);
    assert.match(named.stdout, /to .*acme\/exports\/november\.csv\n/);
    assert.match(await Deno.readTextFile(join(project, "exports", "november.csv")), /^email,/);
    assert.deepEqual([...Deno.readDirSync(elsewhere)], []);

    expectCode(await exportTo("./here.csv"), 0);
    assert.match(await Deno.readTextFile(join(elsewhere, "here.csv")), /^email,/);

    const typo = expectCode(await exportTo("Desktpo/x.csv"), 2);
    assert.match(typo.stderr, /-o Desktpo\/x\.csv: the folder .*elsewhere\/Desktpo does not exist/);
    assert.match(typo.stderr, /hint: Create the folder first, or give only a file name/);
    await Deno.stat(join(elsewhere, "Desktpo")).then(
      () => assert.fail("the folder was created"),
      () => {},
    );
    const folder = expectCode(await exportTo(join(project, "exports")), 2);
    assert.match(folder.stderr, /is a folder, not a file/);
  }));
