/**
 * The GUI and the CLI share one run lock: while one loads data, the other is refused with
 * a message that names the run holding it — both ways round, across real processes.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { tryRunLock } from "../core/store/sqlite/run_lock.ts";
import { RUN_FLAGS } from "../runtime_flags.ts";
import { startGui } from "../web/server.ts";
import { startFakeApi, TOKEN } from "./fake_api.ts";
import { MAIN, runCli, TEST_ENV, withTempDir } from "./helpers.ts";

/** A demo project with an API source whose answer the fake API holds (`hold()`). */
async function slowProject(dir: string, apiUrl: string): Promise<string> {
  const project = join(dir, "acme");
  assert.equal((await runCli(["init", project, "--demo"])).code, 0);
  await Deno.writeTextFile(join(project, ".env"), `CRM_TOKEN=${TOKEN}\n`);
  await Deno.writeTextFile(
    join(project, "schema", "contacts.yaml"),
    "columns:\n  id: { type: text, required: true }\nkey: [id]\n",
  );
  const config = await Deno.readTextFile(join(project, "plutus.yaml"));
  await Deno.writeTextFile(
    join(project, "plutus.yaml"),
    `${config}
  slow_crm:
    kind: api
    url: "${apiUrl}/held"
    auth: { type: bearer, token: "\${CRM_TOKEN}" }
    records: results
    table: contacts
`,
  );
  return project;
}

/** A browser-like client of the GUI: token cookie, CSRF token from the page. */
async function guiClient(url: string) {
  const address = new URL(url);
  const cookie = `plutus_token_${address.port}=${address.searchParams.get("token")}`;
  const page = await (await fetch(new URL("/", address), { headers: { cookie } })).text();
  const csrf = page.match(/<meta name="csrf" content="([^"]+)">/)?.[1];
  assert.ok(csrf, "the page carries a CSRF token");
  return {
    async startRun(source: string): Promise<{ status: number; body: Record<string, string> }> {
      const response = await fetch(new URL("/run", address), {
        method: "POST",
        headers: {
          cookie,
          origin: address.origin,
          "x-csrf-token": csrf,
          "content-type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams({ source }).toString(),
      });
      return { status: response.status, body: await response.json() };
    },
    /** What the Run page's live status box says. */
    async statusBox(): Promise<string> {
      const text = await (await fetch(new URL("/", address), { headers: { cookie } })).text();
      return /<section class="status"[^]*?<\/section>/.exec(text)?.[0] ?? "";
    },
  };
}

/** Waits until nobody holds the lock at `path`. */
async function lockReleased(path: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const lock = tryRunLock(path);
    if (lock) return lock.release();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("the run lock was never released");
}

Deno.test({
  name: "a CLI run is refused while a GUI run loads, naming the GUI run",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: () =>
    withTempDir(async (dir) => {
      const api = startFakeApi(5);
      const project = await slowProject(dir, api.url);
      const gui = startGui(project, 0);
      try {
        const client = await guiClient(gui.url);
        // the GUI's run holds the lock, waiting at the API, until the CLI has been refused
        const held = api.hold();
        const started = await client.startRun("slow_crm");
        assert.deepEqual(started, { status: 200, body: {} });
        await held.asked;
        const cli = await runCli(["run"], { cwd: project });
        held.release();
        assert.equal(cli.code, 1, cli.stderr);
        assert.match(cli.stderr, /run 1, started .* from the GUI \(plutus run --source slow_crm\)/);
        assert.match(cli.stderr, /Wait for it to finish/);
        assert.doesNotMatch(cli.stderr, /at .*\.ts:\d+/, "no stack trace");
        await lockReleased(join(project, "data", "plutus.db.lock"));
      } finally {
        await gui.shutdown();
        await api.close();
      }
    }),
});

Deno.test({
  name: "a GUI run is refused while a CLI run loads, naming the CLI run",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: () =>
    withTempDir(async (dir) => {
      const api = startFakeApi(5);
      const project = await slowProject(dir, api.url);
      const gui = startGui(project, 0);
      // the CLI's run holds the lock, waiting at the API, until the GUI has been refused
      const held = api.hold();
      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", ...RUN_FLAGS, MAIN, "run"],
        cwd: project,
        env: TEST_ENV,
        stdout: "null",
        stderr: "piped",
      }).spawn();
      const output = child.output();
      try {
        await Promise.race([held.asked, output]);
        const client = await guiClient(gui.url);
        const refused = await client.startRun("slow_crm");
        assert.equal(refused.status, 409);
        // named from the database, or from the lock file when its run is not recorded yet
        assert.match(
          refused.body.error!,
          /(run 1, )?started .* from the command line \(plutus run\)/,
        );
        assert.match(refused.body.hint!, /Wait for it to finish/);
        held.release();
        const status = await output;
        assert.equal(status.code, 0, new TextDecoder().decode(status.stderr));
        // the refusal was the answer to that click: once that run has ended, the Run page
        // does not go on saying another run is in progress
        assert.doesNotMatch(await client.statusBox(), /another run is in progress/);
      } finally {
        held.release();
        await output;
        await gui.shutdown();
        await api.close();
      }
    }),
});
