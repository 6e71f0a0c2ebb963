/**
 * Finding the log files a project's runs left in logs/.
 *
 * @module
 */
import { join } from "node:path";
import { localStamp } from "./pipeline/run_log.ts";

/** The log file of run `runId`, or undefined if it has none. */
export async function findRunLog(logsDir: string, runId: number): Promise<string | undefined> {
  const suffix = `-run-${runId}.log`;
  for await (const entry of readDirSafe(logsDir)) {
    if (entry.isFile && entry.name.endsWith(suffix)) return join(logsDir, entry.name);
  }
  return undefined;
}

/** The path of the day's error log (today by default, local time). */
export function errorLogPath(logsDir: string, day = localStamp(new Date()).slice(0, 10)): string {
  return join(logsDir, `errors-${day}.log`);
}

async function* readDirSafe(dir: string): AsyncGenerator<Deno.DirEntry> {
  try {
    yield* Deno.readDir(dir);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}
