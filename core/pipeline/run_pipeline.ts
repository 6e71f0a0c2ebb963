/**
 * A run: take the project's lock, record the run, ingest each file (one step each, in its
 * own transaction), log everything, and report through events. The CLI and the GUI both
 * start runs here.
 *
 * @module
 */
import { RunLockedError } from "../../util/errors.ts";
import { newStepResult, type RunListener, type RunResult, type StepResult } from "../run/events.ts";
import {
  finishInterruptedMoves,
  folderProblem,
  matchesFiles,
  type RefusedEntry,
  removeStaleParts,
  scanInbox,
} from "../project/inbox.ts";
import type { Project } from "../project/project.ts";
import type { Store, StoreDriver } from "../store/mod.ts";
import { openDriver } from "../store/open_driver.ts";
import { nowIso } from "../../util/time.ts";
import { explainIoError } from "../../util/io_errors.ts";
import { type FileRequest, planFiles, recognizeRejectsFiles } from "./plan_files.ts";
import { runFileStep, SETTLE_MS } from "./run_file_step.ts";
import { stepFailed } from "../history/open_problems.ts";
import { runApiStep } from "./run_api_step.ts";
import { brokenApiNames, runBrokenSourceStep } from "./broken_source_step.ts";
import { maskStep, type StepContext } from "./load_step.ts";
import { NullLog, RunLog, type RunLogger } from "../run/log_writer.ts";
import { localStamp } from "../../util/time.ts";

/** What to run and how. */
export interface RunOptions {
  trigger: "cli" | "gui";
  /** How the run was asked for, kept with it: "run", "upload", "rerun 4". */
  command: string;
  /** Files in inbox/ to ingest; all waiting files when absent. */
  files?: FileRequest[];
  /** Only these sources. */
  sources?: string[];
  /** Load files even if the same content was loaded before. */
  force?: boolean;
  /** Report what would happen, change nothing. */
  dryRun?: boolean;
  rerunOf?: number;
  /** API sources to run; all of them (within `sources`) when absent and no files are given. */
  apis?: string[];
  /** Ignore API sources' incremental state this once. */
  full?: boolean;
  /** How long a waiting file must have been left alone before it is read; SETTLE_MS. */
  settleMs?: number;
  /** How the run waits for that (tests drive a writer here instead of a clock). */
  settleWait?: (ms: number) => Promise<void>;
  onEvent?: RunListener;
}

/** Runs the pipeline once; throws RunLockedError when another run holds the lock. */
export async function runPipeline(project: Project, options: RunOptions): Promise<RunResult> {
  const driver = openDriver(project.paths.database);
  const lock = await driver.tryLock(
    `${options.trigger === "gui" ? "the GUI" : "the command line"} (plutus ${
      options.command ?? "run"
    })`,
  );
  if (!lock) throw await lockedError(driver);
  const emit: RunListener = options.onEvent ?? (() => {});
  const dryRun = options.dryRun === true;
  let store;
  try {
    store = await driver.openWriter({ dryRun });
  } catch (error) {
    await lock.release();
    throw error;
  }
  const startedAt = new Date();
  const warnings: string[] = [];
  let runId = 0;
  let log: RunLogger = new NullLog();
  try {
    const interrupted = dryRun ? [] : await store.markInterrupted();
    if (!dryRun) await removeStaleParts(project.paths.inbox);
    if (!dryRun) await finishInterruptedMoves(project.paths.inbox, project.paths.archive);

    for (const id of interrupted) {
      warnings.push(
        `run ${id} was interrupted before it finished; its unfinished step loaded nothing`,
      );
    }
    const scanned = options.files ? undefined : await scanInbox(project.paths.inbox);
    const requests = options.files ?? scanned!.files.map((name) => ({ name }));
    const { planned, unplanned } = planFiles(
      project,
      await recognizeRejectsFiles(project, requests),
      options.sources,
    );
    for (const folder of scanned?.folders ?? []) {
      const { reason, hint } = folderProblem(folder);
      warnings.push(`${reason}. ${hint}`);
    }
    const refused = (scanned?.refused ?? []).filter((entry) =>
      wantedBy(project, entry, options.sources)
    );
    const apis = options.apis ??
      (options.files
        ? []
        : [...apiSourceNames(project), ...brokenApiNames(project)].filter((name) =>
          !options.sources || options.sources.includes(name)
        ));
    // a broken source that has no step in this run is still said, once, with its fix
    for (const [name, broken] of project.brokenSources) {
      if (options.files || (options.sources && !options.sources.includes(name))) continue;
      if (apis.includes(name) || planned.some((file) => file.source === name)) continue;
      warnings.push(
        project.secrets.mask(
          `source ${name} cannot run as configured: ${
            broken.error.message.split("\n").join("; ")
          }. ${broken.error.hint ?? ""}`.trimEnd(),
        ),
      );
    }
    if (!dryRun) {
      runId = await store.startRun(
        options.trigger,
        options.command,
        options.rerunOf,
        options.full ? "full" : undefined,
      );
      try {
        log = RunLog.open(project.paths.logs, runId, startedAt, project.secrets);
      } catch (error) {
        await store.finishRun(runId, "failed");
        throw error;
      }
    }
    log.info(
      `run ${runId} started by ${options.trigger}: plutus ${options.command}${
        dryRun ? " (dry run)" : ""
      }`,
    );
    // a source's own timezone: is read in it, and the log says so beside the project's
    const ownZones = Object.entries(project.config.sources)
      .filter(([, source]) => source.timezone !== undefined)
      .map(([name, source]) => `${name}: ${source.timezone}`);
    log.info(
      `datetimes without an offset are read in time zone ${project.config.timezone}` +
        (ownZones.length > 0 ? `, except by sources with their own (${ownZones.join(", ")})` : ""),
    );
    if (!dryRun) {
      const converted = await store.convertDatetimes(
        project.tables.values(),
        project.config.timezone,
      );
      if (converted.length > 0) {
        warnings.push(
          `converted datetimes stored by an earlier version to UTC (once; see docs/upgrading.md): ${
            converted.map((c) => `${c.table}.${c.column} ${c.values}`).join(", ")
          }`,
        );
      }
    }
    for (const warning of warnings) log.warn(warning);
    emit({
      type: "run_started",
      runId,
      trigger: options.trigger,
      planned: [
        ...apis.map((name) => ({ source: name, input: maskedUrl(project, name) })),
        ...planned.map((file) => ({ source: file.source, input: file.fileName })),
      ],
    });

    const steps: StepResult[] = [];
    for (const file of unplanned) {
      // a file two sources claim: plutus.yaml is at fault, not the file — a failed step, an
      // open problem until fixed; a file no source reads is only skipped
      const step = unplannedStep(runId, file.fileName, file.reason, file.hint, file.conflict);
      if (!dryRun) {
        step.id = await store.startStep(runId, "", file.fileName, null);
        await store.finishStep(maskStep(step, project.secrets));
      }
      if (file.conflict) log.error(`${file.reason}. ${file.hint}`);
      else {
        log.warn(`${file.reason}. ${file.hint}`);
        emit({ type: "warning", runId, message: `${file.reason}. ${file.hint}` });
      }
      steps.push(step);
    }
    for (const entry of refused) {
      const step = unplannedStep(runId, entry.name, entry.reason, entry.hint, true);
      if (!dryRun) {
        step.id = await store.startStep(runId, "", entry.name, null);
        await store.finishStep(maskStep(step, project.secrets));
      }
      log.error(`${entry.reason}. ${entry.hint}`);
      steps.push(step);
    }
    // API sources first (they pull), then the files waiting in inbox/.
    // A source set aside for its own configuration problem fails its step; the rest run.
    const broken = project.brokenSources;
    const forcedBefore = options.force ? new Map<string, number>() : await forcedFailures(
      driver,
      planned.map((file) => file.fileName),
    );
    const work: {
      source: string;
      input: string;
      run: (c: StepContext) => Promise<StepResult>;
      forcedIn?: number;
    }[] = [
      ...apis.map((name) => ({
        source: name,
        input: maskedUrl(project, name),
        run: (c: StepContext) =>
          broken.has(name)
            ? runBrokenSourceStep(c, name, maskedUrl(project, name))
            : runApiStep(c, name),
      })),
      ...planned.map((file) => ({
        source: file.source,
        input: file.fileName,
        forcedIn: forcedBefore.get(file.fileName),
        run: (c: StepContext) =>
          broken.has(file.source)
            ? runBrokenSourceStep(c, file.source, file.fileName)
            : runFileStep(c, file),
      })),
    ];
    const dryLoaded = new Map<string, string>();
    const runSteps = async () => {
      for (const [index, item] of work.entries()) {
        const context: StepContext = {
          project,
          store,
          log,
          runId,
          day: localStamp(startedAt).slice(0, 10),
          dryRun,
          dryLoaded,
          force: options.force === true || item.forcedIn !== undefined,
          full: options.full === true,
          settleMs: options.settleMs ?? settleFromEnv(),
          settleWait: options.settleWait ?? ((ms) => new Promise((done) => setTimeout(done, ms))),
          onStarted: (stepId) =>
            emit({
              type: "step_started",
              runId,
              stepId,
              source: item.source,
              input: item.input,
              index,
            }),
          onCommitted: (stepId) =>
            emit({ type: "step_committed", runId, stepId, source: item.source, input: item.input }),
          onProgress: (stepId, rowsRead, elapsedMs) =>
            emit({
              type: "step_progress",
              runId,
              stepId,
              source: item.source,
              input: item.input,
              rowsRead,
              elapsedMs,
            }),
        };
        if (item.forcedIn !== undefined) {
          log.info(
            `${item.input}: its last step (run ${item.forcedIn}) had --force: so has this one`,
          );
        }
        const step = await item.run(context);
        if (dryRun && step.hint) step.hint = dryRunHint(step.hint);
        if (item.forcedIn !== undefined && step.status === "succeeded") {
          step.notes.push(
            `loaded with --force, as in run ${item.forcedIn} where it failed (its content may have been loaded before)`,
          );
        }
        log.context = "";
        steps.push(step);
        emit({ type: "step_finished", runId, step });
        for (const message of step.warnings) {
          emit({ type: "warning", runId, message: `${step.source} ${step.input}: ${message}` });
        }
      }
    };
    // a dry run's steps see what the steps before them would have done; nothing is kept
    if (dryRun) await store.dryRun(runSteps);
    else await runSteps();

    const status = steps.some((step) => step.status === "failed") ? "failed" : "succeeded";
    if (!dryRun) await store.finishRun(runId, status);
    const result: RunResult = {
      id: runId,
      status,
      startedAt: nowIso(startedAt),
      finishedAt: nowIso(),
      steps,
      logFile: log.relativePath,
      warnings,
      dryRun,
      durationMs: Date.now() - startedAt.getTime(),
    };
    log.info(
      `run ${runId} ${status}: ${
        steps.filter((s) => s.status === "succeeded").length
      } step(s) succeeded, ` +
        `${steps.filter((s) => s.status === "failed").length} failed, ${
          steps.filter((s) => s.status === "skipped").length
        } skipped`,
    );
    emit({ type: "run_finished", run: result });
    return result;
  } catch (thrown) {
    const error = explainIoError(thrown) ?? thrown;
    if (runId > 0) {
      const cause = project.secrets.mask((error as Error).message);
      await recordStop(driver, store, runId, cause);
      try {
        log.error(`run stopped: ${cause}`);
      } catch {
        // the log cannot be written either (a full disk): the error thrown says it all
      }
    }
    throw error;
  } finally {
    try {
      log.close();
    } catch {
      // the log's last lines could not be written (disk full): the error above says why
    }
    await store.close();
    await lock.release();
  }
}

/**
 * Marks a run that an error stopped as failed, its unfinished step with the error. When
 * the run's own connection is gone (a PostgreSQL server restarted, an administrator ended
 * the session), a fresh one records it: the next run would otherwise mark it "interrupted",
 * as if the process had died. A full disk, or a server still down, may refuse even this;
 * the next run then marks it interrupted.
 */
async function recordStop(
  driver: StoreDriver,
  store: Store,
  runId: number,
  cause: string,
): Promise<void> {
  try {
    await store.finishRun(runId, "failed", cause);
    return;
  } catch {
    // the connection is gone, or the database refuses: try once more, afresh
  }
  try {
    await driver.recordStop(runId, cause);
  } catch {
    // left to the next run (markInterrupted)
  }
}

/**
 * A dry run's step records nothing, so "plutus rerun" (which reruns the last real run) is
 * no next step for it: the same command without --dry-run is.
 */
export function dryRunHint(hint: string): string {
  return hint.replace(
    /\bplutus rerun(?: \d+)?(?: \(or plutus run\))?/g,
    "the same command without --dry-run",
  );
}

/** Whether a refused inbox entry concerns the sources asked for (all, when none was). */
function wantedBy(project: Project, entry: RefusedEntry, only?: readonly string[]): boolean {
  if (!only) return true;
  return only.some((name) => {
    const source = project.config.sources[name];
    return source?.kind === "file" && matchesFiles(entry.name, source.files);
  });
}

/** SETTLE_MS, or PLUTUS_SETTLE_MS when set (tests that write files and run at once). */
function settleFromEnv(): number {
  const value = Number(Deno.env.get("PLUTUS_SETTLE_MS"));
  return Number.isFinite(value) && value >= 0 && Deno.env.get("PLUTUS_SETTLE_MS") !== ""
    ? value
    : SETTLE_MS;
}

/** The names of the project's API sources. */
export function apiSourceNames(project: Project): string[] {
  return Object.entries(project.config.sources).filter(([, source]) => source.kind === "api").map((
    [name],
  ) => name);
}

function maskedUrl(project: Project, name: string): string {
  const source = project.config.sources[name];
  const url = source?.kind === "api" ? source.url : project.brokenSources.get(name)?.url;
  return url ? project.secrets.maskUrl(url) : name;
}

/**
 * The files among `names` whose last step failed in a run with --force, with that run: a
 * run retries them forced, as plutus rerun would. Else the file would be skipped as loaded
 * already (its content was, before the rule was changed) and the fix never loaded.
 */
async function forcedFailures(
  driver: StoreDriver,
  names: readonly string[],
): Promise<Map<string, number>> {
  const forced = new Map<string, number>();
  if (names.length === 0) return forced;
  await driver.readHistory(async (history) => {
    for (const name of names) {
      const step = await history.lastStep({ input: name });
      if (step?.forced && stepFailed(step)) {
        forced.set(name, step.runId);
      }
    }
  });
  return forced;
}

/** The step of a file no source reads (skipped), or that no source can (failed). */
function unplannedStep(
  runId: number,
  input: string,
  error: string,
  hint: string,
  failed?: boolean,
): StepResult {
  const step = newStepResult("", input, { runId, status: failed ? "failed" : "skipped" });
  return Object.assign(step, { error, hint, warnings: [] });
}

// A lock holder older than this with no run recorded is no run starting up.
const ORPHAN_AFTER_MS = 30_000;

/** Names the run that holds the lock: from the database, or from the lock file. */
async function lockedError(driver: StoreDriver): Promise<RunLockedError> {
  let holder = "another run is in progress";
  let running;
  try {
    running = await driver.readHistory((history) => history.runningRun());
    if (running) {
      holder += `: run ${running.id}, started ${localStamp(new Date(running.startedAt))} from the ${
        running.trigger === "gui" ? "GUI" : "command line"
      } (plutus ${running.command ?? "run"})`;
    }
  } catch {
    // the database may not exist yet
  }
  // the holder writes who it is right after it takes the lock: give it a moment
  const locker = await driver.lockHolder(500);
  if (holder === "another run is in progress" && locker?.what) {
    // it took the lock a moment ago and has not recorded its run yet
    holder += `: started ${localStamp(new Date(locker.since))} from ${locker.what}`;
  }
  // no run going, and a holder that took the lock a while ago: the session of a run whose
  // link to the server broke, which the server has not noticed yet (its keepalives). A
  // SQLite lock dies with its process; a long `db copy` holds one with no run going.
  const orphan = driver.location.kind === "postgres" && !running && locker !== undefined &&
    Date.now() - Date.parse(locker.since) > ORPHAN_AFTER_MS;
  return new RunLockedError(holder, {
    hint: orphan
      ? "plutus status shows no run going: this is the session of a run whose connection to the database broke, and the server lets it go once it notices (within about two minutes). Try again then."
      : "Wait for it to finish (plutus status shows it), then try again. Only one run at a time can load data.",
  });
}
