/**
 * One file step: fingerprint the file, skip it if it was loaded before, then prepare and
 * load all of its rows in ONE transaction — committed only when the rejects stay within
 * the limit — and only then move the file to archive/.
 *
 * @module
 */
import { errorMessage, PlutusError } from "../../config/errors.ts";
import type { FileSourceConfig } from "../../config/plutus_config.ts";
import type { StepResult } from "../events.ts";
import { ReasonCounter } from "../reject_summary.ts";
import { archiveFile, sha256File } from "../inbox.ts";
import type { Project } from "../project.ts";
import type { RejectRecord, SqliteStore } from "../store/sqlite_store.ts";
import { nowIso } from "../store/sql.ts";
import type { TableLoader } from "../store/table_loader.ts";
import type { PlannedFile } from "./plan_files.ts";
import type { FilePlan, PreparedReject, PrepareMessage } from "./prepare_file.ts";
import { prepareRows } from "./prepare_in_worker.ts";
import type { RunLogger } from "./run_log.ts";

/** What every step of a run shares. */
export interface StepContext {
  project: Project;
  store: SqliteStore;
  log: RunLogger;
  runId: number;
  /** The archive folder of this run: YYYY-MM-DD in local time. */
  day: string;
  dryRun: boolean;
  force: boolean;
  onProgress: (stepId: number, rowsRead: number, elapsedMs: number) => void;
  onStarted: (stepId: number) => void;
}

// Rejects are written inside the step's transaction as they come; these first ones are
// also kept in memory, so that a step that fails still records why.
const KEPT_REJECTS = 10_000;
const PROGRESS_EVERY_MS = 250;

/** Runs one file step and reports how it ended; never throws for a bad file. */
export async function runFileStep(context: StepContext, file: PlannedFile): Promise<StepResult> {
  const { project, store, log } = context;
  const started = performance.now();
  const source = project.config.sources[file.source] as FileSourceConfig;
  const table = project.tables.get(source.table)!;
  const result: StepResult = {
    id: 0,
    source: file.source,
    input: file.fileName,
    table: table.name,
    status: "running",
    rowsRead: 0,
    inserted: 0,
    updated: 0,
    duplicate: 0,
    rejected: 0,
    topReasons: [],
    notes: [],
    durationMs: 0,
  };
  const finish = () => ({ ...result, durationMs: Math.round(performance.now() - started) });
  log.context = `${file.source} ${file.fileName}`;

  let checksum: string;
  let size: number;
  try {
    size = (await Deno.stat(file.path)).size;
    checksum = await sha256File(file.path);
  } catch (error) {
    result.status = "failed";
    result.error = `cannot read ${file.fileName}: ${errorMessage(error)}`;
    result.hint = "Check that the file is still in inbox/ and readable.";
    log.error(result.error);
    return finish();
  }

  const loaded = context.force ? undefined : store.findLoaded(checksum);
  if (loaded) {
    result.status = "skipped";
    result.error =
      `already loaded: the same content was loaded as ${loaded.input} in run ${loaded.run_id}`;
    result.hint = "Nothing to do. To load it again anyway, use --force.";
    log.info(result.error);
    if (!context.dryRun) {
      result.id = store.startStep(context.runId, file.source, file.fileName, checksum);
      await moveToArchive(context, file, result);
      store.finishStep(result.id, outcome(result));
    }
    return finish();
  }

  if (!context.dryRun) {
    result.id = store.startStep(context.runId, file.source, file.fileName, checksum);
  }
  context.onStarted(result.id);
  log.info(
    `started (${formatBytes(size)}, sha256 ${checksum.slice(0, 12)}…) into table ${table.name}`,
  );

  const kept: RejectRecord[] = [];
  const reasons = new ReasonCounter();
  let loader: TableLoader | undefined;
  try {
    const changes = store.planTable(table);
    store.begin();
    store.applyTable(table, changes);
    if (changes.create) log.info(`created table ${table.name}`);
    if (changes.addColumns.length > 0) {
      log.info(`added column(s) ${changes.addColumns.join(", ")} to ${table.name}`);
    }
    if (changes.orphanColumns.length > 0) {
      result.notes.push(
        `table ${table.name} keeps column(s) ${
          changes.orphanColumns.join(", ")
        } that ${table.file} no longer lists; new rows leave them empty`,
      );
    }
    loader = store.loader(table, { source: file.source, runId: context.runId, loadedAt: nowIso() });
    let valid = 0;
    let lastProgress = performance.now();
    const plan: FilePlan = {
      source: file.source,
      path: file.path,
      fileName: file.fileName,
      table,
      columns: source.columns,
      csv: source.csv,
      sheet: source.sheet,
      skipLines: source.skip_lines,
      stopAt: source.stop_at,
    };
    // Where the time goes, for the log: a slow step shows which side to look at.
    const timing = { waiting: 0, inserting: 0, committing: 0 };
    let mark = performance.now();
    let unit = "line";
    for await (const message of prepareRows(plan, size)) {
      timing.waiting += performance.now() - mark;
      if (message.type === "opened") {
        unit = unitOf(message.info);
        noteOpened(result, message, log);
      } else if (message.type === "batch") {
        const insertStart = performance.now();
        loader.insert(message.values);
        timing.inserting += performance.now() - insertStart;
        valid += message.rows;
        result.rowsRead += message.read;
        if (message.rejects.length > 0) {
          result.rejected += message.rejects.length;
          const records = rejectRecords(message.rejects);
          if (!context.dryRun) store.addRejects(context.runId, result.id, records);
          for (const record of records) {
            if (kept.length < KEPT_REJECTS) kept.push(record);
            log.reject(record.location, record.column_name, record.value, record.reason);
            reasons.add(record.column_name, record.reason, record.location);
          }
        }
        const now = performance.now();
        if (now - lastProgress >= PROGRESS_EVERY_MS) {
          lastProgress = now;
          context.onProgress(result.id, result.rowsRead, now - started);
          log.flush();
        }
      } else {
        noteEnd(result, message, unit);
      }
      mark = performance.now();
    }
    const commitStart = performance.now();
    Object.assign(result, loader.counts(valid));
    loader.close();
    loader = undefined;
    result.topReasons = reasons.top();
    const limit = source.reject_limit ?? project.config.reject_limit;
    if (result.rowsRead > 0 && result.rejected / result.rowsRead > limit) {
      throw new PlutusError(
        `${result.rejected} of ${result.rowsRead} rows rejected (${
          percent(result.rejected / result.rowsRead)
        }), ` +
          `over the reject limit of ${percent(limit)}: nothing was loaded`,
        {
          code: "reject_limit",
          hint:
            `See the reasons with: plutus status ${context.runId}. Fix the file (or the source's mapping and clean rules), ` +
            "then run: plutus rerun. To accept more rejects, raise reject_limit in plutus.yaml.",
        },
      );
    }
    if (result.rowsRead === 0) result.notes.push("the file has a header but no data rows");
    if (context.dryRun) {
      store.rollback();
      result.status = "succeeded";
      return finish();
    }
    result.status = "succeeded";
    store.finishStep(result.id, outcome(result));
    store.commit();
    timing.committing = performance.now() - commitStart;
    const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    log.info(
      `timing: ${seconds(timing.waiting)} waiting for prepared rows, ${
        seconds(timing.inserting)
      } inserting, ` +
        `${seconds(timing.committing)} counting and committing`,
    );
  } catch (error) {
    loader?.close();
    store.rollback();
    result.status = "failed";
    result.inserted = result.updated = result.duplicate = 0;
    result.error = errorMessage(error);
    result.hint = error instanceof PlutusError
      ? error.hint
      : "This looks like a bug in Plutus; rerun with PLUTUS_DEBUG=1 and report the output.";
    if (!(error instanceof PlutusError)) {
      log.error(`unexpected: ${(error as Error).stack ?? error}`);
    }
    for (const note of result.notes) log.info(note);
    log.error(`failed: ${result.error}${result.hint ? ` (${result.hint})` : ""}`);
    if (!context.dryRun) recordFailure(store, context.runId, result, kept);
    return finish();
  }
  for (const note of result.notes) log.info(note);
  log.info(
    `succeeded: ${result.rowsRead} read, ${result.inserted} inserted, ${result.updated} updated, ` +
      `${result.duplicate} duplicate, ${result.rejected} rejected`,
  );
  await moveToArchive(context, file, result);
  return finish();
}

function recordFailure(
  store: SqliteStore,
  runId: number,
  result: StepResult,
  kept: RejectRecord[],
): void {
  store.begin();
  try {
    store.addRejects(runId, result.id, kept);
    store.finishStep(result.id, outcome(result));
    store.commit();
  } catch (error) {
    store.rollback();
    throw error;
  }
}

async function moveToArchive(
  context: StepContext,
  file: PlannedFile,
  result: StepResult,
): Promise<void> {
  try {
    result.archivedTo = await archiveFile(file.path, context.project.paths.archive, context.day);
    context.store.setArchivedTo(result.id, result.archivedTo);
    context.log.info(`moved to ${result.archivedTo}`);
  } catch (error) {
    // The rows are committed; the file only stays in inbox/, where its checksum makes the
    // next run skip it.
    const message = `loaded, but could not be moved to archive/: ${errorMessage(error)}`;
    result.notes.push(message);
    context.log.warn(message);
  }
}

function noteOpened(
  result: StepResult,
  message: Extract<PrepareMessage, { type: "opened" }>,
  log: RunLogger,
): void {
  const { info } = message;
  log.info(
    `read as ${info.format}` + (info.sheet ? `, sheet "${info.sheet}"` : "") +
      (info.encoding ? `, ${info.encoding}` : "") +
      (info.delimiter ? `, delimiter ${JSON.stringify(info.delimiter)}` : "") +
      `, header on line ${message.headerLine}: ${message.header.join(" | ")}`,
  );
  log.info(
    `columns: ${
      message.mapped.map((m) =>
        m.header !== undefined
          ? `${m.column} ← "${m.header}"`
          : m.constant !== undefined
          ? `${m.column} = ${JSON.stringify(m.constant)}`
          : `${m.column} (empty)`
      ).join(", ")
    }`,
  );
  if (info.skippedLines > 0) {
    result.notes.push(`skipped ${info.skippedLines} ${unitOf(info)}(s) above the header`);
  }
  if (message.unusedHeaders.length > 0) {
    log.info(`headers not loaded (no column maps them): ${message.unusedHeaders.join(", ")}`);
  }
}

/** Sheets have rows, text files lines. */
function unitOf(info: { sheet?: string }): string {
  return info.sheet === undefined ? "line" : "row";
}

function noteEnd(
  result: StepResult,
  message: Extract<PrepareMessage, { type: "end" }>,
  unit: string,
): void {
  if (message.stopped) {
    result.notes.push(
      `stopped at ${unit} ${message.stopped.line} (stop_at matched ${
        JSON.stringify(message.stopped.text)
      })` +
        (message.stopped.ignoredRows > 0
          ? `; ${message.stopped.ignoredRows} row(s) after it not read`
          : ""),
    );
  }
  if (message.blankRows > 0) result.notes.push(`${message.blankRows} blank row(s) skipped`);
  if (message.ignoredCells) {
    result.notes.push(
      `${message.ignoredCells} filled cell(s) right of the last header were not read: no column has a header there`,
    );
  }
}

function rejectRecords(rejects: readonly PreparedReject[]): RejectRecord[] {
  return rejects.flatMap((reject) =>
    reject.problems.map((problem) => ({
      location: reject.location,
      line: reject.line,
      column_name: problem.column,
      value: problem.value,
      reason: problem.reason,
      record: reject.record,
    }))
  );
}

function outcome(result: StepResult) {
  return {
    status: result.status,
    table_name: result.table ?? null,
    rows_read: result.rowsRead,
    rows_inserted: result.inserted,
    rows_updated: result.updated,
    rows_duplicate: result.duplicate,
    rows_rejected: result.rejected,
    error: result.error ?? null,
    hint: result.hint ?? null,
    archived_to: result.archivedTo ?? null,
  };
}

function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(ratio < 0.01 && ratio > 0 ? 2 : 1).replace(/\.0+$/, "")}%`;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1 << 20) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1 << 20)).toFixed(1)} MB`;
}
