/**
 * `deno task test`: the whole suite, type-checked once (beside the tests, which run
 * unchecked), in a few `deno test` processes side by side. Test files cannot share one
 * process: the in-process CLI runs (`runCli`) set the process's current folder and
 * environment. Many tests wait on other programs (a server, a browser, the database), so
 * three processes keep two cores busy.
 *
 * Files are taken longest first, by how long each took last time (.out/test_times.json), or
 * by its size when it has not run here before, in batches: a free runner takes the next
 * batch, a share of what is left, so batches shrink toward the end and the runners finish
 * together however far a file's time strays from last time's (dealt once to three processes,
 * one ended a minute before the others on a busy machine). Each batch runs as one module
 * that imports its files: `deno test` starts a fresh runtime for each module it is given
 * (~0.35 s of CPU each, ~35 s for the suite), and the files share the modules they load
 * (zod, the store, the CLI) instead of loading them again. They still run one after the
 * other, and the report still names each test's own file. One PostgreSQL server serves all
 * of them (tests/pg_server.ts). With arguments, it is plain `deno test -A ARGS` in this one
 * process's place: `deno task test web/app_test.ts`.
 *
 * @module
 */
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { testPgUrl } from "../tests/pg_server.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const OUT = join(ROOT, ".out");
const TIMES = join(OUT, "test_times.json");
const JOBS = Math.max(1, Number(Deno.env.get("PLUTUS_TEST_JOBS") ?? 3) || 3);
// the smallest batch, as a share of the suite: each batch is a process, ~1 s of CPU to start
const MIN_BATCH = 0.03;
const SKIP_DIRS = new Set([".git", ".out", "node_modules", "dist", "demo", "fixtures", "corpus"]);

if (!import.meta.main) throw new Error("tools/run_tests.ts is a program, not a module");
if (Deno.args.length > 0) {
  const status = await new Deno.Command(Deno.execPath(), {
    args: ["test", "-A", ...Deno.args],
    cwd: ROOT,
  }).spawn().status;
  Deno.exit(status.code);
}

const started = performance.now();
const files = (await testFiles(ROOT)).sort();
// The type check runs beside the tests (they run with --no-check): it takes one core for
// 3-10 s, while the test processes, which wait on servers, browsers and each other, leave
// the cores idle part of the time. Its errors are printed as they come; a failed check
// fails the suite. One server for every process; without this each would start its own.
const check = new Deno.Command(Deno.execPath(), {
  args: ["check", "--quiet", ...files],
  cwd: ROOT,
}).spawn().status;
const pgUrl = await testPgUrl();
// no colours: the summary line is read back from each process's report
const env: Record<string, string> = {
  NO_COLOR: "1",
  ...(pgUrl ? { PLUTUS_TEST_PG_URL: pgUrl } : {}),
};

await Deno.mkdir(OUT, { recursive: true });
for await (const entry of Deno.readDir(OUT)) {
  if (/^test_shard_\d+\.xml$/.test(entry.name)) await Deno.remove(join(OUT, entry.name));
}
const times = await readTimes();
const nextBatch = batcher(files, JOBS, times);
// outside the repository: deno.json's test.exclude would refuse a module under .out/
const entries = await Deno.makeTempDir({ prefix: "plutus_test_shards_" });
const results: ShardResult[] = [];
const runner = async () => {
  for (let batch = nextBatch(); batch; batch = nextBatch()) {
    results.push(await runShard(batch.files, batch.index));
  }
};
await Promise.all(Array.from({ length: JOBS }, runner))
  .finally(() => Deno.remove(entries, { recursive: true }));
await saveTimes(times, results.flatMap((result) => result.times));

let passed = 0;
let failed = 0;
let ignored = 0;
for (const result of results) {
  passed += result.passed;
  failed += result.failed;
  ignored += result.ignored;
}
const checked = await check;
const seconds = ((performance.now() - started) / 1000).toFixed(0);
const ok = checked.success && failed === 0 && results.every((result) => result.code === 0);
if (!checked.success) console.log("\nFAILED: the type check (deno check) found errors, above");
console.log(
  `\n${ok ? "ok" : "FAILED"} | ${passed} passed | ${failed} failed | ${ignored} ignored ` +
    `(${files.length} files in ${results.length} processes, ${JOBS} at a time, ${seconds}s)`,
);
Deno.exit(ok ? 0 : 1);

/** Every test file `deno test` would find by itself. */
async function testFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isDirectory && !SKIP_DIRS.has(entry.name) && !entry.name.startsWith(".")) {
      found.push(...await testFiles(join(dir, entry.name)));
    } else if (entry.isFile && /(^|[._])test\.(ts|tsx|js|mjs)$/.test(entry.name)) {
      found.push(relative(ROOT, join(dir, entry.name)));
    }
  }
  return found;
}

/**
 * The files, longest first, in batches for the runners: each call gives the next batch, a
 * share of what is left (1/(1.5 jobs)), at least MIN_BATCH of the suite, so the first
 * batches hold the long files and the last ones are short; undefined when none is left.
 */
function batcher(
  all: string[],
  jobs: number,
  known: Record<string, number>,
): () => { index: number; files: string[] } | undefined {
  const weight = (file: string) => known[file] ?? Deno.statSync(join(ROOT, file)).size / 4000;
  const left = all.map((file) => ({ file, weight: weight(file) }))
    .sort((a, b) => b.weight - a.weight);
  const sum = (items: { weight: number }[]) => items.reduce((n, item) => n + item.weight, 0);
  const total = sum(left);
  let count = 0;
  return () => {
    if (left.length === 0) return undefined;
    const share = Math.max(sum(left) / (1.5 * jobs), total * MIN_BATCH);
    const first = left.shift()!;
    const files = [first.file];
    let weight = first.weight;
    while (left.length > 0 && weight + left[0]!.weight <= share) {
      const item = left.shift()!;
      files.push(item.file);
      weight += item.weight;
    }
    return { index: count++, files: files.sort() };
  };
}

interface ShardResult {
  code: number;
  passed: number;
  failed: number;
  ignored: number;
  times: [string, number][];
}

/**
 * Runs one batch's files in a process, as one module that imports them in order; prints its
 * whole report when it ends, so reports never mix.
 */
async function runShard(shard: string[], index: number): Promise<ShardResult> {
  const junit = join(OUT, `test_shard_${index}.xml`);
  const entry = join(entries, `shard_${index + 1}.ts`);
  await Deno.writeTextFile(
    entry,
    shard.map((file) => `import "${pathToFileURL(join(ROOT, file)).href}";\n`).join(""),
  );
  const from = (performance.now() - started) / 1000;
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["test", "-A", "--no-check", `--junit-path=${junit}`, entry],
    cwd: ROOT,
    env,
    stdin: "null",
  }).output();
  const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
  const to = (performance.now() - started) / 1000;
  console.log(
    `\n=== test process ${index + 1}: ${shard.length} files, ` +
      `from ${from.toFixed(0)}s to ${to.toFixed(0)}s ===`,
  );
  console.log(text.trimEnd());
  // the report's own summary is its last such line (a test may print one of its own)
  const summary = [
    ...text.matchAll(
      /^(?:ok|FAILED) \| (\d+) passed(?: \(\d+ steps?\))? \| (\d+) failed(?: \(\d+ steps?\))?(?: \| (\d+) ignored)?/gm,
    ),
  ].at(-1);
  return {
    code: output.code,
    passed: Number(summary?.[1] ?? 0),
    failed: Number(summary?.[2] ?? (output.code === 0 ? 0 : 1)),
    ignored: Number(summary?.[3] ?? 0),
    times: await fileTimes(junit),
  };
}

/** Seconds per test file, from a JUnit report. */
async function fileTimes(path: string): Promise<[string, number][]> {
  const xml = await Deno.readTextFile(path).catch(() => "");
  const times = new Map<string, number>();
  for (const match of xml.matchAll(/classname="\.\/([^"]+)" time="([\d.]+)"/g)) {
    times.set(match[1]!, (times.get(match[1]!) ?? 0) + Number(match[2]));
  }
  return [...times];
}

async function readTimes(): Promise<Record<string, number>> {
  try {
    return JSON.parse(await Deno.readTextFile(TIMES));
  } catch {
    return {};
  }
}

/**
 * Each file's time, the mean of this run's and the one kept: one run on a busy machine can
 * take a file twice as long as the next.
 */
async function saveTimes(old: Record<string, number>, fresh: [string, number][]) {
  const merged = { ...old };
  for (const [file, seconds] of fresh) {
    merged[file] = file in old ? (old[file]! + seconds) / 2 : seconds;
  }
  await Deno.writeTextFile(TIMES, JSON.stringify(merged, null, 1) + "\n");
}
