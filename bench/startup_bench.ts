/**
 * The startup benchmark: `plutus --version`, `plutus --help` and `plutus status` on a
 * demo project, each run 20 times after 3 warm-ups, as the analyst's shell would run them.
 * Uses hyperfine where it is installed (Debian: apt install hyperfine), else times the
 * runs itself.
 *
 * @module
 */
import { join } from "node:path";
import { commandExists, measureCommand, PLUTUS } from "./measure.ts";

export interface StartupTiming {
  command: string;
  meanMs: number;
  targetMs: number;
}

const RUNS = 20;

/** Times the three commands against a demo project made (once) in `workDir`. */
export async function benchStartup(workDir: string): Promise<StartupTiming[]> {
  const project = join(workDir, "startup_demo");
  try {
    await Deno.stat(join(project, "data", "plutus.db"));
  } catch {
    await Deno.mkdir(workDir, { recursive: true });
    await measureCommand([...PLUTUS, "init", project, "--demo"]);
    await measureCommand([...PLUTUS, "run", "--project", project]);
  }
  const commands: [string[], number][] = [
    [["--version"], 100],
    [["--help"], 100],
    [["status", "--project", project], 250],
  ];
  const useHyperfine = await commandExists("hyperfine");
  const timings: StartupTiming[] = [];
  for (const [args, targetMs] of commands) {
    const meanMs = useHyperfine ? await withHyperfine(args) : await ourselves(args);
    timings.push({ command: `plutus ${args[0]}`, meanMs, targetMs });
  }
  return timings;
}

async function withHyperfine(args: string[]): Promise<number> {
  const command = [...PLUTUS, ...args].map((a) => `'${a}'`).join(" ");
  const exported = await Deno.makeTempFile({ suffix: ".json" });
  const result = await measureCommand([
    "hyperfine",
    "-N",
    "--warmup",
    "3",
    "--runs",
    String(RUNS),
    "--export-json",
    exported,
    command,
  ]);
  if (result.code !== 0) throw new Error(`hyperfine failed: ${result.stderr}`);
  const json = JSON.parse(await Deno.readTextFile(exported));
  await Deno.remove(exported);
  return json.results[0].mean * 1000;
}

async function ourselves(args: string[]): Promise<number> {
  for (let i = 0; i < 3; i++) await measureCommand([...PLUTUS, ...args]);
  let total = 0;
  for (let i = 0; i < RUNS; i++) total += (await measureCommand([...PLUTUS, ...args])).ms;
  return total / RUNS;
}
