/**
 * One file step: make sure the file is a finished regular file, fingerprint it, skip it if
 * its content was loaded before, load its rows (one transaction, see load_step.ts) — and
 * commit only if the file is still exactly what was fingerprinted — and only after the
 * commit move the file to archive/.
 *
 * @module
 */
import { dirname } from "node:path";
import { errorMessage, PlutusError } from "../../util/errors.ts";
import type { FileSourceConfig } from "../../config/plutus_config.ts";
import { rejectsReading } from "../history/rejects_reading.ts";
import type { Project } from "../project/project.ts";
import { newStepResult, type StepResult } from "../run/events.ts";
import { archiveFile, refusedEntry, sha256File } from "../project/inbox.ts";
import { formatBytes, formatCount } from "../../util/list_text.ts";
import { afterCommitError, loadStep, maskStep, type StepContext } from "./load_step.ts";
import type { PlannedFile } from "./plan_files.ts";
import type { FilePlan, PrepareMessage } from "./prepare_file.ts";
import { prepareRows } from "./prepare_in_worker.ts";

/**
 * A file found in inbox/ that was modified less than this long ago may still be being
 * written (a download, a copy, a script): the run waits until it has been left alone this
 * long, and refuses it if it changed meanwhile. PLUTUS_SETTLE_MS (or RunOptions.settleMs)
 * sets another value; files Plutus copied in itself are complete and never wait.
 */
export const SETTLE_MS = 2_000;

/** Runs one file step and reports how it ended; never throws for a bad file. */
export async function runFileStep(context: StepContext, file: PlannedFile): Promise<StepResult> {
  const { project, store, log } = context;
  const started = performance.now();
  const source = project.config.sources[file.source]!;
  const table = project.tables.get(source.table)!;
  const result = newStepResult(file.source, file.fileName, {
    table: table.name,
    runId: context.runId,
  });
  // kept with the step: if it fails, its retry (plutus rerun or run) is forced too
  if (context.force) result.forced = true;
  const finish = () => ({ ...result, durationMs: Math.round(performance.now() - started) });
  log.context = `${file.source} ${file.fileName}`;

  let checksum: string;
  let before: Deno.FileInfo;
  try {
    // in inbox/ a link is refused, not followed; a file named on the command line is read
    const inInbox = dirname(file.path) === project.paths.inbox;
    before = await (inInbox ? Deno.lstat(file.path) : Deno.stat(file.path));
    if (!before.isFile) {
      const refused = refusedEntry(file.fileName, before.isSymlink);
      throw new PlutusError(refused.reason, { code: "not_a_file", hint: refused.hint });
    }
    // A file Plutus copied in (its checksum known) is whole; any other may be growing.
    if (file.sha256 === undefined) before = await waitUntilQuiet(context, file, before);
    checksum = file.sha256 ?? await sha256File(file.path);
  } catch (error) {
    result.status = "failed";
    if (error instanceof PlutusError) {
      result.error = error.message;
      result.hint = error.hint;
    } else {
      result.error = `cannot read ${file.fileName}: ${errorMessage(error)}`;
      result.hint = "Check that the file is still in inbox/ and readable.";
    }
    log.error(`${result.error} (${result.hint})`);
    if (!context.dryRun) {
      // recorded, so that the history shows it and plutus rerun can try it again
      result.id = await store.startStep(context.runId, file.source, file.fileName, null);
      await store.finishStep(maskStep(result, context.project.secrets));
    }
    return finish();
  }

  const loaded = context.force ? undefined : await store.findLoaded(checksum);
  const loadedBefore = context.force ? undefined : context.dryLoaded.get(checksum);
  if (loaded || loadedBefore) {
    result.status = "skipped";
    result.error = loaded
      ? `already loaded: the same content was loaded as ${loaded.input} in run ${loaded.runId}`
      : `already loaded: the same content would be loaded as ${loadedBefore} earlier in this run`;
    result.hint = "Nothing to do. To load it again anyway, use --force.";
    log.info(result.error);
    if (!context.dryRun) {
      result.id = await store.startStep(context.runId, file.source, file.fileName, checksum);
      const problem = await moveToArchive(context, file, result);
      if (problem) {
        result.status = "failed";
        result.error = `already loaded, but ${problem}`;
        result.hint = ARCHIVE_HINT;
      }
      await store.finishStep(maskStep(result, context.project.secrets));
    }
    return finish();
  }

  if (!context.dryRun) {
    result.id = await store.startStep(context.runId, file.source, file.fileName, checksum);
  }
  context.onStarted(result.id);
  log.info(
    `started (${formatBytes(before.size)}, sha256 ${
      checksum.slice(0, 12)
    }…) into table ${table.name}`,
  );
  const plan = filePlan(project, file);
  if (plan.rejectsFile) log.info("a rejects file: read as written, without its _ columns");
  const read = { sha256: undefined as string | undefined };
  const committed = await loadStep(context, {
    source: file.source,
    table,
    kind: "file",
    messages: () => notingHash(prepareRows(plan, before.size), read),
    rejectLimit: source.reject_limit ?? project.config.reject_limit,
    emptyNote: "the file has a header but no data rows",
    beforeCommit: () => assertUnchanged(file, before, checksum, read.sha256),
    started,
  }, result);
  if (committed && !context.dryRun) {
    const problem = await moveToArchive(context, file, result);
    if (problem) {
      // The rows are committed (and the step that loaded them stays "succeeded", so the
      // file is never loaded twice); the move gets a failed step of its own, which makes
      // the run fail and plutus rerun try the move again.
      result.status = "failed";
      result.error = `loaded, but ${problem}`;
      result.hint = ARCHIVE_HINT;
      try {
        const id = await store.startStep(context.runId, file.source, file.fileName, checksum);
        await store.finishStep({
          ...maskStep(result, context.project.secrets),
          id,
          rowsRead: 0,
          inserted: 0,
          updated: 0,
          duplicate: 0,
          rejected: 0,
          topReasons: [],
        });
      } catch (error) {
        throw afterCommitError(`${file.source} ${file.fileName}`, error);
      }
    }
  }
  if (committed && context.dryRun) context.dryLoaded.set(checksum, file.fileName);
  return finish();
}

/**
 * How a planned file is read. A rejects file is read as Plutus wrote it (header on line
 * 1, no stop_at, any sheet or encoding), by its source's column mapping; for an API
 * source, whose mapping reads JSON paths, its columns are the table's own.
 */
export function filePlan(project: Project, file: PlannedFile): FilePlan {
  const source = project.config.sources[file.source]!;
  const table = project.tables.get(source.table)!;
  const base = {
    source: file.source,
    path: file.path,
    fileName: file.fileName,
    table,
    timeZone: source.timezone ?? project.config.timezone,
  };
  if (file.rejects) return { ...base, ...rejectsReading(source, table), rejectsFile: true };
  const config = source as FileSourceConfig;
  return {
    ...base,
    columns: config.columns,
    csv: config.csv,
    sheet: config.sheet,
    skipLines: config.skip_lines,
    stopAt: config.stop_at,
  };
}

const ARCHIVE_HINT =
  "The rows are in the database; only the move failed. Make archive/ writable (and check the disk has space), then run plutus rerun: the file is not loaded twice.";

/**
 * Waits until `file` has been left alone for the settle time: a file modified a moment
 * ago is watched that long, and refused when its size or modification time changed.
 */
async function waitUntilQuiet(
  context: StepContext,
  file: PlannedFile,
  info: Deno.FileInfo,
): Promise<Deno.FileInfo> {
  const age = Date.now() - (info.mtime?.getTime() ?? 0);
  if (age >= context.settleMs) return info;
  // a modification time in the future (a clock that differs) counts as "just now"
  await context.settleWait(age < 0 ? context.settleMs : context.settleMs - age);
  const now = await Deno.stat(file.path);
  const change = changeBetween(info, now);
  if (change) throw stillWritten(file.fileName, `it changed a moment ago: ${change}`);
  return now;
}

/** Passes the messages on, keeping the hash of the bytes read that the last one carries. */
async function* notingHash(
  messages: AsyncGenerator<PrepareMessage>,
  read: { sha256?: string },
): AsyncGenerator<PrepareMessage> {
  for await (const message of messages) {
    if (message.type === "end") read.sha256 = message.sha256;
    yield message;
  }
}

/**
 * The last check before the commit: the file must be exactly what was fingerprinted
 * before it was read — same size, same modification time, same SHA-256. A file that
 * grew meanwhile was read half; nothing of it is loaded. `readSha256`, the hash of the
 * bytes the reader parsed (CSV), spares reading the file again; without it, it is re-read.
 */
async function assertUnchanged(
  file: PlannedFile,
  before: Deno.FileInfo,
  checksum: string,
  readSha256?: string,
): Promise<void> {
  let after: Deno.FileInfo;
  try {
    after = await Deno.stat(file.path);
  } catch (error) {
    throw new PlutusError(
      `${file.fileName} was moved or deleted while it was read: ${errorMessage(error)}`,
      {
        code: "file_changed",
        hint: "Nothing was loaded from it. Put the file back into inbox/ and run again.",
        cause: error,
      },
    );
  }
  const change = changeBetween(before, after) ??
    ((readSha256 ?? await sha256File(file.path)) !== checksum
      ? "its content is different"
      : undefined);
  if (change) throw stillWritten(file.fileName, `it changed while it was read: ${change}`);
}

/** How two looks at one file differ, or undefined when they agree. */
function changeBetween(before: Deno.FileInfo, after: Deno.FileInfo): string | undefined {
  if (after.size !== before.size) {
    const [from, to] = [formatBytes(before.size), formatBytes(after.size)];
    // "5.9 MB to 5.9 MB" would read as no change at all: then say the bytes
    return from === to
      ? `its size went from ${formatCount(before.size)} to ${formatCount(after.size)} bytes`
      : `its size went from ${from} to ${to}`;
  }
  if (after.mtime?.getTime() !== before.mtime?.getTime()) return "it was written to";
  return undefined;
}

function stillWritten(fileName: string, detail: string): PlutusError {
  return new PlutusError(
    `${fileName} is still being written (${detail}) — run again when the download has finished`,
    {
      code: "file_changing",
      hint:
        "Nothing was loaded from it; it stays in inbox/. When the program writing it is done, run plutus rerun (or plutus run).",
    },
  );
}

/**
 * Moves a loaded file to archive/. Returns what went wrong with the move, or undefined when
 * it moved; throws (afterCommitError) when the move's record cannot be written.
 */
async function moveToArchive(
  context: StepContext,
  file: PlannedFile,
  result: StepResult,
): Promise<string | undefined> {
  try {
    result.archivedTo = await archiveFile(file.path, context.project.paths.archive, context.day);
  } catch (error) {
    const message = `could not be moved to archive/: ${errorMessage(error)}`;
    context.log.error(`${message} (${ARCHIVE_HINT})`);
    return message;
  }
  // moved: a failure from here on (a full disk refusing the record) is no failed move
  try {
    context.log.info(`moved to ${result.archivedTo}`);
    await context.store.setArchivedTo(result.id, result.archivedTo);
  } catch (error) {
    throw afterCommitError(`${file.source} ${file.fileName}`, error, {
      archivedTo: result.archivedTo,
    });
  }
  return undefined;
}
