/**
 * The executable `deno compile` makes carries its modules, not the source tree, and may
 * write only in the folder it runs in (`--allow-write=.`, runtime_flags.ts). These tests
 * prove Plutus never reads its own files at run time: the whole demo — init, run, status,
 * query, export, rejects, check, a workbook preview, the GUI — works with read permission
 * for the project's parent folder only (and the workers' modules, which the executable
 * embeds) and write permission for the folder it runs in; that it writes nothing outside
 * the project; that `--project` from elsewhere runs it again in the project folder; and
 * that no module but the worker launchers uses import.meta to find a file.
 */
import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { PERMISSIONS, RUN_FLAGS } from "../runtime_flags.ts";
import { MAIN, plutus, ROOT, runCli, TEST_ENV, withTempDir, writeFiles } from "./helpers.ts";

const PRODUCT_FOLDERS = ["cli", "config", "core", "util", "web"];

/**
 * The modules of the workers, which the executable embeds (tools/compile.ts --include):
 * `deno run` asks read permission to load a worker's modules, the executable does not.
 */
const WORKER_MODULES = ["core/pipeline/prepare_worker.ts", "core/store/sqlite/query_worker.ts"]
  .flatMap((worker) => {
    const info = new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", join(ROOT, worker)],
    }).outputSync();
    const graph = JSON.parse(new TextDecoder().decode(info.stdout)) as {
      modules: { local?: string }[];
    };
    return graph.modules.flatMap((module) => (module.local ? [module.local] : []));
  });

/** `deno run` of plutus as the executable runs, but allowed to read `dir` (and its workers' code) only. */
function confinedArgs(dir: string, args: string[]): string[] {
  const permissions = PERMISSIONS.map((flag) =>
    flag === "--allow-read" ? `--allow-read=${[dir, ...WORKER_MODULES].join(",")}` : flag
  );
  assert.ok(permissions.includes("--allow-write=."));
  return ["run", ...permissions, MAIN, ...args];
}

/** Runs plutus in `cwd`, allowed to read `dir` only and write in `cwd`, as the executable would. */
async function confined(dir: string, args: string[], cwd = dir) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: confinedArgs(dir, args),
    cwd,
    env: TEST_ENV,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
  assert.doesNotMatch(text, /NotCapable|Requires (read|write) access/, text);
  return { code: output.code, text };
}

/**
 * The demo, made once by a confined init (and a copy of it before its first run, for the
 * test of writes outside the project) and run once by a confined run, for the tests below:
 * each init and run is a process of its own (~2 s of CPU), and what they prove is the same.
 */
let demo: Promise<{ dir: string; fresh: string }> | undefined;
const demoOnce = () =>
  demo ??= (async () => {
    const dir = await Deno.makeTempDir({ prefix: "plutus-test-" });
    const init = await confined(dir, ["init", "demo", "--demo"]);
    assert.equal(init.code, 0, init.text);
    const fresh = await Deno.makeTempDir({ prefix: "plutus-test-" });
    await copyFolder(join(dir, "demo"), join(fresh, "acme"));
    const project = join(dir, "demo");
    const run = await confined(dir, ["run", "--project", project], project);
    assert.equal(run.code, 0, `plutus run\n${run.text}`);
    // removed when the tests end, whichever of them ran
    globalThis.addEventListener("unload", () => {
      for (const made of [dir, fresh]) Deno.removeSync(made, { recursive: true });
    });
    return { dir, fresh };
  })();

Deno.test("the demo works with read and write permission for its folder only", demoCommands);

Deno.test({
  name: "the GUI serves its pages with permission for the project folder only",
  sanitizeResources: false,
  fn: gui,
});

Deno.test("Plutus writes nothing outside the project folder it runs in", nothingOutside);

async function demoCommands() {
  const { dir } = await demoOnce();
  const project = join(dir, "demo");
  const steps: [string[], number][] = [
    [["status", "--project", project], 0],
    [["query", "SELECT count(*) AS n FROM leads", "--project", project], 0],
    [["export", "orders", "--project", project], 0],
    [["rejects", "--csv", "--project", project], 0],
    [["check", "--project", project], 0],
    [["schema-json", "--project", project], 0],
  ];
  for (const [args, code] of steps) {
    const result = await confined(dir, args, project);
    assert.equal(result.code, code, `plutus ${args.join(" ")}\n${result.text}`);
  }
  // the spreadsheet reader loads only when needed: it must be inside the program too
  await Deno.copyFile(
    join(ROOT, "tests", "fixtures", "office", "report.xlsx"),
    join(dir, "r.xlsx"),
  );
  const preview = await confined(
    dir,
    ["preview", join(dir, "r.xlsx"), "--project", project],
    project,
  );
  await Deno.remove(join(dir, "r.xlsx"));
  assert.equal(preview.code, 0, preview.text);
  assert.match(preview.text, /xlsx/);
}

async function gui() {
  const { dir } = await demoOnce();
  const child = new Deno.Command(Deno.execPath(), {
    args: confinedArgs(dir, ["serve", "--port", "0", "--project", join(dir, "demo")]),
    cwd: join(dir, "demo"),
    env: TEST_ENV,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  try {
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let printed = "";
    while (!/Open: (\S+)/.test(printed)) {
      const { value, done } = await reader.read();
      // a server that ended (refused a read, say) fails the test, not hangs it
      if (done) throw new Error(`plutus serve ended: ${printed}${await stderr}`);
      printed += value;
    }
    reader.releaseLock();
    const url = new URL(/Open: (\S+)/.exec(printed)![1]!);
    const cookie = `plutus_token_${url.port}=${url.searchParams.get("token")}`;
    for (const path of ["/", "/upload", "/sources", "/schema", "/query", "/files"]) {
      const response = await fetch(new URL(path, url), { headers: { cookie } });
      assert.equal(response.status, 200, path);
      await response.body?.cancel();
    }
    const css = await fetch(new URL("/assets/app.css", url), { headers: { cookie } });
    assert.match(await css.text(), /body/);
    // A query runs in a process of its own (core/query/query_channel.ts), allowed too.
    const form = await (await fetch(new URL("/query", url), { headers: { cookie } })).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form)![1]!;
    const query = await fetch(new URL("/query", url), {
      method: "POST",
      headers: {
        cookie,
        origin: url.origin,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ _csrf: csrf, sql: "SELECT count(*) AS n FROM leads" }),
    });
    const answer = await query.text();
    assert.equal(query.status, 200, answer);
    assert.match(answer, /<td[^>]*>\d+<\/td>/);
  } finally {
    try {
      child.kill("SIGINT");
    } catch {
      // it has ended by itself
    }
    await child.status;
    await child.stdout.cancel().catch(() => {});
    await stderr;
  }
}

async function nothingOutside() {
  // the demo as init made it, before any run, alone in its folder
  const dir = (await demoOnce()).fresh;
  const project = join(dir, "acme");
  const yaml = await Deno.readTextFile(join(project, "plutus.yaml"));
  await Deno.writeTextFile(
    join(project, "plutus.yaml"),
    yaml.replace(/^database:.*$/m, "") + "\ndatabase: ../outside.db\n",
  );
  const output = await new Deno.Command(Deno.execPath(), {
    args: confinedArgs(dir, ["run"]),
    cwd: project,
    env: TEST_ENV,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 1, text);
  assert.match(text, /may not write to .*: it writes only inside the project folder/);
  assert.doesNotMatch(text, /bug in Plutus/);
  assert.deepEqual(await Array.fromAsync(Deno.readDir(dir), (entry) => entry.name), ["acme"]);
}

/** Copies a folder and what it holds (files and folders only). */
async function copyFolder(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    if (entry.isDirectory) await copyFolder(join(from, entry.name), join(to, entry.name));
    else if (entry.isFile) await Deno.copyFile(join(from, entry.name), join(to, entry.name));
  }
}

Deno.test("--project from another folder runs Plutus again in the project folder", () =>
  withTempDir(async (dir) => {
    await writeFiles(join(dir, "downloads"), {
      "leads_1.csv": "Email,Stage,Amount\na@x.com,lead,1\n",
    });
    const from = { cwd: join(dir, "downloads") };
    // relative paths mean what they meant where the analyst typed them
    const init = await runCli(["init", "../acme"], from);
    assert.equal(init.code, 0, init.stderr);
    await writeFiles(join(dir, "acme"), {
      "plutus.yaml": 'sources:\n  crm: { kind: file, files: "leads*.csv", table: leads }\n',
      "schema/leads.yaml":
        "columns:\n  email: { type: email }\n  stage: { type: text }\n  amount: { type: decimal }\n",
    });
    const upload = await plutus(["upload", "leads_1.csv", "--project", "../acme"], from);
    assert.equal(upload.code, 0, upload.stderr + upload.stdout);
    assert.match(upload.stdout, /1 loaded|succeeded/);
    assert.ok(RUN_FLAGS.includes("--allow-write=."));
    const status = await plutus(["status", "--project", join(dir, "acme")], { cwd: ROOT });
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /leads_1\.csv/);
  }));

Deno.test("no module finds files through import.meta, but the worker and query-process launchers", async () => {
  const uses: string[] = [];
  const files = ["main.ts", "version.ts", "runtime_flags.ts"].map((name) => join(ROOT, name));
  for (const folder of PRODUCT_FOLDERS) {
    files.push(...await Array.fromAsync(walkTs(join(ROOT, folder))));
  }
  for (const path of files) {
    const text = await Deno.readTextFile(path);
    for (const line of text.split("\n")) {
      if (/import\.meta\.(url|dirname|filename|resolve)/.test(line)) {
        uses.push(`${relative(ROOT, path)}: ${line.trim()}`);
      }
    }
  }
  assert.deepEqual(uses, [
    'core/pipeline/prepare_in_worker.ts: const worker = new Worker(new URL("./prepare_worker.ts", import.meta.url).href, {',
    'core/query/query_channel.ts: const worker = new Worker(new URL("../store/sqlite/query_worker.ts", import.meta.url).href, {',
    'core/query/query_channel.ts: const main = fileURLToPath(new URL("../../main.ts", import.meta.url));',
  ]);
});

async function* walkTs(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) yield* walkTs(path);
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith("_test.ts")) yield path;
  }
}
