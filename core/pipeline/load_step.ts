/**
 * Loading one step's rows, whatever they come from (a file, an API): all of them in ONE
 * transaction, with the table created or widened in the same transaction, rejects
 * recorded with their reasons, and a commit only when the rejects stay within the limit.
 * A step that fails leaves every table exactly as it was.
 *
 * @module
 */
import { RowCollector } from "../../util/gc.ts";
import { explainIoError } from "../../util/io_errors.ts";
import { listSome } from "../../util/list_text.ts";
import { errorMessage, PlutusError } from "../../util/errors.ts";
import type { SecretMask } from "../../config/env.ts";
import type { TableSchema } from "../../config/table_schema.ts";
import type { StepResult } from "../run/events.ts";
import type { Project } from "../project/project.ts";
import { ReasonCounter } from "../history/reject_summary.ts";
import type { RejectRecord, StepWork, Store } from "../store/mod.ts";
import { insertColumns } from "../store/row_layout.ts";
import { assertCompatible } from "../store/table_changes.ts";
import { KeyRepeatCounter, mergedKeysWarning } from "./repeated_keys.ts";
import type { Stored } from "../transform/validate_column.ts";
import { zoneLabel } from "../transform/header_unit.ts";
import type { PreparedReject, PrepareMessage } from "./prepare_file.ts";
import type { RunLogger } from "../run/log_writer.ts";

/** What every step of a run shares. */
export interface StepContext {
  project: Project;
  store: Store;
  log: RunLogger;
  runId: number;
  /** The archive folder of this run: YYYY-MM-DD in local time. */
  day: string;
  dryRun: boolean;
  /** A dry run's files that would have loaded, by checksum: the real run skips them. */
  dryLoaded: Map<string, string>;
  force: boolean;
  /** Ignore incremental state once (plutus run --full). */
  full: boolean;
  /** How long a file must have been left alone before it is read (see SETTLE_MS). */
  settleMs: number;
  /** Waits that long; tests pass a writer instead of a clock. */
  settleWait: (ms: number) => Promise<void>;
  onProgress: (stepId: number, rowsRead: number, elapsedMs: number) => void;
  onStarted: (stepId: number) => void;
  /** The step's rows are committed: from here on, stopping leaves them loaded. */
  onCommitted?: (stepId: number) => void;
}

/** What the loading part of a step needs from its kind. */
export interface LoadSpec {
  source: string;
  table: TableSchema;
  /** "file" or "response", for messages. */
  kind: string;
  messages: () => AsyncGenerator<PrepareMessage>;
  rejectLimit: number;
  /** A note when no rows came. */
  emptyNote: string;
  /**
   * Runs just before the commit: writes that must commit with the rows (an API source's
   * incremental state), or a last check that throws to load nothing (a file that changed).
   */
  beforeCommit?: (work: StepWork) => void | Promise<void>;
  started: number;
}

// Rejects are written inside the step's transaction as they come; these first ones are
// also kept in memory, so that a step that fails still records why.
const KEPT_REJECTS = 10_000;
const PROGRESS_EVERY_MS = 250;

/**
 * Loads the rows of one step into its table and records how it went in `result`.
 * Returns whether the rows were committed; never throws for bad data.
 */
export async function loadStep(
  context: StepContext,
  spec: LoadSpec,
  result: StepResult,
): Promise<boolean> {
  const { store, log } = context;
  const table = spec.table;
  const kept: RejectRecord[] = [];
  const reasons = new ReasonCounter();
  // Where the time goes, for the log: a slow step shows which side to look at.
  const timing = { waiting: 0, inserting: 0, committing: 0 };
  let commitStart = 0;
  let committed = false;
  try {
    const changes = await store.planTable(table);
    assertCompatible(table, changes);
    await store.transaction(async (work) => {
      await work.applyTable(table, changes);
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
      const loader = await work.loader(table, {
        source: spec.source,
        runId: context.runId,
        // with its milliseconds, as datetime columns are stored (PostgreSQL's timestamptz
        // shows them too): one form in both databases
        loadedAt: new Date().toISOString(),
      });
      const keys = keyRepeatCounter(table);
      let valid = 0;
      let lastProgress = performance.now();
      const collector = new RowCollector(); // memory stays flat on large files
      let mark = performance.now();
      let unit = "line";
      for await (const message of spec.messages()) {
        timing.waiting += performance.now() - mark;
        if (message.type === "opened") {
          unit = unitOf(message.info);
          noteOpened(result, message, log);
        } else if (message.type === "batch") {
          const insertStart = performance.now();
          await loader.insert(message.values);
          timing.inserting += performance.now() - insertStart;
          keys?.(message.values, message.rows);
          valid += message.rows;
          result.rowsRead += message.read;
          collector.count(message.read);
          if (message.rejects.length > 0) {
            result.rejected += message.rejects.length;
            const records = rejectRecords(message.rejects);
            if (!context.dryRun) await work.addRejects(context.runId, result.id, records);
            for (const record of records) {
              if (kept.length < KEPT_REJECTS) kept.push(record);
              log.reject(record.location, record.column_name, record.value, record.reason);
              reasons.add(record.column_name, record.reason, record.location);
            }
          }
          const now = performance.now();
          if (now - lastProgress >= PROGRESS_EVERY_MS) {
            lastProgress = now;
            context.onProgress(result.id, result.rowsRead, now - spec.started);
            log.flush();
          }
        } else {
          noteEnd(result, message, unit);
        }
        mark = performance.now();
      }
      commitStart = performance.now();
      Object.assign(result, await loader.counts(valid));
      result.topReasons = reasons.top();
      const limit = spec.rejectLimit;
      if (result.rowsRead > 0 && result.rejected / result.rowsRead > limit) {
        throw new PlutusError(
          `${result.rejected} of ${result.rowsRead} rows rejected (${
            percent(result.rejected / result.rowsRead)
          }), ` +
            `over the reject limit of ${percent(limit)}: nothing was loaded`,
          {
            code: "reject_limit",
            hint: context.dryRun
              // a dry run records nothing: no run to list the rejects of or to rerun
              ? `The top reasons are listed with this ${spec.kind}. Fix it (or the source's mapping and clean rules) ` +
                "and run again without --dry-run. To accept more rejects, raise reject_limit in plutus.yaml."
              : `See the reasons with: plutus rejects ${context.runId}. Fix the ${spec.kind} (or the source's mapping and clean rules), ` +
                "then run: plutus rerun. To accept more rejects, raise reject_limit in plutus.yaml.",
          },
        );
      }
      if (result.rowsRead === 0) result.notes.push(spec.emptyNote);
      const merged = keys && mergedKeysWarning(table, result.rowsRead, keys.counter.repeats());
      if (merged) result.warnings.push(merged);
      result.status = "succeeded";
      // a dry run keeps its rows for its later steps; the whole dry run is rolled back at its end
      if (context.dryRun) return;
      await spec.beforeCommit?.(work);
      maskStep(result, context.project.secrets);
      await work.finishStep(result);
    });
    committed = !context.dryRun;
    // committed into the file opened: still the database at its path? (deleted meanwhile,
    // the rows are gone with it: nothing may report success or archive the file)
    if (committed) await store.checkDatabaseFile?.();
    if (!context.dryRun) {
      context.onCommitted?.(result.id);
      timing.committing = performance.now() - commitStart;
      const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
      log.info(
        `timing: ${seconds(timing.waiting)} waiting for prepared rows, ${
          seconds(timing.inserting)
        } inserting, ` +
          `${seconds(timing.committing)} counting and committing`,
      );
    }
  } catch (thrown) {
    // the rows are in: what failed after (a full disk refusing the log) is not this step's
    if (committed) {
      if (thrown instanceof PlutusError && thrown.code === "db_replaced") {
        throw new PlutusError(`${spec.source} ${result.input}: ${thrown.message}`, {
          code: thrown.code,
          hint: thrown.hint,
          cause: thrown,
        });
      }
      throw afterCommitError(`${spec.source} ${result.input}`, thrown, {
        file: spec.kind === "file",
      });
    }
    const error = explainIoError(thrown) ?? thrown;
    result.status = "failed";
    result.inserted = result.updated = result.duplicate = 0;
    result.topReasons = reasons.top();

    result.error = errorMessage(error);
    result.hint = error instanceof PlutusError
      ? error.hint
      : "This looks like a bug in Plutus; rerun with PLUTUS_DEBUG=1 and report the output.";
    if (!(error instanceof PlutusError)) {
      log.error(`unexpected: ${(error as Error).stack ?? error}`);
    }
    for (const note of result.notes) log.info(note);
    log.error(`failed: ${result.error}${result.hint ? ` (${result.hint})` : ""}`);
    if (!context.dryRun) await recordFailure(context, result, kept);
    else maskStep(result, context.project.secrets); // masked for the screens all the same
    return false;
  }
  try {
    for (const note of result.notes) log.info(note);
    for (const warning of result.warnings) log.warn(warning);
    log.info(
      `succeeded: ${result.rowsRead} read, ${result.inserted} inserted, ${result.updated} updated, ` +
        `${result.duplicate} duplicate, ${result.rejected} rejected`,
    );
  } catch (error) {
    if (!committed) throw error;
    throw afterCommitError(`${spec.source} ${result.input}`, error, { file: spec.kind === "file" });
  }
  return true;
}

/**
 * What failed after a step's commit — writing the log, the run's record — said as it is:
 * the rows are loaded (nothing was rolled back, nothing needs loading again), the file was
 * moved to archive/ or still waits in inbox/, and the run's record may be unfinished.
 */
export function afterCommitError(
  what: string,
  thrown: unknown,
  options: { archivedTo?: string; file?: boolean } = {},
): PlutusError {
  const { archivedTo, file = true } = options;
  const known = explainIoError(thrown);
  const cause = known ? known.message : errorMessage(thrown);
  const where = archivedTo
    ? ` and the file was moved to ${archivedTo}`
    : file
    ? " (the file, if still in inbox/, is known as loaded)"
    : "";
  return new PlutusError(
    `${what}: its rows were loaded (committed)${where}, but then writing the run's log or ` +
      `record failed: ${cause}`,
    {
      code: known?.code ?? "after_commit",
      hint:
        `Nothing was rolled back and nothing needs loading again. ${
          known?.code === "disk_full"
            ? "Free some space on the disk that holds the project folder"
            : "Put right what the error names"
        }, then run plutus status: this run may show as interrupted, with the rows it loaded. ` +
        "plutus run finishes what is left (a loaded file still in inbox/ moves to archive/).",
      cause: thrown,
    },
  );
}

async function recordFailure(
  context: StepContext,
  result: StepResult,
  kept: RejectRecord[],
): Promise<void> {
  const { store, runId } = context;
  maskStep(result, context.project.secrets);
  try {
    await store.transaction(async (work) => {
      await work.addRejects(runId, result.id, kept);
      await work.finishStep(result);
    });
  } catch (error) {
    throw explainIoError(error) ?? error;
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
      (message.header.length === 0
        ? ""
        : `, header on ${unitOf(info)} ${message.headerLine}: ${
          listSome(message.header, 100, " | ")
        }`),
  );
  log.info(
    `columns: ${
      message.mapped.map((m) =>
        m.header !== undefined
          ? `${m.column} ← "${m.header}"${
            m.timeZone ? ` (read in ${zoneLabel(m.timeZone)}, as its header says)` : ""
          }`
          : m.constant !== undefined
          ? `${m.column} = ${JSON.stringify(m.constant)}`
          : `${m.column} (empty)`
      ).join(", ")
    }`,
  );
  for (const m of message.mapped.filter((m) => m.zoneUnread)) {
    result.warnings.push(
      `${m.column} ← "${m.header}": the header names an offset of part of an hour, which ` +
        `Plutus does not read from a header; its times without an offset were read in the ` +
        `source's or the project's timezone. If they are not, set timezone: on the source ` +
        `(an IANA name such as Asia/Kolkata) and load the file again with --force`,
    );
  }
  if (info.skippedLines > 0) {
    result.notes.push(`skipped ${info.skippedLines} ${unitOf(info)}(s) above the header`);
  }
  if (message.unusedHeaders.length > 0) {
    log.info(`headers not loaded (no column maps them): ${listSome(message.unusedHeaders, 100)}`);
  }
  // A column without a name cannot be mapped; say so, in case it holds data.
  const unnamed = message.header.flatMap((h, i) => (h === "" ? [String(i + 1)] : []));
  if (unnamed.length > 0 && unnamed.length < message.header.length) {
    result.notes.push(
      `column${unnamed.length > 1 ? "s" : ""} ${listSome(unnamed, 10)} of the header ${
        unnamed.length > 1 ? "have" : "has"
      } no name: ${unnamed.length > 1 ? "their" : "its"} values are not loaded (give ${
        unnamed.length > 1 ? "them names" : "it a name"
      } in the file to map ${unnamed.length > 1 ? "them" : "it"})`,
    );
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
  const stopped = message.stopped;
  if (stopped?.tableEnd) {
    result.notes.push(
      `another table of the export starts at ${unit} ${stopped.line} (${
        JSON.stringify(stopped.text)
      }): reading stopped there` +
        (stopped.ignoredRows > 0 ? `; its ${stopped.ignoredRows} row(s) were not read` : ""),
    );
  } else if (stopped && (stopped.looksLikeData || stopped.dataRowsAfter > 0)) {
    // stop_at may have matched a row of data ("^Total" stops at a campaign "Totally Free
    // Shipping"): the stop row, or rows after it, look like data
    const where = `stop_at matched ${unit} ${stopped.line} (${JSON.stringify(stopped.text)})`;
    const after = `${stopped.dataRowsAfter} of the ${stopped.ignoredRows} ${unit}(s) after it`;
    result.warnings.push(
      (stopped.looksLikeData
        ? `${where}, which looks like a row of data, and reading stopped there` +
          (stopped.dataRowsAfter > 0
            ? `; ${after} look like data too: none of them was read.`
            : `: it was not read${
              stopped.ignoredRows > 0 ? `, nor the ${stopped.ignoredRows} ${unit}(s) after it` : ""
            }.`)
        : `${where} and reading stopped there, but ${after} look like data: they were not ` +
          `read.`) +
        ` If that is data, make stop_at match the footer only (e.g. "^Total:" instead of ` +
        `"^Total"), then load the file again with plutus upload FILE --force`,
    );
  } else if (stopped) {
    result.notes.push(
      `stopped at ${unit} ${stopped.line} (stop_at matched ${JSON.stringify(stopped.text)})` +
        (stopped.ignoredRows > 0 ? `; ${stopped.ignoredRows} row(s) after it not read` : ""),
    );
  }
  if (message.footer) {
    const { line, rows, text, lateLabel } = message.footer;
    const what = rows === 1
      ? `${unit} ${line} (${JSON.stringify(text)}) looks`
      : `the ${rows} ${unit}s from ${unit} ${line} on (${JSON.stringify(text)}) look`;
    if (lateLabel) {
      // a "Total" after empty first columns: most likely totals, but it could be data
      result.warnings.push(
        `${what} like the report's footer, a total after empty first column(s): not read, ` +
          `not counted. If that is data, fill its first column(s) in the file and load it ` +
          `again (plutus upload FILE --force)`,
      );
    } else {
      result.notes.push(
        `${what} like the report's footer: not read, not counted (if that is data, fix the file)`,
      );
    }
  }
  if (message.blankRows > 0) result.notes.push(`${message.blankRows} blank row(s) skipped`);
  if (message.uncomputedFormulas) {
    result.warnings.push(
      `${message.uncomputedFormulas} formula cell(s) were saved without their computed value ` +
        `and were read as empty: open the file in Excel or LibreOffice, let it calculate, save ` +
        `it, and load it again (plutus upload FILE --force)`,
    );
  }
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

/**
 * Masks every text of a step in place, before the store and the screens get it: an API's
 * answer may quote the key anywhere (an error body, its field names). Returns the step.
 */
export function maskStep(result: StepResult, mask: SecretMask): StepResult {
  const clean = (text: string) => mask.mask(text);
  if (result.error !== undefined) result.error = clean(result.error);
  if (result.hint !== undefined) result.hint = clean(result.hint);
  result.notes = result.notes.map(clean);
  result.warnings = result.warnings.map(clean);
  return result;
}

/** Counts the keys of prepared rows (flat values, as the loader takes them) as they pass. */
function keyRepeatCounter(table: TableSchema) {
  if (!table.key) return undefined;
  const columns = insertColumns(table);
  const width = columns.length;
  const [first, ...more] = table.key.map((name) => columns.indexOf(name));
  const counter = new KeyRepeatCounter();
  const count = (values: readonly Stored[], rows: number) => {
    for (let at = 0; at < rows * width; at += width) {
      let key = String(values[at + first!]);
      for (const index of more) key += `\u0000${values[at + index]}`;
      counter.add(key);
    }
  };
  return Object.assign(count, { counter });
}

function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(ratio < 0.01 && ratio > 0 ? 2 : 1).replace(/\.0+$/, "")}%`;
}
