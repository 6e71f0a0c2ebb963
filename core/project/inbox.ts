/**
 * The files of a project's inbox/ and archive/: listing what waits, fingerprinting it,
 * copying uploads in, and moving loaded files out. Plutus never deletes an input file
 * (only the unfinished `.part` copies of one that a killed upload left behind).
 *
 * @module
 */
import { createHash } from "node:crypto";
import { basename, extname, join, matchesGlob } from "node:path";
import { PlutusError } from "../../util/errors.ts";

/**
 * Files Plutus leaves alone in inbox/: hidden files, Office lock files, unfinished copies
 * and browser downloads still in progress (Chrome's .crdownload, Safari's .download).
 */
export function isIgnoredName(name: string): boolean {
  return name.startsWith(".") || name.startsWith("~$") ||
    /\.(part|crdownload|download|partial)$/i.test(name) ||
    name === "Thumbs.db" || name === "desktop.ini";
}

/** The most bytes a file name may have on the file systems Plutus runs on. */
export const MAX_NAME_BYTES = 255;

/** An entry of inbox/ that is not a regular file, so Plutus will not read it. */
export interface RefusedEntry {
  name: string;
  reason: string;
  hint: string;
}

/** The names of the files waiting in `inbox`, sorted. */
export async function listInbox(inbox: string): Promise<string[]> {
  return (await scanInbox(inbox)).files;
}

/**
 * What waits in `inbox`: the regular files (sorted), the entries Plutus refuses to read
 * (symbolic links, named pipes, devices), each with why, and the folders, whose files are
 * not read (an export unzipped into inbox/march/ would otherwise wait there unseen).
 */
export async function scanInbox(
  inbox: string,
): Promise<{ files: string[]; refused: RefusedEntry[]; folders: string[] }> {
  const files: string[] = [];
  const refused: RefusedEntry[] = [];
  const folders: string[] = [];
  try {
    for await (const entry of Deno.readDir(inbox)) {
      if (isIgnoredName(entry.name)) continue;
      // U+FFFD stands for bytes that are no UTF-8, unless the name really holds it
      if (
        entry.name.includes("\uFFFD") &&
        !(await Deno.lstat(join(inbox, entry.name)).then(() => true, () => false))
      ) {
        refused.push(undecodableName(entry.name));
        continue;
      }
      // a Mac's zip leaves __MACOSX/ beside what it unzips; an empty folder holds nothing
      if (entry.isDirectory) {
        if (entry.name !== "__MACOSX" && !(await isEmptyFolder(join(inbox, entry.name)))) {
          folders.push(entry.name);
        }
      } else if (entry.isFile) files.push(entry.name);
      else refused.push(refusedEntry(entry.name, entry.isSymlink));
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  // by code point: the same everywhere, and no locale data to load
  return {
    files: files.sort(),
    refused: refused.sort((a, b) => (a.name < b.name ? -1 : 1)),
    folders: folders.sort(),
  };
}

/**
 * Whether a folder holds no file to speak of: nothing but ignored names and folders that
 * hold none either (`march/empty/`). Bounded: a deep or large tree is said as a folder.
 */
async function isEmptyFolder(
  path: string,
  depth = 4,
  budget = { entries: 1_000 },
): Promise<boolean> {
  try {
    for await (const entry of Deno.readDir(path)) {
      if (isIgnoredName(entry.name) || entry.name === "__MACOSX") continue;
      if (--budget.entries < 0 || !entry.isDirectory || depth === 0) return false;
      if (!(await isEmptyFolder(join(path, entry.name), depth - 1, budget))) return false;
    }
    return true;
  } catch {
    return false; // unreadable: said as a folder, which it is
  }
}

/** What to say of a folder in inbox/: its files are not read. */
export function folderProblem(name: string): { reason: string; hint: string } {
  return {
    reason: `inbox/${name}/ is a folder: Plutus reads only the files directly in inbox/, so ` +
      `nothing in it is loaded`,
    hint: `Move its files into inbox/ itself, then remove the empty folder (or move the ` +
      `folder out of inbox/ if its files are not for Plutus).`,
  };
}

/**
 * Why Plutus will not read a waiting entry that is not a regular file. A link could lead
 * anywhere on the machine (and is moved to archive/ as a link, not as the data loaded);
 * a named pipe or a device would block the run or never end.
 */
export function refusedEntry(name: string, isSymlink: boolean): RefusedEntry {
  return isSymlink
    ? {
      name,
      reason: `inbox/${name} is a symbolic link, not a file: Plutus does not follow links`,
      hint:
        `Copy the file itself into inbox/ (or use plutus upload FILE), then remove the link: plutus discard "${name}".`,
    }
    : {
      name,
      reason:
        `inbox/${name} is not a regular file (a named pipe, socket or device): Plutus reads only files`,
      hint: `Save the data as a file in inbox/, and set this aside: plutus discard "${name}".`,
    };
}

/**
 * A name that is not valid UTF-8 (as unzip leaves names from a zip made on Windows: café as
 * the byte E9) reaches Plutus with U+FFFD in place of its bad bytes, and no file has that
 * name: it can be neither read nor moved, so it is said once with how to rename it, not
 * failed on every run.
 */
function undecodableName(name: string): RefusedEntry {
  const parts = `inbox/${name}`.split(/\uFFFD+/);
  // for a shell: the name's text quoted (it may hold spaces), * where its bad bytes are
  const quoted = parts.map((part) => (part === "" ? "" : `'${part.replaceAll("'", `'\\''`)}'`));
  return {
    name,
    reason: `${parts.join("*")} has a name that is not valid UTF-8 text (a zip made on Windows ` +
      `often leaves such names), so Plutus cannot open it`,
    hint: `Rename it, in your file manager or with: mv ${quoted.join("*")} inbox/NEW_NAME${
      extname(name).replace(/\uFFFD/g, "")
    } (check that the pattern names this one file), then run: plutus run`,
  };
}

/**
 * Whether `name` is a plain file name: no folder part, not "." or "..". Every name that
 * comes from the GUI or the command line for a waiting file must be one, so that it can
 * only ever mean a file inside inbox/.
 */
export function isPlainName(name: string): boolean {
  return name !== "" && name !== "." && name !== ".." && !name.includes("/") &&
    !name.includes("\0") && !(Deno.build.os === "windows" && /[\\:]/.test(name)) &&
    byteLength(name) <= MAX_NAME_BYTES;
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

/**
 * `name` with `suffix` put before its extension, shortened in the middle part when the
 * whole would be longer than a file name may be: `fitName("a.csv", " (2)")` is
 * "a (2).csv"; a 255-byte name keeps its extension and loses the end of its stem.
 */
export function fitName(name: string, suffix = ""): string {
  let extension = extname(name);
  if (byteLength(extension) > 32) extension = "";
  const stem = name.slice(0, name.length - extension.length);
  const whole = `${stem}${suffix}${extension}`;
  if (byteLength(whole) <= MAX_NAME_BYTES) return whole;
  const room = MAX_NAME_BYTES - byteLength(suffix) - byteLength(extension);
  return `${cutToBytes(stem, room)}${suffix}${extension}`;
}

/** The first characters of `text` that fit in `max` bytes of UTF-8 (never half a character). */
function cutToBytes(text: string, max: number): string {
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    const size = byteLength(char);
    if (bytes + size > max) break;
    bytes += size;
    end += char.length;
  }
  return text.slice(0, end);
}

const encoder = new TextEncoder();

function byteLength(text: string): number {
  return encoder.encode(text).length;
}

/**
 * A name not yet taken in `dir`: "orders.csv", then "orders (2).csv", "orders (3).csv"…
 * (shortened to fit, see fitName). Only a hint: claim it with claimName, which never
 * overwrites.
 */
export async function freeName(dir: string, name: string): Promise<string> {
  for (let n = 1;; n++) {
    const candidate = fitName(name, n === 1 ? "" : ` (${n})`);
    try {
      await Deno.lstat(join(dir, candidate));
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return candidate;
      throw error;
    }
  }
}

/**
 * Gives the file at `path` the name `name` in `dir` — or, when that is taken, the next
 * free one ("name (2).csv") — and never over another file, even when two processes claim
 * one name at once: a hard link fails when its name exists, where rename would replace.
 * The file leaves `path`. Returns the name it got.
 */
export async function claimName(path: string, dir: string, name: string): Promise<string> {
  for (let n = 1;; n++) {
    const candidate = fitName(name, n === 1 ? "" : ` (${n})`);
    const target = join(dir, candidate);
    try {
      await Deno.link(path, target);
    } catch (error) {
      if (error instanceof Deno.errors.AlreadyExists) continue;
      if (
        !(error instanceof Error) ||
        !/cross-device|EXDEV|os error 18|not permitted|os error 1\b|not supported|os error 95/i
          .test(error.message)
      ) {
        throw error;
      }
      await moveWithoutLink(path, target);
      return candidate;
    }
    await Deno.remove(path);
    return candidate;
  }
}

/**
 * For file systems without hard links (FAT, some network drives) or across them: the
 * target is created exclusively (the claim), then filled by rename or by a copy.
 */
async function moveWithoutLink(path: string, target: string): Promise<void> {
  (await Deno.open(target, { write: true, createNew: true })).close();
  try {
    await Deno.rename(path, target);
  } catch (error) {
    if (!(error instanceof Error) || !/cross-device|EXDEV|os error 18/i.test(error.message)) {
      await Deno.remove(target).catch(() => {});
      throw error;
    }
    await Deno.copyFile(path, target);
    await Deno.remove(path);
  }
}

/**
 * Finishes a move to archive/ that a killed process left half done: claimName() links the
 * file into archive/ and only then removes its inbox/ name, so a kill in between leaves one
 * file under both names. A waiting file with more than one name whose other name is in
 * archive/ (same device and inode) was moved already: its inbox/ name goes. A file the
 * analyst hard-linked in from elsewhere is left alone. Returns the names removed.
 */
export async function finishInterruptedMoves(
  inbox: string,
  archiveRoot: string,
): Promise<string[]> {
  const linked = new Map<string, string>();
  for (const name of await listInbox(inbox)) {
    const info = await Deno.stat(join(inbox, name)).catch(() => undefined);
    if (info && info.nlink !== null && info.nlink > 1 && info.ino !== null) {
      linked.set(`${info.dev}:${info.ino}`, name);
    }
  }
  if (linked.size === 0) return [];
  const removed: string[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(dir));
    } catch {
      return; // no archive/ yet
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory && depth > 0) await walk(path, depth - 1);
      if (!entry.isFile) continue;
      const info = await Deno.stat(path).catch(() => undefined);
      const name = info && linked.get(`${info.dev}:${info.ino}`);
      if (name === undefined) continue;
      linked.delete(`${info!.dev}:${info!.ino}`);
      await Deno.remove(join(inbox, name));
      removed.push(name);
    }
  };
  await walk(archiveRoot, 2); // archive/DAY/ and archive/discarded/DAY/
  return removed;
}

/**
 * Moves a loaded file from inbox/ to archive/YYYY-MM-DD/, never over another file.
 * Returns the path it now has, relative to `archiveRoot`'s parent.
 */
export async function archiveFile(path: string, archiveRoot: string, day: string): Promise<string> {
  const dir = join(archiveRoot, day);
  await Deno.mkdir(dir, { recursive: true });
  const name = await claimName(path, dir, basename(path));
  return `archive/${day}/${name}`;
}

/**
 * Sets a waiting file aside in archive/discarded/YYYY-MM-DD/ (never deleted), whatever it
 * is: a file, a link or a pipe moves as it is. Returns its new path, relative to the project.
 */
export async function discardIntoArchive(
  path: string,
  archiveRoot: string,
  day: string,
): Promise<string> {
  const dir = join(archiveRoot, "discarded", day);
  await Deno.mkdir(dir, { recursive: true });
  const name = await claimName(path, dir, basename(path));
  return `archive/discarded/${day}/${name}`;
}

/** A file copied into inbox/: its name there and the SHA-256 of its content. */
export interface InboxFile {
  name: string;
  sha256: string;
}

/** Called with the name an upload wants, before it claims it (to set aside a failed file). */
export type MakeRoom = (name: string) => Promise<void>;

/**
 * Copies a file into inbox/ through a temporary `.part` name, so a half-copied file is
 * never mistaken for a complete one. A file with the same content already waiting there
 * is reused. The copy is fingerprinted while it is synced to disk, so that the run need
 * not read it once more for that.
 */
export async function copyIntoInbox(
  source: string,
  inbox: string,
  makeRoom?: MakeRoom,
): Promise<InboxFile> {
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
    throw new PlutusError(
      `${source} is ${
        info.isDirectory ? "a folder" : "not a regular file (a named pipe, socket or device)"
      }`,
      {
        code: "upload_not_file",
        hint: "Give the path of a CSV or spreadsheet file.",
      },
    );
  }
  await Deno.mkdir(inbox, { recursive: true });
  const name = fitName(basename(source));
  const same = await sameContent(source, join(inbox, name));
  if (same) return { name, sha256: same };
  const part = partName(inbox, name);
  let sha256: string;
  try {
    await Deno.copyFile(source, part);
    // on disk before it gets its real name: after a power cut, a file in inbox/ is whole
    using copy = await Deno.open(part, { read: true, write: true });
    [sha256] = await Promise.all([sha256File(part), copy.sync()]);
    await makeRoom?.(name);
    return { name: await claimName(part, inbox, name), sha256 };
  } finally {
    await Deno.remove(part).catch(() => {});
  }
}

/**
 * A temporary name beside `target`, unique so that two uploads never share one, and short
 * enough for any target name.
 */
function partName(inbox: string, target: string): string {
  return join(inbox, `.${cutToBytes(target, 200)}.${crypto.randomUUID().slice(0, 8)}.part`);
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
    const [sa, sb] = await Promise.all([Deno.stat(a), Deno.lstat(b)]);
    if (!sb.isFile || sa.size !== sb.size) return undefined;
    const hash = await sha256File(b);
    return (await sha256File(a)) === hash ? hash : undefined;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/**
 * Receives an upload into inbox/ as it streams in: never whole in memory, written under
 * a `.part` name and given its real name only when complete (never over another file),
 * refused (and removed) past `maxBytes`. Returns the name it got in inbox/ and the
 * SHA-256 of what was written.
 */
export async function receiveIntoInbox(
  body: ReadableStream<Uint8Array>,
  name: string,
  inbox: string,
  maxBytes: number,
  makeRoom?: MakeRoom,
): Promise<{ name: string; bytes: number; sha256: string }> {
  const clean = safeFileName(name);
  await Deno.mkdir(inbox, { recursive: true });
  const part = partName(inbox, clean);
  const hash = createHash("sha256");
  let bytes = 0;
  try {
    {
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
        hash.update(chunk);
        let written = 0;
        while (written < chunk.length) written += await file.write(chunk.subarray(written));
      }
      await file.sync();
    }
    await makeRoom?.(clean);
    return { name: await claimName(part, inbox, clean), bytes, sha256: hash.digest("hex") };
  } finally {
    await Deno.remove(part).catch(() => {});
  }
}

/**
 * A file name that is safe in inbox/: no folders, no control characters, not hidden, not
 * reserved on Windows, short enough to be archived. "../../etc/passwd" becomes "passwd".
 */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  // deno-lint-ignore no-control-regex
  let clean = base.replace(/[\u0000-\u001f\u007f-\u009f<>:"|?*]/g, "_").replace(/^[.\s]+/, "")
    .trim();
  if (/^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i.test(clean)) clean = `_${clean}`;
  return clean === "" ? "upload" : fitName(clean);
}
