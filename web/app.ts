/**
 * The GUI as one Hono app: security first, then one sub-app per job (web/pages/). It calls
 * the same core functions as the CLI and watches runs through the same events.
 *
 * @module
 */
import { Hono } from "hono";
import { useQueryProcesses } from "../core/query/query_channel.ts";
import { html } from "hono/html";
import { errorMessage, PlutusError, StoreError } from "../util/errors.ts";
import { page } from "./layout.ts";
import { createGui, described, type Gui, type GuiEnv } from "./gui_context.ts";
import {
  csrfCheck,
  formLimit,
  hostCheck,
  type Secrets,
  securityHeaders,
  tokenCheck,
} from "./security.ts";
import { liveEvents } from "./pages/live_events.ts";
import { runPages } from "./pages/run_pages.ts";
import { uploadPage } from "./pages/upload_page.ts";
import { sourcesPage } from "./pages/sources_page.ts";
import { schemaPage } from "./pages/schema_page.ts";
import { queryPage } from "./pages/query_page.ts";
import { filesPage } from "./pages/files_page.ts";
import { databasePage } from "./pages/database_page.ts";

/** Every page, a sub-app each; the stylesheet, the script and the live status first. */
const PAGES = [
  liveEvents,
  runPages,
  uploadPage,
  sourcesPage,
  schemaPage,
  queryPage,
  filesPage,
  databasePage,
];

/** Builds the app for the project in `root`. */
export function createApp(root: string, secrets: Secrets): { app: Hono<GuiEnv>; gui: Gui } {
  // The server lives on: a query it stops must not keep a core busy (query_channel.ts).
  useQueryProcesses();
  const gui = createGui(root, secrets);
  const app = new Hono<GuiEnv>();
  app.use("*", securityHeaders());
  app.use("*", hostCheck(secrets));
  app.use("*", tokenCheck(secrets));
  app.use("*", formLimit());
  app.use("*", csrfCheck(secrets));
  app.use("*", async (c, next) => {
    c.set("gui", gui);
    await next();
  });
  for (const pages of PAGES) app.route("/", pages());
  app.notFound((c) => c.text("No such page.", 404));
  app.onError((error, c) => {
    // A known failure (the database server down, a wrong password) is a page that says
    // what and what to do, with the menu to go and fix it; only the unforeseen is traced.
    if (error instanceof PlutusError) {
      const { error: message, hint } = described(error);
      return c.html(
        page({
          title: "Problem",
          path: new URL(c.req.url).pathname,
          csrf: secrets.csrf,
          error: message,
          body: html`${hint ? html`<p class="hint">${hint}</p>` : ""}
            <p><a href="${c.req.path}">Try again</a></p>`,
        }),
        error instanceof StoreError ? 503 : 500,
      );
    }
    console.error(error);
    return c.text(`Plutus hit an unexpected error: ${errorMessage(error)}`, 500);
  });
  return { app, gui };
}
