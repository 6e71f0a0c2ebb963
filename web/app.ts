/**
 * The GUI as one Hono app: security first, then one page per job. It calls the same core
 * functions as the CLI and watches runs through the same events.
 *
 * @module
 */
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { errorMessage, PlutusError } from "../util/errors.ts";
import { openProject, type Project, projectFingerprint } from "../core/project/project.ts";
import { type RunOptions, runPipeline } from "../core/pipeline/run_pipeline.ts";
import { CSS, JS } from "./assets.ts";
import { RunBroadcaster } from "./run_broadcaster.ts";
import { csrfCheck, hostCheck, type Secrets, securityHeaders, tokenCheck } from "./security.ts";
import { registerRunPages } from "./pages/run_pages.ts";
import { registerUploadPage } from "./pages/upload_page.ts";
import { registerSourcesPage } from "./pages/sources_page.ts";
import { registerSchemaPage } from "./pages/schema_page.ts";
import { registerQueryPage } from "./pages/query_page.ts";
import { registerFilesPage } from "./pages/files_page.ts";
import { registerDatabasePage } from "./pages/database_page.ts";

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

/** Builds the app for the project in `root`. */
export function createApp(root: string, secrets: Secrets): { app: Hono; gui: Gui } {
  const broadcaster = new RunBroadcaster();
  const gui: Gui = {
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
      const begun = new Promise<void>((resolve) => (started = resolve));
      const run = runPipeline(project, {
        ...options,
        trigger: "gui",
        onEvent: (event) => {
          broadcaster.handle(event);
          if (event.type === "run_started") started();
        },
      });
      run.catch((error) => broadcaster.refused(errorMessage(error)));
      try {
        await Promise.race([begun, run]);
        return {};
      } catch (error) {
        return described(error);
      }
    },
  };

  const app = new Hono();
  app.use("*", securityHeaders());
  app.use("*", hostCheck(secrets));
  app.use("*", tokenCheck(secrets));
  app.use("*", csrfCheck(secrets));
  app.get(
    "/assets/app.css",
    (c) => c.body(CSS, 200, { "Content-Type": "text/css; charset=utf-8" }),
  );
  app.get(
    "/assets/app.js",
    (c) => c.body(JS, 200, { "Content-Type": "text/javascript; charset=utf-8" }),
  );
  app.get("/events", (c) =>
    streamSSE(c, async (stream) => {
      const send = (status: unknown) => stream.writeSSE({ data: JSON.stringify(status) });
      await send(broadcaster.status);
      const stop = broadcaster.listen((status) => void send(status).catch(() => {}));
      stream.onAbort(stop);
      while (!stream.aborted) {
        await stream.sleep(15_000);
        await stream.writeSSE({ event: "ping", data: "" }).catch(() => {});
      }
      stop();
    }));
  registerRunPages(app, gui);
  registerUploadPage(app, gui);
  registerSourcesPage(app, gui);
  registerSchemaPage(app, gui);
  registerQueryPage(app, gui);
  registerFilesPage(app, gui);
  registerDatabasePage(app, gui);
  app.notFound((c) => c.text("No such page.", 404));
  app.onError((error, c) => {
    console.error(error);
    return c.text(`Plutus hit an unexpected error: ${errorMessage(error)}`, 500);
  });
  return { app, gui };
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

/** An error as the pages show it: the message and, when known, the hint. */
export function described(error: unknown): { error: string; hint?: string } {
  return {
    error: errorMessage(error),
    hint: error instanceof PlutusError ? error.hint : undefined,
  };
}
