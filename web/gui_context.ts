/**
 * What every page of the GUI shares: the `Gui` (the project, its secrets, the live run) that
 * app.ts puts on each request's context, the sub-app type pages are built as, and how an
 * error is shown. Pages import this module, never app.ts.
 *
 * @module
 */
import { Hono } from "hono";
import { ConfigError, errorMessage, PlutusError } from "../util/errors.ts";
import { openProject, type Project, projectFingerprint } from "../core/project/project.ts";
import type { RunOptions } from "../core/pipeline/run_pipeline.ts";
import { RunBroadcaster } from "./run_broadcaster.ts";
import type { Secrets } from "./security.ts";

/** What every page handler shares. */
export interface Gui {
  root: string;
  secrets: Secrets;
  broadcaster: RunBroadcaster;
  /**
   * Files this GUI received into inbox/, by name, with their SHA-256: a run started for
   * them knows they are whole (no wait for a writer) and that they are still what came in.
   */
  uploaded: Map<string, string>;
  /** The project as its files say now (they may have been edited since the last request). */
  project(): Promise<Project>;
  /** Starts a run in the background; resolves once it started, or with why it could not. */
  startRun(
    options: Omit<RunOptions, "trigger" | "onEvent">,
  ): Promise<{ error?: string; hint?: string }>;
}

/** The context of every GUI request: `c.var.gui`. */
export type GuiEnv = { Variables: { gui: Gui } };

/** A page (or a group of pages) of the GUI: a Hono sub-app that app.ts mounts. */
export function pageApp(): Hono<GuiEnv> {
  return new Hono<GuiEnv>();
}

/** The `Gui` of the project in `root`. */
export function createGui(root: string, secrets: Secrets): Gui {
  const broadcaster = new RunBroadcaster();
  return {
    root,
    secrets,
    broadcaster,
    uploaded: new Map(),
    project: cachedProject(root),
    async startRun(options) {
      let project: Project;
      try {
        project = await openProject(root);
      } catch (error) {
        return described(error);
      }
      let started!: () => void;
      let hasBegun = false;
      const begun = new Promise<void>((resolve) => (started = resolve));
      // loaded with the first run: the readers and the pipeline stay out of an idle GUI's
      // memory (~5 MB)
      const { runPipeline } = await import("../core/pipeline/run_pipeline.ts");
      const run = runPipeline(project, {
        ...options,
        trigger: "gui",
        onEvent: (event) => {
          broadcaster.handle(event);
          if (event.type === "run_started") {
            hasBegun = true;
            started();
          }
        },
      });
      // A run that never began (another holds the lock, plutus.yaml broken) is told to the
      // one who asked, below; the live status is another run's, or the last one's, and stays.
      run.catch((error) => hasBegun && broadcaster.refused(errorMessage(error)));
      try {
        await Promise.race([begun, run]);
        return {};
      } catch (error) {
        return described(error);
      }
    },
  };
}

/** openProject, opened again only when one of its files changed since the last call. */
function cachedProject(root: string): () => Promise<Project> {
  let cached: { fingerprint: string; project: Promise<Project> } | undefined;
  return async () => {
    const fingerprint = await projectFingerprint(root);
    if (cached?.fingerprint !== fingerprint) {
      const project = openProject(root);
      cached = { fingerprint, project };
      // a project that failed to open is tried again next time
      project.catch(() => cached?.project === project && (cached = undefined));
    }
    return cached.project;
  };
}

/**
 * The line of `file` an error points at (`plutus.yaml:14`): the page puts the cursor there.
 * Undefined when it points at another file, or at none.
 */
export function errorLine(error: unknown, file: string): number | undefined {
  if (!(error instanceof ConfigError)) return undefined;
  const location = error.problems[0]?.location ?? "";
  if (!location.startsWith(`${file}:`)) return undefined;
  return Number(location.slice(file.length + 1)) || undefined;
}

/** An error as the pages show it: the message and, when known, the hint. */
export function described(error: unknown): { error: string; hint?: string } {
  return {
    error: errorMessage(error),
    hint: error instanceof PlutusError ? error.hint : undefined,
  };
}
