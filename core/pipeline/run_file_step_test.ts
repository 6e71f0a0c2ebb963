import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { basename, join } from "node:path";
import { LEADS_PROJECT, runCli, writeFiles } from "../../tests/helpers.ts";
import { openProject, type Project } from "../project/project.ts";
import { type RunOptions, runPipeline } from "./run_pipeline.ts";

const HEADER = "Email,Stage,Amount\n";
const rows = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => `u${from + i}@x.com,lead,${i}\n`).join("");

async function withProject(test: (project: Project, dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "plutus-step-" });
  try {
    await writeFiles(dir, LEADS_PROJECT);
    await Deno.mkdir(join(dir, "inbox"));
    await test(await openProject(dir), dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function run(project: Project, options: Partial<RunOptions> = {}) {
  return runPipeline(project, { trigger: "cli", command: "run", settleMs: 0, ...options });
}

/** Rows in leads (0 when the table was never created). */
function leadCount(dir: string): number {
  const db = new DatabaseSync(join(dir, "data", "plutus.db"), { readOnly: true });
  try {
    const exists = db.prepare("SELECT 1 FROM sqlite_schema WHERE name = 'leads'").get();
    return exists ? Number(db.prepare("SELECT count(*) AS n FROM leads").get()!.n) : 0;
  } finally {
    db.close();
  }
}

const inbox = (dir: string) => [...Deno.readDirSync(join(dir, "inbox"))].map((e) => e.name);

Deno.test("a file that grows while it is read loads nothing and stays in inbox/; once whole it loads", () =>
  withProject(async (project, dir) => {
    const path = join(dir, "inbox", "leads.csv");
    await Deno.writeTextFile(path, HEADER + rows(0, 3000));
    // the writer appends its next part as soon as the step starts reading
    const writer = (event: { type: string }) => {
      if (event.type === "step_started") {
        Deno.writeTextFileSync(path, rows(3000, 3000), { append: true });
      }
    };
    const first = await run(project, { onEvent: writer });
    assert.equal(first.status, "failed");
    const [step] = first.steps;
    assert.equal(step?.status, "failed");
    assert.match(
      step?.error ?? "",
      /^leads\.csv is still being written \(it changed while it was read: its size went from .+ to .+\) — run again when the download has finished$/,
    );
    assert.match(step?.hint ?? "", /Nothing was loaded from it; it stays in inbox\//);
    assert.equal(leadCount(dir), 0);
    assert.deepEqual(inbox(dir), ["leads.csv"]);

    const second = await run(project);
    assert.equal(second.status, "succeeded");
    assert.equal(second.steps[0]?.inserted, 6000);
    assert.equal(leadCount(dir), 6000);
    assert.deepEqual(inbox(dir), []);
  }));

Deno.test("a file rewritten in place while it is read (same size, same time) loads nothing", () =>
  withProject(async (project, dir) => {
    const path = join(dir, "inbox", "leads.csv");
    await Deno.writeTextFile(path, HEADER + rows(0, 3000));
    const { mtime } = await Deno.stat(path);
    // the step fingerprinted the file; now its bytes change, and size and time look the same
    const writer = (event: { type: string }) => {
      if (event.type !== "step_started") return;
      Deno.writeTextFileSync(path, HEADER + rows(0, 3000).replaceAll("@x.com", "@y.com"));
      Deno.utimeSync(path, mtime!, mtime!);
    };
    const first = await run(project, { onEvent: writer });
    assert.equal(first.status, "failed");
    assert.equal(
      first.steps[0]?.error,
      "leads.csv is still being written (it changed while it was read: its content is different) — run again when the download has finished",
    );
    assert.equal(leadCount(dir), 0);
    assert.deepEqual(inbox(dir), ["leads.csv"]);
  }));

Deno.test("a file written a moment ago is watched for the settle time and refused if it changes", () =>
  withProject(async (project, dir) => {
    const path = join(dir, "inbox", "leads.csv");
    await Deno.writeTextFile(path, HEADER + rows(0, 10));
    const waits: number[] = [];
    // the settle wait, driven by a writer instead of a clock
    const writing = async (ms: number) => {
      waits.push(ms);
      await Deno.writeTextFile(path, rows(10, 10), { append: true });
    };
    const first = await run(project, { settleMs: 60_000, settleWait: writing });
    assert.equal(first.steps[0]?.status, "failed");
    assert.match(
      first.steps[0]?.error ?? "",
      /^leads\.csv is still being written \(it changed a moment ago: .+\) — run again when the download has finished$/,
    );
    assert.equal(waits.length, 1);
    assert.ok(waits[0]! > 0 && waits[0]! <= 60_000, String(waits[0]));
    assert.equal(leadCount(dir), 0);

    const quiet = await run(project, { settleMs: 60_000, settleWait: async () => {} });
    assert.equal(quiet.steps[0]?.status, "succeeded");
    assert.equal(leadCount(dir), 20);

    // a file left alone for longer than the settle time is read at once
    await Deno.writeTextFile(join(dir, "inbox", "leads_old.csv"), HEADER + rows(100, 5));
    const hourAgo = new Date(Date.now() - 3_600_000);
    await Deno.utime(join(dir, "inbox", "leads_old.csv"), hourAgo, hourAgo);
    const old = await run(project, {
      settleMs: 60_000,
      settleWait: () => Promise.reject(new Error("no wait expected")),
    });
    assert.equal(old.steps[0]?.status, "succeeded");
  }));

Deno.test("a file that grows by a few bytes says its exact sizes, not '5.9 MB to 5.9 MB'", () =>
  withProject(async (project, dir) => {
    const path = join(dir, "inbox", "leads.csv");
    const body = HEADER + rows(0, 400_000);
    await Deno.writeTextFile(path, body);
    const size = (await Deno.stat(path)).size;
    assert.ok(size > 5_000_000, String(size));
    const appending = async () => {
      await Deno.writeTextFile(path, "z@x.com,lead,1\n", { append: true });
    };
    const first = await run(project, { settleMs: 60_000, settleWait: appending });
    const bytes = (n: number) => n.toLocaleString("en-US");
    assert.match(
      first.steps[0]?.error ?? "",
      new RegExp(`its size went from ${bytes(size)} to ${bytes(size + 15)} bytes\\)`),
    );
  }));

Deno.test("a loaded file that cannot be archived fails the run; the next run moves it, loading nothing twice", () =>
  withProject(async (project, dir) => {
    await Deno.writeTextFile(join(dir, "inbox", "leads.csv"), HEADER + rows(0, 5));
    await Deno.writeTextFile(join(dir, "archive"), "a file where the folder should be");
    const first = await run(project);
    assert.equal(first.status, "failed");
    const [step] = first.steps;
    assert.equal(step?.status, "failed");
    assert.equal(step?.inserted, 5);
    assert.match(step?.error ?? "", /^loaded, but could not be moved to archive\/: /);
    assert.match(step?.hint ?? "", /The rows are in the database; only the move failed/);
    assert.equal(leadCount(dir), 5);
    assert.deepEqual(inbox(dir), ["leads.csv"]);

    const still = await run(project);
    assert.equal(still.status, "failed", "a file that cannot be archived never passes as done");
    assert.match(still.steps[0]?.error ?? "", /^already loaded, but could not be moved/);

    await Deno.remove(join(dir, "archive"));
    const second = await run(project);
    assert.equal(second.status, "succeeded");
    assert.equal(second.steps[0]?.status, "skipped");
    assert.match(second.steps[0]?.archivedTo ?? "", /^archive\/\d{4}-\d{2}-\d{2}\/leads\.csv$/);
    assert.equal(leadCount(dir), 5);
    assert.deepEqual(inbox(dir), []);
  }));

Deno.test("links and pipes in inbox/ fail their step with what to do; the run never blocks", () =>
  withProject(async (project, dir) => {
    const outside = join(dir, "leads_secret.csv");
    await Deno.writeTextFile(outside, HEADER + rows(0, 3));
    await Deno.symlink(outside, join(dir, "inbox", "leads_link.csv"));
    await new Deno.Command("mkfifo", { args: [join(dir, "inbox", "leads_pipe.csv")] }).output();
    const result = await run(project);
    assert.equal(result.status, "failed");
    assert.deepEqual(
      result.steps.map((s) => [s.input, s.status]),
      [["leads_link.csv", "failed"], ["leads_pipe.csv", "failed"]],
    );
    assert.match(result.steps[0]!.error!, /inbox\/leads_link\.csv is a symbolic link/);
    assert.match(result.steps[0]!.hint!, /Copy the file itself into inbox\//);
    assert.match(result.steps[1]!.error!, /not a regular file \(a named pipe/);
    assert.equal(leadCount(dir), 0);
    assert.deepEqual(inbox(dir).sort(), ["leads_link.csv", "leads_pipe.csv"]);

    // named explicitly (as the GUI and rerun do), a link is refused all the same
    const named = await run(project, { files: [{ name: "leads_link.csv" }] });
    assert.equal(named.steps[0]?.status, "failed");
    assert.match(named.steps[0]!.error!, /is a symbolic link/);
    assert.equal(leadCount(dir), 0);
  }));

Deno.test("a requested name with a folder in it is refused: nothing outside inbox/ is read or moved", () =>
  withProject(async (project, dir) => {
    const outside = `outside-${basename(dir)}`;
    await Deno.mkdir(join(dir, "..", outside), { recursive: true });
    const secret = join(dir, "..", outside, "t_secret.csv");
    await Deno.writeTextFile(secret, HEADER + rows(0, 2));
    try {
      const result = await run(project, {
        // as POST /run?files=…&source=crm asked for it
        files: [{ name: `../../${outside}/t_secret.csv`, source: "crm" }, {
          name: `../../${outside}/t_secret.csv`,
        }],
      });
      assert.ok((await Deno.stat(secret)).isFile, "the outside file stays where it is");
      assert.equal(leadCount(dir), 0);
      for (const step of result.steps) {
        assert.notEqual(step.status, "succeeded");
        assert.match(step.error ?? "", /is not the name of a file in inbox\//);
      }
    } finally {
      await Deno.remove(join(dir, "..", outside), { recursive: true });
    }
  }));

/** Gives the project's source a stop_at. */
async function setStopAt(dir: string, pattern: string): Promise<void> {
  const config = join(dir, "plutus.yaml");
  const text = await Deno.readTextFile(config);
  await Deno.writeTextFile(
    config,
    text.replace("    table: leads\n", `    table: leads\n    stop_at: "${pattern}"\n`),
  );
}

Deno.test("a stop_at that matches a data row warns, in the run and in its stored step, that rows after it were not read", () =>
  withProject(async (_project, dir) => {
    await setStopAt(dir, "^total");
    // "totally@x.com" matches ^total: the three rows after it are data, and not read
    await Deno.writeTextFile(
      join(dir, "inbox", "leads.csv"),
      HEADER + "a@x.com,lead,1\ntotally@x.com,lead,2\nb@x.com,lead,3\nc@x.com,mql,4\n",
    );
    const result = await run(await openProject(dir));
    const [step] = result.steps;
    assert.equal(step?.status, "succeeded");
    assert.equal(leadCount(dir), 1);
    const warning =
      /^stop_at matched line 3 \("totally@x\.com"\), which looks like a row of data, and reading stopped there; 2 of the 2 line\(s\) after it look like data too: none of them was read\. .*plutus upload FILE --force$/;
    assert.match(step?.warnings.join("\n") ?? "", warning);
    const db = new DatabaseSync(join(dir, "data", "plutus.db"), { readOnly: true });
    try {
      const stored = db.prepare("SELECT warnings FROM _plutus_steps").get()!.warnings as string;
      assert.match(JSON.parse(stored).join("\n"), warning);
    } finally {
      db.close();
    }
  }));

Deno.test("a stop_at that matches the footer only is a note, not a warning", () =>
  withProject(async (_project, dir) => {
    await setStopAt(dir, "^Total");
    await Deno.writeTextFile(
      join(dir, "inbox", "leads.csv"),
      HEADER + "a@x.com,lead,1\nb@x.com,lead,3\nTotal,,4\n\nGenerated by CRM\n",
    );
    const [step] = (await run(await openProject(dir))).steps;
    assert.equal(step?.status, "succeeded");
    assert.deepEqual(step?.warnings, []);
    assert.ok(
      step?.notes.some((note) => /^stopped at line 4 .*; 1 row\(s\) after it not read$/.test(note)),
      step?.notes.join("\n"),
    );
    assert.equal(leadCount(dir), 2);
  }));

Deno.test("a folder in inbox/ is said by run, check and status: its files are not read", () =>
  withProject(async (project, dir) => {
    await Deno.mkdir(join(dir, "inbox", "march"));
    await Deno.writeTextFile(join(dir, "inbox", "march", "leads.csv"), HEADER + rows(0, 2));
    await Deno.mkdir(join(dir, "inbox", ".hidden"));
    // a Mac zip's __MACOSX/ and an empty folder are not worth a word
    await Deno.mkdir(join(dir, "inbox", "__MACOSX"));
    await Deno.writeTextFile(join(dir, "inbox", "__MACOSX", "._leads.csv"), "x");
    await Deno.mkdir(join(dir, "inbox", "empty"));
    await Deno.mkdir(join(dir, "inbox", "nested", "deeper", "deepest"), { recursive: true });
    // a file one folder further down is still a file not read
    await Deno.mkdir(join(dir, "inbox", "april", "week1"), { recursive: true });
    await Deno.writeTextFile(join(dir, "inbox", "april", "week1", "leads.csv"), HEADER);
    const said =
      /^inbox\/march\/ is a folder: Plutus reads only the files directly in inbox\/, so nothing in it is loaded\. Move its files into inbox\/ itself/;
    const result = await run(project);
    assert.equal(result.warnings.filter((warning) => said.test(warning)).length, 1);
    assert.equal(result.warnings.filter((warning) => warning.includes(".hidden")).length, 0);
    assert.equal(
      result.warnings.filter((warning) => /inbox\/(__MACOSX|empty|nested)\//.test(warning)).length,
      0,
    );
    assert.equal(
      result.warnings.filter((warning) => /^inbox\/april\/ is a folder/.test(warning)).length,
      1,
    );
    assert.equal(leadCount(dir), 0);
    const check = await runCli(["check", "--project", dir]);
    assert.equal(check.code, 1, check.stdout);
    assert.match(check.stdout, /problem inbox\/march\/: inbox\/march\/ is a folder/);
    const status = await runCli(["status", "--project", dir]);
    assert.match(status.stdout, /^Open problems \(2\):\n {2}✗ inbox\/april\/: .*is a folder/);
  }));
