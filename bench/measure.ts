/**
 * Runs a command and measures what a user would: wall time, and the peak resident memory
 * of the process (read from /proc on Linux while it runs).
 *
 * @module
 */
import { join } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";
import { RUN_FLAGS } from "../runtime_flags.ts";

/** The CLI as `deno task plutus` runs it: the flags the compiled binary has. */
export const PLUTUS = [
  Deno.execPath(),
  "run",
  ...RUN_FLAGS,
  fromFileUrl(new URL("../main.ts", import.meta.url)),
];

/** A finished command: exit code, output, wall time and peak memory. */
export interface Measured {
  code: number;
  ms: number;
  /** Peak resident set size in MB, where the platform tells it. */
  peakMb?: number;
  stdout: string;
  stderr: string;
}

/** Runs `argv` and measures it; past `timeoutMs` it is killed (and says so in stderr). */
export async function measureCommand(
  argv: string[],
  env: Record<string, string> = {},
  timeoutMs?: number,
): Promise<Measured> {
  const started = performance.now();
  const project = argv.indexOf("--project");
  const child = new Deno.Command(argv[0]!, {
    args: argv.slice(1),
    // in the project folder, as an analyst runs it: from elsewhere Plutus would run itself
    // again there, and the memory measured would be the first process's
    cwd: project >= 0 ? existingFolder(argv[project + 1]!) : undefined,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", ...env },
  }).spawn();
  let peakKb = 0;
  const poll = setInterval(() => {
    const kb = peakOf(child.pid);
    if (kb !== undefined) peakKb = Math.max(peakKb, kb);
  }, 25);
  let timedOut = false;
  const timer = timeoutMs === undefined ? undefined : setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, timeoutMs);
  const output = await child.output();
  clearInterval(poll);
  clearTimeout(timer);
  const ms = performance.now() - started;
  const decoder = new TextDecoder();
  return {
    code: output.code,
    ms,
    peakMb: peakKb > 0 ? peakKb / 1024 : undefined,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr) + (timedOut ? `\n(killed after ${timeoutMs} ms)` : ""),
  };
}

function existingFolder(path: string): string | undefined {
  try {
    return Deno.statSync(path).isDirectory ? path : undefined;
  } catch {
    return undefined;
  }
}

/** VmHWM — the process's own high-water mark of resident memory — in KB. */
function peakOf(pid: number): number | undefined {
  try {
    const status = Deno.readTextFileSync(`/proc/${pid}/status`);
    const match = /VmHWM:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** `sqlite3 .import` of `file` into a fresh database in `workDir`: the yardstick for loads. */
export async function measureSqliteImport(file: string, workDir: string): Promise<Measured> {
  const target = join(workDir, "sqlite3_import.db");
  await Deno.remove(target).catch(() => {});
  const measured = await measureCommand([
    "sqlite3",
    target,
    "-cmd",
    ".mode csv",
    `.import ${file} orders`,
  ]);
  await Deno.remove(target).catch(() => {});
  return measured;
}

/** Whether a program is on the PATH. */
export async function commandExists(name: string): Promise<boolean> {
  try {
    const { code } = await new Deno.Command(name, {
      args: ["--version"],
      stdout: "null",
      stderr: "null",
    }).output();
    return code === 0;
  } catch {
    return false;
  }
}
