/**
 * The bad-input corpus through the CLI: every file an analyst could feed Plutus by
 * mistake or bad luck ends in a clear error that says where, with nothing loaded and the
 * file left in inbox/ — or in exactly the right rows. None crashes, hangs or takes more
 * than a bounded amount of memory (the real program, one process per file, for every file
 * large or a workbook that may expand; small text files and workbooks of a few cells
 * in-process, whatever their name). Expectations: tests/corpus/expected.ts.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { measureCommand, PLUTUS } from "../bench/measure.ts";
import { bigFiles, EXPECTED, type Expected, PROJECT } from "./corpus/expected.ts";
import { workbookBombs } from "./corpus/make_corpus.ts";
import { filesIn, query, runCli, TEST_ENV, withTempDir, writeFiles } from "./helpers.ts";

const CORPUS = fileURLToPath(new URL("./corpus/files/", import.meta.url));
const MEMORY_BOUND_MB = 400;
const TIME_BOUND_MS = 60_000;
// made once, for both tests: deflating them takes a few seconds
const bombs = workbookBombs();
// likewise the 20 MB files (~1 s of CPU to build)
let big: Record<string, string> | undefined;
const bigOnce = () => big ??= bigFiles();

Deno.test("the corpus holds at least 30 files, each with an expected outcome", async () => {
  const committed = await filesIn(CORPUS);
  const all = [...committed, ...Object.keys(bigOnce()), ...Object.keys(await bombs)]
    .sort();
  assert.ok(all.length >= 30, `${all.length} files`);
  assert.deepEqual(all, Object.keys(EXPECTED).sort());
});

Deno.test({
  name: "every bad input ends in a clear error or a correct load, within time and memory",
  sanitizeResources: false,
  fn: () =>
    withTempDir(async (dir) => {
      const inputs = join(dir, "inputs");
      await Deno.mkdir(inputs);
      for (const name of await filesIn(CORPUS)) {
        await Deno.copyFile(join(CORPUS, name), join(inputs, name));
      }
      for (const [name, text] of Object.entries(bigOnce())) {
        await Deno.writeTextFile(join(inputs, name), text);
      }
      big = undefined; // written: 40 MB this process need not keep
      for (const [name, bytes] of Object.entries(await bombs)) {
        await Deno.writeFile(join(inputs, name), bytes);
      }
      const names = Object.keys(EXPECTED).sort();
      const failures: string[] = [];
      const checked = (name: string, inProcess: boolean) =>
        check(name, EXPECTED[name]!, join(inputs, name), join(dir, name), inProcess).then(
          () => undefined,
          (error) => `${name}: ${(error as Error).message}`,
        );
      // Small text files in this process, one after the other (no start-up each); the
      // others, whose memory a bound must hold, each in a process of its own, two at a time:
      // the machine has two cores.
      const own = names.filter((name) => !FEW_CELLS.has(name) && mayTakeMemory(join(inputs, name)));
      for (const name of names.filter((name) => !own.includes(name))) {
        failures.push(...[await checked(name, true)].filter((r): r is string => r !== undefined));
      }
      for (let i = 0; i < own.length; i += 2) {
        const results = await Promise.all(own.slice(i, i + 2).map((name) => checked(name, false)));
        failures.push(...results.filter((r): r is string => r !== undefined));
      }
      assert.deepEqual(failures, []);
    }),
});

/**
 * Workbooks of a few cells, written by the spreadsheet library (tests/corpus/make_corpus.ts),
 * or one cut short: nothing in them expands, and a process of their own measured only its
 * start-up (~80 MB, ~1 s of CPU each), so they are read in this process like the small
 * text files. Every other workbook may hold a bomb (a shared-strings or zip bomb, a cell
 * repeated 16M times, a far column): each of those in a process of its own, under the bound.
 */
const FEW_CELLS = new Set([
  "05_xlsx_named_csv.csv",
  "20_password.xlsx",
  "21_corrupt_zip.xlsx",
  "33_real_xls.xls",
  "34_empty_workbook.xlsx",
]);

/**
 * Whether a file could make a reader take much memory: a large one, or a workbook (zip or
 * OLE), whose parts expand. A text file under 1 MB is read in batches of its few rows, or
 * whole, if named as a workbook (a CSV or an HTML table named .xls): it has nothing that
 * expands.
 */
function mayTakeMemory(path: string): boolean {
  if (Deno.statSync(path).size >= 1 << 20) return true;
  const start = new Uint8Array(4);
  const file = Deno.openSync(path);
  try {
    file.readSync(start);
  } finally {
    file.close();
  }
  const zip = start[0] === 0x50 && start[1] === 0x4b;
  const ole = start[0] === 0xd0 && start[1] === 0xcf;
  return zip || ole;
}

async function check(
  name: string,
  expected: Expected,
  input: string,
  project: string,
  inProcess: boolean,
) {
  await writeFiles(project, PROJECT);
  const started = performance.now();
  const run = inProcess
    ? await runCli(["upload", input, "--project", project])
    : await measureCommand(
      [...PLUTUS, "upload", input, "--project", project],
      TEST_ENV,
      TIME_BOUND_MS,
    );
  const output = run.stdout + run.stderr;
  assert.doesNotMatch(output, /killed after/, "hung");
  assert.ok(performance.now() - started < TIME_BOUND_MS, "took longer than the time bound");
  const peakMb = "peakMb" in run ? run.peakMb as number | undefined : undefined;
  assert.ok((peakMb ?? 0) < MEMORY_BOUND_MB, `peak memory ${peakMb?.toFixed(0)} MB`);
  assert.doesNotMatch(output, /\n\s+at .+:\d+:\d+/, "a stack trace was printed");
  assert.equal(run.code, expected.status === "succeeded" ? 0 : 1, output);

  const [step] = query(project, "SELECT * FROM _plutus_steps") as {
    status: string;
    error: string | null;
    rows_inserted: number;
    rows_duplicate: number;
  }[];
  assert.ok(step, "no step was recorded");
  assert.equal(step.status, expected.status, step.error ?? "");
  if (expected.message) {
    const shown = expected.status === "failed" ? step.error ?? "" : output;
    assert.match(shown, expected.message);
  }
  if (expected.status === "failed") {
    assert.deepEqual(await filesIn(join(project, "inbox")), [name], "the file stays in inbox/");
    assert.equal(tableRows(project), 0, "a failed file loads nothing");
  } else {
    assert.deepEqual(await filesIn(join(project, "inbox")), [], "a loaded file is archived");
  }
  if (expected.inserted !== undefined) assert.equal(step.rows_inserted, expected.inserted);
  if (expected.duplicate !== undefined) assert.equal(step.rows_duplicate, expected.duplicate);
  const rejects = query(project, "SELECT location, column_name, reason FROM _plutus_rejects") as {
    location: string;
    column_name: string | null;
    reason: string;
  }[];
  assert.equal(
    new Set(rejects.map((r) => r.location)).size,
    expected.rejects?.length ?? 0,
    `rejects: ${JSON.stringify(rejects)}`,
  );
  for (const [location, reason] of expected.rejects ?? []) {
    const found = rejects.filter((r) => r.location === location);
    assert.ok(
      found.some((r) => reason.test(r.column_name ? `${r.column_name}: ${r.reason}` : r.reason)),
      `${location}: ${JSON.stringify(found)}`,
    );
  }
  if (expected.rows) {
    const rows = query(
      project,
      "SELECT id, email, name, amount, signup FROM contacts ORDER BY id",
    ).map((row) => Object.values(row));
    assert.deepEqual(rows, expected.rows);
  }
}

function tableRows(project: string): number {
  const exists = query(project, "SELECT 1 FROM sqlite_schema WHERE name = 'contacts'");
  return exists.length === 0
    ? 0
    : (query(project, "SELECT count(*) AS n FROM contacts")[0] as { n: number }).n;
}
