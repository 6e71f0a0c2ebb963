/**
 * The Query page: read-only SQL, the first 500 rows as a table, and Export CSV.
 *
 * @module
 */
import type { Hono } from "hono";
import { setCookie } from "hono/cookie";
import { html } from "hono/html";
import { exportCsv } from "../../core/export/export_csv.ts";
import { firstRows } from "../../core/query/first_rows.ts";
import { openDriver } from "../../core/store/open_driver.ts";
import { described, type Gui, type GuiEnv, pageApp } from "../gui_context.ts";
import { count, csrfField, page } from "../layout.ts";

const LIMIT = 500;

function queryForm(gui: Gui, sql: string) {
  return html`<form class="card" id="query" method="post" action="/query">${
    csrfField(gui.secrets.csrf)
  }
<label for="sql">SQL (read-only: SELECT, WITH …)</label>
<textarea id="sql" name="sql" rows="6" spellcheck="false">${sql}</textarea>
<p class="row"><button type="submit">Run query</button>
<button type="submit" class="quiet" formaction="/query/export">Export CSV</button>
<label class="hint"><input type="checkbox" name="semicolon" value="yes"> for Excel in Europe (; and 12,5)</label>
<button type="button" class="quiet" id="query-stop" hidden>Stop the query</button>
<input type="hidden" name="query_id" value="${crypto.randomUUID()}"></p></form>`;
}

/** The cookie an ended export sets, named with its form's query_id (web/assets.ts reads it). */
export const EXPORT_DONE = "plutus_export_done";
const QUERY_ID = /^[0-9a-f-]{36}$/;

/** Queries working now, by the id their form carried: POST /query/stop aborts one. */
const running = new Map<string, AbortController>();

/** GET and POST /query, its Stop and its Export CSV. */
export function queryPage(): Hono<GuiEnv> {
  const app = pageApp();
  app.get("/query", async (c) => {
    const gui = c.var.gui;
    let tables: string[] = [];
    try {
      const project = await gui.project();
      // the data tables first, then Plutus's own records
      tables = await openDriver(project.paths.database).readHistory(async (history) => [
        ...await history.dataTables(),
        ...await history.recordTables(),
      ]) ?? [];
    } catch {
      // no database yet: the page still helps
    }
    const sql = c.req.query("sql") ??
      (tables[0] ? `SELECT * FROM ${tables[0]} LIMIT 100` : "SELECT 1");
    return c.html(page({
      title: "Query",
      path: "/query",
      csrf: gui.secrets.csrf,
      body: html`<h1>Query</h1>${queryForm(gui, sql)}<p class="hint">Tables: ${
        tables.join(", ") || "none yet"
      }</p>`,
    }));
  });

  app.post("/query", async (c) => {
    const gui = c.var.gui;
    const body = await c.req.parseBody();
    const sql = typeof body.sql === "string" ? body.sql : "";
    try {
      const project = await gui.project();
      const started = performance.now();
      // On a worker, within the time limit: other pages and the run status keep answering.
      const stop = new AbortController();
      if (typeof body.query_id === "string") running.set(body.query_id, stop);
      const result = await firstRows(openDriver(project.paths.database), sql, LIMIT, {
        timeoutSeconds: project.config.query_timeout_seconds,
        signal: stop.signal,
      }).finally(() => running.delete(String(body.query_id)));
      const ms = Math.round(performance.now() - started);
      // a column of numbers is right-aligned, its header too
      const numeric = result.columns.map((_, i) =>
        result.rows.some((row) => typeof row[i] === "number") &&
        result.rows.every((row) => row[i] === null || typeof row[i] === "number")
      );
      return c.html(page({
        title: "Query",
        path: "/query",
        csrf: gui.secrets.csrf,
        body: html`
          <h1>Query</h1>${queryForm(gui, sql)}
          <p class="hint">${result.truncated
            ? `The first ${LIMIT} rows`
            : `${count(result.rows.length)} row(s)`}, ${ms} ms.${result.truncated
            ? " Export CSV gives all of them."
            : ""}</p>
          <div class="scroll">
            <table id="results">
              <thead>
                <tr>${result.columns.map((name, i) =>
                  html`<th class="${numeric[i] ? "n" : ""}">${name}</th>`
                )}</tr>
              </thead>
              <tbody>${result.rows.map((row) =>
                html`<tr>${
                  row.map((value) =>
                    html`<td class="${typeof value === "number" ? "n" : ""}">${
                      value === null ? "" : String(value)
                    }</td>`
                  )
                }</tr>`
              )}</tbody>
            </table>
          </div>
        `,
      }));
    } catch (error) {
      return c.html(failedQueryPage(gui, sql, error), 400);
    }
  });

  app.post("/query/stop", async (c) => {
    const body = await c.req.parseBody();
    const stop = running.get(String(body.query_id));
    stop?.abort();
    return c.json({ stopped: stop !== undefined });
  });

  app.post("/query/export", async (c) => {
    const gui = c.var.gui;
    const body = await c.req.parseBody();
    const sql = typeof body.sql === "string" ? body.sql : "";
    try {
      const project = await gui.project();
      // Excel set up for much of Europe splits a file at ";" and reads 12,5 as a number
      const europe = body.semicolon === "yes";
      // Stop (the page's button) and a browser that went away both end it
      const stop = new AbortController();
      const gone = () => stop.abort();
      c.req.raw.signal.addEventListener("abort", gone);
      if (typeof body.query_id === "string") running.set(body.query_id, stop);
      const result = await exportCsv(openDriver(project.paths.database), project.paths.exports, {
        sql,
        tables: project.tables,
        semicolon: europe,
        bom: europe,
        // Off the server's thread, so pages and a run's live status keep answering.
        limits: { timeoutSeconds: project.config.query_timeout_seconds, signal: stop.signal },
      }).finally(() => {
        running.delete(String(body.query_id));
        c.req.raw.signal.removeEventListener("abort", gone);
      });
      // the download leaves the page as it is: this cookie tells its script the export has
      // ended, so Stop goes away; one per form's id, so that two tabs' exports do not
      // overwrite each other's
      if (typeof body.query_id === "string" && QUERY_ID.test(body.query_id)) {
        setCookie(c, `${EXPORT_DONE}_${body.query_id}`, "1", {
          path: "/",
          sameSite: "Strict",
          maxAge: 600,
        });
      }
      return c.redirect(
        `/download/exports/${encodeURIComponent(result.path.split(/[\\/]/).pop()!)}`,
        303,
      );
    } catch (error) {
      return c.html(failedQueryPage(gui, sql, error), 400);
    }
  });
  return app;
}

/** The query form again, with what went wrong above it. */
function failedQueryPage(gui: Gui, sql: string, error: unknown) {
  const { error: message, hint } = described(error);
  return page({
    title: "Query",
    path: "/query",
    csrf: gui.secrets.csrf,
    error: `${message}${hint ? `\n${hint}` : ""}`,
    body: html`<h1>Query</h1>${queryForm(gui, sql)}`,
  });
}
