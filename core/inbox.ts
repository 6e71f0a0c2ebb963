/**
 * The files of a project's inbox/ and archive/: listing what waits, fingerprinting it,
 * copying uploads in, and moving loaded files out. Plutus never deletes an input file
 * (only the unfinished `.part` copies of one that a killed upload left behind).
 *
 * @module
 */
import { createHash } from "node:crypto";
import { basename, extname, join, matchesGlob } from "node:path";
import { PlutusError } from "../config/errors.ts";

/** Files Plutus leaves alone in inbox/: hidden files, Office lock files, unfinished copies. */
export function isIgnoredName(name: string): boolean {
  return name.startsWith(".") || name.startsWith("~$") || name.endsWith(".part") ||
    name === "Thumbs.db" || name === "desktop.ini";
}

/** The names of the files waiting in `inbox`, sorted. */
export async function listInbox(inbox: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(inbox)) {
      if (entry.isFile && !isIgnoredName(entry.name)) names.push(entry.name);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return names.sort(); // by code point: the same everywhere, and no locale data to load
}

/** Whether a file name matches one of a source's patterns (case-insensitively). */
export function matchesFiles(name: string, patterns: readonly string[]): boolean {
  const lower = name.toLowerCase();
  return patterns.some((pattern) => matchesGlob(lower, pattern.toLowerCase()));
}

/** The SHA-256 of a file, read in chunks. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  using file = await Deno.open(path);
  const buffer = new Uint8Array(1 << 20);
  while (true) {
    const read = await file.read(buffer);
    if (read === null) break;
    hash.update(buffer.subarray(0, read));
  }
  return hash.digest("hex");
}

/** A name not yet taken in `dir`: "orders.csv", then "orders (2).csv", "orders (3).csv"… */
export async function freeName(dir: string, name: string): Promise<string> {
  const extension = extname(name);
  const stem = basename(name, extension);
  for (let n = 1;; n++) {
    const candidate = n === 1 ? name : `${stem} (${n})${extension}`;
    try {
      await Deno.lstat(join(dir, candidate));
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return candidate;
      throw error;
    }
  }
}

/**
 * Moves a loaded file from inbox/ to archive/YYYY-MM-DD/, never over another file.
 * Returns the path it now has, relative to `archiveRoot`'s parent.
 */
export async function archiveFile(path: string, archiveRoot: string, day: string): Promise<string> {
  const dir = join(archiveRoot, day);
  await Deno.mkdir(dir, { recursive: true });
  const name = await freeName(dir, basename(path));
  const target = join(dir, name);
  try {
    await Deno.rename(path, target);
  } catch (error) {
    // Across file systems rename fails: copy, then remove the original once the copy is safe.
    if (!(error instanceof Error) || !/cross-device|EXDEV|os error 18/i.test(error.message)) {
      throw error;
    }
    await Deno.copyFile(path, target);
    await Deno.remove(path);
  }
  return `archive/${day}/${name}`;
}

/** A file copied into inbox/: its name there and the SHA-256 of its content. */
export interface InboxFile {
  name: string;
  sha256: string;
}

/**
 * Copies a file into inbox/ through a temporary `.part` name, so a half-copied file is
 * never mistaken for a complete one. A file with the same content already waiting there
 * is reused. The copy is fingerprinted while it is synced to disk, so that the run need
 * not read it once more for that.
 */
export async function copyIntoInbox(source: string, inbox: string): Promise<InboxFile> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(source);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new PlutusError(`${source}: no such file`, {
        code: "upload_missing",
        hint: "Check the path; relative paths start from the folder you ran the command in.",
      });
    }
    throw error;
  }
  if (!info.isFile) {
    throw new PlutusError(`${source} is not a file`, {
      code: "upload_not_file",
      hint: "Give the path of a CSV or spreadsheet file.",
    });
  }
  await Deno.mkdir(inbox, { recursive: true });
  const name = basename(source);
  const waiting = join(inbox, name);
  const same = await sameContent(source, waiting);
  if (same) return { name, sha256: same };
  const target = await freeName(inbox, name);
  const part = partName(inbox, target);
  let sha256: string;
  try {
    await Deno.copyFile(source, part);
    // on disk before it gets its real name: after a power cut, a file in inbox/ is whole
    using copy = await Deno.open(part, { read: true, write: true });
    [sha256] = await Promise.all([sha256File(part), copy.sync()]);
    await Deno.rename(part, join(inbox, target));
  } catch (error) {
    await Deno.remove(part).catch(() => {});
    throw error;
  }
  return { name: target, sha256 };
}

/** A temporary name beside `target`, unique so that two uploads never share one. */
function partName(inbox: string, target: string): string {
  return join(inbox, `.${target}.${crypto.randomUUID().slice(0, 8)}.part`);
}

/**
 * Removes unfinished copies (`.*.part`) that a killed process left in inbox/ more than
 * `olderThanMs` ago: they are never input files, only their incomplete shadows.
 */
export async function removeStaleParts(inbox: string, olderThanMs = 3_600_000): Promise<void> {
  try {
    for await (const entry of Deno.readDir(inbox)) {
      if (!entry.isFile || !entry.name.startsWith(".") || !entry.name.endsWith(".part")) continue;
      const path = join(inbox, entry.name);
      const { mtime } = await Deno.stat(path);
      if (mtime && Date.now() - mtime.getTime() > olderThanMs) await Deno.remove(path);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}

/** The SHA-256 both files share, or undefined when their contents differ. */
async function sameContent(a: string, b: string): Promise<string | undefined> {
  try {
    const [sa, sb] = await Promise.all([Deno.stat(a), Deno.stat(b)]);
    if (sa.size !== sb.size) return undefined;
    const hash = await sha256File(b);
    return (await sha256File(a)) === hash ? hash : undefined;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/**
 * Receives an upload into inbox/ as it streams in: never whole in memory, written under
 * a `.part` name and renamed only when complete, refused (and removed) past `maxBytes`.
 * Returns the name it got in inbox/.
 */
export async function receiveIntoInbox(
  body: ReadableStream<Uint8Array>,
  name: string,
  inbox: string,
  maxBytes: number,
): Promise<{ name: string; bytes: number }> {
  const clean = safeFileName(name);
  await Deno.mkdir(inbox, { recursive: true });
  const target = await freeName(inbox, clean);
  const part = partName(inbox, target);
  let bytes = 0;
  try {
    using file = await Deno.open(part, { write: true, createNew: true });
    for await (const chunk of body) {
      bytes += chunk.length;
      if (bytes > maxBytes) {
        throw new PlutusError(
          `${clean} is larger than the upload limit of ${
            Number((maxBytes / (1 << 20)).toPrecision(3))
          } MB`,
          {
            code: "upload_too_large",
            hint:
              "Raise upload_limit_mb in plutus.yaml, or copy the file into inbox/ and click Run.",
          },
        );
      }
      let written = 0;
      while (written < chunk.length) written += await file.write(chunk.subarray(written));
    }
    await file.sync();
  } catch (error) {
    await Deno.remove(part).catch(() => {});
    throw error;
  }
  await Deno.rename(part, join(inbox, target));
  return { name: target, bytes };
}

/**
 * A file name that is safe in inbox/: no folders, no control characters, not hidden, not
 * reserved on Windows. "../../etc/passwd" becomes "passwd".
 */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  // deno-lint-ignore no-control-regex
  let clean = base.replace(/[\u0000-\u001f\u007f<>:"|?*]/g, "_").replace(/^[.\s]+/, "").trim();
  if (/^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i.test(clean)) clean = `_${clean}`;
  return clean.slice(0, 200) || "upload";
}
