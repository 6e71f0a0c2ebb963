/**
 * The command line's manners: help, version, exit codes, errors without stack traces,
 * global options anywhere, and `deno task plutus` resolving paths where it was called.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { initProject } from "../core/init/init_project.ts";
import { VERSION } from "../version.ts";
import { expectCode, filesIn, ROOT, runCli, withTempDir, writeFiles } from "./helpers.ts";

const COMMANDS = ["init", "run", "upload", "rerun", "status", "logs", "query", "export", "check"];

Deno.test("every command has help with examples", async () => {
  for (const command of COMMANDS) {
    const before = expectCode(await runCli([command, "--help"]), 0).stdout;
    assert.match(before, new RegExp(`^Usage: plutus ${command}`), command);
    assert.match(before, /Examples?:/, command);
    assert.equal(expectCode(await runCli(["--help", command]), 0).stdout, before, command);
  }
  const main = expectCode(await runCli(["--help"]), 0).stdout;
  for (const command of COMMANDS) assert.match(main, new RegExp(`\\n  ${command}\\s`), command);
});

// In-process: helpers_test.ts shows that runCli() prints and exits as the real program does,
// on these very arguments.
Deno.test("--version prints the version from version.ts", async () => {
  assert.equal(expectCode(await runCli(["--version"]), 0).stdout, `plutus ${VERSION}\n`);
  assert.equal(expectCode(await runCli(["-V"]), 0).stdout, `plutus ${VERSION}\n`);
});

Deno.test("usage errors exit 2 with error and hint, no stack trace", async () => {
  const unknown = expectCode(await runCli(["lod"]), 2);
  assert.equal(
    unknown.stderr,
    'error: unknown command "lod" (did you mean "logs"?)\nhint: See the commands with: plutus --help\n',
  );
  const option = expectCode(await runCli(["run", "--sauce"]), 2);
  assert.match(option.stderr, /^error: unknown option '--sauce'\nhint: See: plutus run --help\n$/);
  const dashed = expectCode(await runCli(["query", "SELECT 1", "--limit", "-5"]), 2);
  assert.match(
    dashed.stderr,
    /^error: --limit needs a value, and got an argument that starts with "-"\nhint: See: plutus query --help\n$/,
  );
  const missing = expectCode(await runCli(["query"]), 2);
  assert.match(missing.stderr, /error: plutus query needs the SQL to run, in quotes/);
  assert.doesNotMatch(unknown.stderr + option.stderr + missing.stderr, /\bat .*\.ts:\d+/);
});

Deno.test("run --source and upload --source with a typo exit 2 naming the closest source, loading nothing", () =>
  withTempDir(async (dir) => {
    await initProject(dir, { demo: true });
    const waiting = await filesIn(join(dir, "inbox"));
    const run = expectCode(await runCli(["run", "--source", "google_ad", "--project", dir]), 2);
    assert.equal(
      run.stderr,
      'error: no source named "google_ad" in plutus.yaml (did you mean "google_ads"?)\n' +
        "hint: Sources: google_ads, meta_ads, hubspot_leads, shopify_orders\n",
    );
    await writeFiles(dir, { "leads.csv": "Email\na@x.com\n" });
    const upload = expectCode(
      await runCli(["upload", join(dir, "leads.csv"), "-s", "hubspot", "--project", dir]),
      2,
    );
    assert.match(
      upload.stderr,
      /^error: no file source named "hubspot" in plutus\.yaml \(did you mean "hubspot_leads"\?\)\n/,
    );
    assert.deepEqual(await filesIn(join(dir, "inbox")), waiting);
    assert.deepEqual(await filesIn(join(dir, "archive")), []);
  }));

Deno.test("configuration errors exit 2 and name file, line and key", () =>
  withTempDir(async (dir) => {
    await writeFiles(dir, {
      "plutus.yaml":
        "reject_limt: 0.1\nsources:\n  crm:\n    kind: file\n    files: x.csv\n    tabel: leads\n",
      "schema/leads.yaml": "columns:\n  email: { type: email }\n",
    });
    // a problem of the whole file exits 2, and lists the sources' problems too
    const result = expectCode(await runCli(["run", "--project", dir]), 2);
    assert.match(
      result.stderr,
      /plutus\.yaml:1 reject_limt: unknown key \(did you mean "reject_limit"\?\)/,
    );
    assert.match(
      result.stderr,
      /plutus\.yaml:6 sources\.crm\.tabel: unknown key \(did you mean "table"\?\)/,
    );
    assert.match(result.stderr, /plutus\.yaml:4 sources\.crm\.table: is required/);
    const outside = expectCode(await runCli(["status"], { cwd: dir + "/schema" }), 2);
    assert.match(
      outside.stderr,
      /error: plutus\.yaml: not found at .*\nhint: Run Plutus inside a project folder, pass --project DIR, or create one with: plutus init DIR/,
    );
  }));

Deno.test("--project may stand before or after the command", () =>
  withTempDir(async (dir) => {
    expectCode(await runCli(["--project", dir, "init", "--demo"]), 0);
    expectCode(await runCli(["check", "--project", dir]), 0);
    expectCode(await runCli(["-p", dir, "check"]), 0);
    expectCode(await runCli([`--project=${dir}`, "status"]), 0);
  }));

Deno.test("init never overwrites an existing project", () =>
  withTempDir(async (dir) => {
    expectCode(await runCli(["init", dir]), 0);
    const yaml = await Deno.readTextFile(join(dir, "plutus.yaml"));
    const again = expectCode(await runCli(["init", dir, "--demo"]), 1);
    assert.match(again.stderr, /already has a Plutus project; nothing was changed/);
    assert.equal(await Deno.readTextFile(join(dir, "plutus.yaml")), yaml);
    assert.equal((await Deno.stat(join(dir, ".env"))).mode! & 0o777, 0o600);
  }));

Deno.test("deno task plutus resolves relative paths from where it was called", () =>
  withTempDir(async (dir) => {
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["task", "--config", join(ROOT, "deno.json"), "plutus", "init", "here", "--demo"],
      cwd: dir,
      // as from a fresh shell: this test itself runs under deno task, which set INIT_CWD
      clearEnv: true,
      env: { NO_COLOR: "1", PATH: Deno.env.get("PATH") ?? "", HOME: Deno.env.get("HOME") ?? dir },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
    assert.ok((await Deno.stat(join(dir, "here", "plutus.yaml"))).isFile);
    await Deno.stat(join(ROOT, "here")).then(
      () => assert.fail("created in the repository"),
      () => {},
    );
  }));

Deno.test("plutus query stops a query without end after query_timeout_seconds", () =>
  withTempDir(async (dir) => {
    await writeFiles(dir, { "plutus.yaml": "sources: {}\n" });
    expectCode(await runCli(["run", "--project", dir]), 0); // makes the database
    // the query's thread started once (under `deno test` its first start type-checks it)
    expectCode(await runCli(["query", "SELECT 1", "--project", dir]), 0);
    await writeFiles(dir, { "plutus.yaml": "query_timeout_seconds: 1\nsources: {}\n" });
    const endless =
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";
    for (const format of [[], ["--csv"]]) {
      const started = performance.now();
      const stopped = expectCode(await runCli(["query", endless, ...format, "--project", dir]), 1);
      assert.match(
        stopped.stderr,
        /^error: the query was stopped after 1 s: it ran longer than query_timeout_seconds\nhint: /,
      );
      assert.ok(performance.now() - started < 10_000, `${performance.now() - started} ms`);
    }
  }));
