/**
 * Finding the log files a project's runs left in logs/, and reading a long one in part.
 *
 * @module
 */
import { join } from "node:path";
import { localStamp } from "../../util/time.ts";
import { formatCount } from "../../util/list_text.ts";

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

/**
 * The day's error log with the newest run first: its lines are grouped by their run
 * (`[run 12]`), the groups put newest first, each group's lines kept in the order they
 * happened so that a run still reads as it went. A note that lines were left out (see
 * readLogExcerpt) moves to the end, where the older lines were.
 */
export function newestRunsFirst(text: string): string {
  const groups: string[][] = [];
  let cutNote: string | undefined;
  let label: string | undefined;
  for (const line of text.split("\n")) {
    if (line === "") continue;
    if (line.startsWith("… ") && cutNote === undefined && groups.length === 0) {
      cutNote = line;
      continue;
    }
    const run = /^\S+ \S+ (\[run \d+\])/.exec(line)?.[1];
    if (groups.length === 0 || (run !== undefined && run !== label)) {
      groups.push([]);
      label = run ?? label;
    }
    groups.at(-1)!.push(line);
  }
  const lines = groups.reverse().flat();
  if (cutNote !== undefined) lines.push(cutNote);
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}

/** What a page shows of a log: its text, and how many lines were left out of it. */
export interface LogExcerpt {
  text: string;
  cutLines: number;
}

/**
 * A log whole, or, when longer than `head` + `tail` bytes, its first and last whole lines
 * with a line saying how many between them were left out. Reads only those parts and
 * counts the rest by bytes, so a long log costs a page little. Empty when there is no file.
 */
export async function readLogExcerpt(
  path: string,
  head = 100_000,
  tail = 20_000,
): Promise<LogExcerpt> {
  let file;
  try {
    file = await Deno.open(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { text: "", cutLines: 0 };
    throw error;
  }
  using _ = file;
  const size = (await file.stat()).size;
  const decoder = new TextDecoder();
  if (size <= head + tail) {
    return { text: decoder.decode(await readAt(file, 0, size)), cutLines: 0 };
  }
  // A newline byte is never part of a multi-byte UTF-8 character: cutting after one is safe.
  const first = await readAt(file, 0, head);
  const headEnd = first.lastIndexOf(NEWLINE) + 1;
  const last = await readAt(file, size - tail, tail);
  const tailStart = size - tail + last.indexOf(NEWLINE) + 1;
  let cutLines = 0;
  for (let at = headEnd; at < tailStart; at += CHUNK) {
    const chunk = await readAt(file, at, Math.min(CHUNK, tailStart - at));
    for (let i = 0; i < chunk.length; i++) if (chunk[i] === NEWLINE) cutLines++;
  }
  return {
    text: `${decoder.decode(first.subarray(0, headEnd))}… ${
      formatCount(cutLines)
    } lines left out: download the log for all of it …\n${
      decoder.decode(last.subarray(tailStart - (size - tail)))
    }`,
    cutLines,
  };
}

const NEWLINE = 10;
const CHUNK = 1 << 16;

async function readAt(file: Deno.FsFile, offset: number, length: number): Promise<Uint8Array> {
  await file.seek(offset, Deno.SeekMode.Start);
  const buffer = new Uint8Array(length);
  let filled = 0;
  while (filled < length) {
    const n = await file.read(buffer.subarray(filled));
    if (n === null) break;
    filled += n;
  }
  return buffer.subarray(0, filled);
}

async function* readDirSafe(dir: string): AsyncGenerator<Deno.DirEntry> {
  try {
    yield* Deno.readDir(dir);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}
