/**
 * What is wrong now: the problems a later run has not put right yet — sources that cannot
 * run as configured, files failing in inbox/, API sources whose last step failed — and, for
 * any past failure, the later run that resolved it. `plutus status` and the GUI's Run page
 * both ask here, so they always agree.
 *
 * @module
 */
import { errorMessage, PlutusError } from "../../util/errors.ts";
import { folderProblem, scanInbox } from "../project/inbox.ts";
import { brokenReadsFiles, type Project } from "../project/project.ts";
import type { ProjectPaths } from "../project/project_paths.ts";
import type { RunHistory, StepSummary } from "../store/mod.ts";
import { openDriver } from "../store/open_driver.ts";

/** One thing that needs the analyst, with what to do about it. */
export interface OpenProblem {
  /** `plutus.yaml`, `source hubspot` or `inbox/leads.csv`. */
  subject: string;
  error: string;
  hint?: string;
  /** The run in which it last failed, when a run saw it. */
  runId?: number;
  /** How that run ended for it: a file no source reads was skipped, not failed. */
  runStatus?: "failed" | "skipped" | "interrupted";
  /** Once fixed, this retries it: `plutus rerun 12`, `plutus run`, `plutus check`. */
  retry: string;
  /** The run a rerun would repeat, when `retry` is a rerun. */
  rerunOf?: number;
}

/** The open problems, and the files that wait in inbox/ without having failed. */
export interface OpenProblems {
  problems: OpenProblem[];
  waiting: string[];
}

/** A step that did not load what it was given. */
export function stepFailed(step: Pick<StepSummary, "status" | "error" | "archivedTo">): boolean {
  return step.status === "failed" || step.status === "interrupted" ||
    (step.status === "skipped" && step.error !== undefined && step.archivedTo === undefined);
}

/** How a step that did not load ended, in words: "failed", "skipped" or "interrupted". */
function problemStatus(step: Pick<StepSummary, "status">): OpenProblem["runStatus"] {
  return step.status === "skipped" || step.status === "interrupted" ? step.status : "failed";
}

/**
 * Whether a step pulled an API source (else it read a file): by the source's kind in the
 * configuration, or — for a source no longer configured — by its input being a URL.
 */
export function isApiStep(
  step: Pick<StepSummary, "source" | "input">,
  project?: Project,
): boolean {
  const source = project?.config.sources[step.source];
  if (source) return source.kind === "api";
  const broken = project?.brokenSources.get(step.source);
  if (broken) return !brokenReadsFiles(broken);
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(step.input);
}

/** How a later run put a failed file or API step right. */
export interface Resolution {
  runId: number;
  /**
   * Set when the file was set aside, not loaded: the command that did it, "plutus discard"
   * (or "plutus upload", which replaced it).
   */
  setAsideBy?: string;
}

/**
 * For each failed step of `steps`, the id of the later run that put it right: the first
 * later step that loaded the same file (by name), or — for an API source — that succeeded
 * for the same source. A later step that skipped the file because its content was loaded
 * before puts right only a step that was not forced: a forced step was asked to load it
 * again (after a rule changed), which that skip did not do.
 */
export async function stepResolutions(
  history: RunHistory,
  steps: readonly StepSummary[],
  project?: Project,
): Promise<Map<number, number>> {
  const runs = new Map<number, number>();
  for (const [id, { runId }] of await stepResolutionDetails(history, steps, project)) {
    runs.set(id, runId);
  }
  return runs;
}

/** Like stepResolutions(), and whether each resolution set the file aside instead. */
export async function stepResolutionDetails(
  history: RunHistory,
  steps: readonly StepSummary[],
  project?: Project,
): Promise<Map<number, Resolution>> {
  const resolved = new Map<number, Resolution>();
  for (const step of steps) {
    if (!stepFailed(step)) continue;
    const later = isApiStep(step, project)
      ? await history.laterLoad(step.id, { source: step.source })
      : await history.laterLoad(step.id, { input: step.input, loaded: step.forced });
    if (later) {
      const setAside = later.status === "skipped" && later.archivedTo !== undefined;
      const command = setAside
        ? (await history.run(later.runId))?.command?.split(" ")[0]
        : undefined;
      resolved.set(step.id, {
        runId: later.runId,
        setAsideBy: setAside ? `plutus ${command ?? "discard"}` : undefined,
      });
    }
  }
  return resolved;
}

/**
 * The problems that are open now. Give the project when it opened; when it did not, give
 * the error it threw: that is the first problem, and the runs' records still tell the rest.
 */
export async function openProblems(
  paths: ProjectPaths,
  options: { project?: Project; configError?: unknown } = {},
): Promise<OpenProblems> {
  const { project } = options;
  const problems: OpenProblem[] = [];
  if (options.configError !== undefined) {
    const error = options.configError;
    problems.push({
      subject: "plutus.yaml",
      error: errorMessage(error).split("\n").join("; "),
      hint: error instanceof PlutusError ? error.hint : undefined,
      retry: "plutus check",
    });
  }
  for (const [name, broken] of project?.brokenSources ?? []) {
    problems.push({
      subject: `source ${name}`,
      error: project!.secrets.mask(
        `cannot run as configured: ${broken.error.message.split("\n").join("; ")}`,
      ),
      hint: broken.error.hint,
      retry: `plutus check, then plutus run --source ${name}`,
    });
  }
  const { files: inbox, refused, folders } = await scanInbox(paths.inbox);
  const apiSources = Object.entries(project?.config.sources ?? {})
    .filter(([, source]) => source.kind === "api").map(([name]) => name);
  const found = await openDriver(paths.database).readHistory(async (history) => {
    const waiting: string[] = [];
    const failing: OpenProblem[] = [];
    for (const name of inbox) {
      const step = await history.lastStep({ input: name });
      if (!step || !stepFailed(step)) {
        waiting.push(name);
        continue;
      }
      // a step with a source can be rerun; one no source took needs plutus run
      const rerun = step.source !== "" && step.status !== "skipped";
      failing.push({
        subject: `inbox/${name}`,
        error: step.error ?? step.status,
        hint: step.hint,
        runId: step.runId,
        runStatus: problemStatus(step),
        retry: rerun ? `plutus rerun ${step.runId}` : "plutus run",
        rerunOf: rerun ? step.runId : undefined,
      });
    }
    // a link or a pipe is never read: a problem whether or not a run has refused it yet
    for (const entry of refused) {
      const step = await history.lastStep({ input: entry.name });
      failing.push({
        subject: `inbox/${entry.name}`,
        error: entry.reason,
        hint: entry.hint,
        runId: step && stepFailed(step) ? step.runId : undefined,
        runStatus: step && stepFailed(step) ? problemStatus(step) : undefined,
        retry: "plutus run",
      });
    }
    for (const name of apiSources) {
      const step = await history.lastStep({ source: name });
      if (!step || !stepFailed(step)) continue;
      failing.push({
        subject: `source ${name}`,
        error: step.error ?? step.status,
        hint: step.hint,
        runId: step.runId,
        runStatus: problemStatus(step),
        retry: `plutus rerun ${step.runId}`,
        rerunOf: step.runId,
      });
    }
    return { waiting, failing };
  });
  problems.push(
    ...found?.failing ??
      refused.map((entry) => ({
        subject: `inbox/${entry.name}`,
        error: entry.reason,
        hint: entry.hint,
        retry: "plutus run",
      })),
  );
  // a folder's files are never read, whatever the history
  for (const folder of folders) {
    const { reason, hint } = folderProblem(folder);
    problems.push({ subject: `inbox/${folder}/`, error: reason, hint, retry: "plutus run" });
  }
  return { problems, waiting: found?.waiting ?? inbox };
}
