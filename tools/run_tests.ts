/**
 * `deno task test`: the whole suite, type-checked once, then run in a few `deno test`
 * processes side by side. Test files cannot share one process: the in-process CLI runs
 * (`runCli`) set the process's current folder and environment. Many tests wait on other
 * programs (a server, a browser, the database), so three processes keep two cores busy.
 *
 * Files are dealt to the processes longest first, by how long each took last time
 * (.out/test_times.json), or by its size when it has not run here before. Each process runs
 * its files as one module that imports them all: `deno test` starts a fresh runtime for each
 * module it is given (~0.35 s of CPU each, ~35 s for the suite), and the files share the
 * modules they load (zod, the store, the CLI) instead of loading them again. They still run
 * one after the other, as before, and the report still names each test's own file. One
 * PostgreSQL server serves all of them (tests/pg_server.ts). With arguments, it is plain
 * `deno test -A ARGS` in this one process's place: `deno task test web/app_test.ts`.
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
// one server for every process; without this each would start its own. Started while the
// type check runs: each takes a few seconds, and neither needs the other.
const pgStarted = testPgUrl();
pgStarted.catch(() => {}); // its error is reported where it is awaited, after the check
const check = await new Deno.Command(Deno.execPath(), {
  args: ["check", "--quiet", ...files],
  cwd: ROOT,
}).spawn().status;
if (!check.success) {
  await pgStarted.catch(() => {}); // then stopped at exit, not left half made
  Deno.exit(check.code);
}
const pgUrl = await pgStarted;
// no colours: the summary line is read back from each process's report
const env: Record<string, string> = {
  NO_COLOR: "1",
  ...(pgUrl ? { PLUTUS_TEST_PG_URL: pgUrl } : {}),
};

await Deno.mkdir(OUT, { recursive: true });
const times = await readTimes();
const shards = deal(files, JOBS, times);
// outside the repository: deno.json's test.exclude would refuse a module under .out/
const entries = await Deno.makeTempDir({ prefix: "plutus_test_shards_" });
const results = await Promise.all(shards.map((shard, i) => runShard(shard, i)))
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
const seconds = ((performance.now() - started) / 1000).toFixed(0);
const ok = failed === 0 && results.every((result) => result.code === 0);
console.log(
  `\n${ok ? "ok" : "FAILED"} | ${passed} passed | ${failed} failed | ${ignored} ignored ` +
    `(${files.length} files in ${shards.length} processes, ${seconds}s)`,
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

/** Longest first, each to the process with the least so far. */
function deal(all: string[], jobs: number, known: Record<string, number>): string[][] {
  const weight = (file: string) => known[file] ?? Deno.statSync(join(ROOT, file)).size / 4000;
  const shards = Array.from({ length: Math.min(jobs, all.length) }, () => ({
    files: [] as string[],
    load: 0,
  }));
  for (const file of [...all].sort((a, b) => weight(b) - weight(a))) {
    const lightest = shards.reduce((a, b) => (b.load < a.load ? b : a));
    lightest.files.push(file);
    lightest.load += weight(file);
  }
  return shards.map((shard) => shard.files.sort());
}

interface ShardResult {
  code: number;
  passed: number;
  failed: number;
  ignored: number;
  times: [string, number][];
}

/**
 * Runs one process's files, as one module that imports them in order; prints its whole
 * report when it ends, so reports never mix.
 */
async function runShard(shard: string[], index: number): Promise<ShardResult> {
  const junit = join(OUT, `test_shard_${index}.xml`);
  const entry = join(entries, `shard_${index + 1}.ts`);
  await Deno.writeTextFile(
    entry,
    shard.map((file) => `import "${pathToFileURL(join(ROOT, file)).href}";\n`).join(""),
  );
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["test", "-A", "--no-check", `--junit-path=${junit}`, entry],
    cwd: ROOT,
    env,
    stdin: "null",
  }).output();
  const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
  console.log(`\n=== test process ${index + 1} of ${shards.length}: ${shard.length} files ===`);
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

async function saveTimes(old: Record<string, number>, fresh: [string, number][]) {
  const merged = { ...old, ...Object.fromEntries(fresh) };
  await Deno.writeTextFile(TIMES, JSON.stringify(merged, null, 1) + "\n");
}
