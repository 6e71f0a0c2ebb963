/**
 * `runCli` stands in for the real program in most end-to-end tests: it must print what the
 * program prints, exit as it exits, and leave this process as it found it.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import process from "node:process";
import { expectCode, plutus, runCli, withTempDir, writeFiles } from "./helpers.ts";

Deno.test("runCli() prints and exits as the real program does", () =>
  withTempDir(async (dir) => {
    await writeFiles(dir, {
      "plutus.yaml": "sources:\n  crm:\n    kind: file\n    files: x.csv\n    tabel: leads\n",
    });
    for (
      const args of [["--version"], ["lod"], ["run", "--sauce"], ["check", "--project", dir]]
    ) {
      const [inProcess, real] = [await runCli(args), await plutus(args)];
      assert.deepEqual(inProcess, real, args.join(" "));
    }
  }));

Deno.test("runCli() leaves the folder, the environment and the streams as they were", () =>
  withTempDir(async (dir) => {
    const cwd = Deno.cwd();
    const noColor = Deno.env.get("NO_COLOR");
    const writeSync = Deno.stdout.writeSync;
    const log = console.log;
    const result = expectCode(
      await runCli(["init", join(dir, "acme")], { cwd: dir, env: { PLUTUS_TEST_MARK: "1" } }),
      0,
    );
    assert.match(result.stdout, /acme/);
    assert.equal(Deno.cwd(), cwd);
    assert.equal(Deno.env.get("NO_COLOR"), noColor);
    assert.equal(Deno.env.get("PLUTUS_TEST_MARK"), undefined);
    assert.equal(Deno.stdout.writeSync, writeSync);
    assert.equal(console.log, log);
    // a failing command restores them too
    expectCode(await runCli(["status"], { cwd: dir }), 2);
    assert.equal(Deno.cwd(), cwd);
    assert.equal(Deno.stdout.writeSync, writeSync);
  }));

Deno.test("runCli() refuses a second call while one runs: use plutus() for runs side by side", async () => {
  const first = runCli(["--version"]);
  await assert.rejects(() => runCli(["--version"]), /one call at a time/);
  assert.equal((await first).code, 0);
});

Deno.test("runCli() runs in its folder after a library cached process.cwd()", () =>
  withTempDir(async (dir) => {
    expectCode(await runCli(["init", join(dir, "acme")]), 0);
    // as graceful-fs (in playwright-core) does: process.cwd() cached until process.chdir()
    const { cwd, chdir } = process;
    let cached: string | undefined;
    process.cwd = () => cached ??= cwd.call(process);
    process.chdir = (to: string) => {
      cached = undefined;
      chdir.call(process, to);
    };
    try {
      process.cwd();
      const status = await runCli(["status"], { cwd: join(dir, "acme") });
      assert.equal(status.code, 0, status.stderr);
      assert.equal(process.cwd(), Deno.cwd());
    } finally {
      Object.assign(process, { cwd, chdir });
    }
  }));
