/**
 * The Logs & exports page: today's error log, and every run log and export with its size
 * and date, each downloadable. Downloads serve only files that stand in logs/ or exports/
 * by the exact name listed there: no path leads anywhere else.
 *
 * @module
 */
import type { Context, Hono } from "hono";
import { html } from "hono/html";
import { attachment } from "../attachment.ts";
import { join } from "node:path";
import { projectPaths } from "../../core/project/project.ts";
import { errorLogPath, newestRunsFirst, readLogExcerpt } from "../../core/run/log_reader.ts";
import { formatBytes } from "../../util/list_text.ts";
import { type GuiEnv, pageApp } from "../gui_context.ts";
import { page } from "../layout.ts";
import { localStamp } from "../../util/time.ts";

const FOLDERS = ["logs", "exports"] as const;
// The one kind of folder inside exports/ that is listed: what `plutus rejects --csv` writes.
const REJECTS_FOLDER = /^rejects-run-\d+$/;
const ERROR_LOG_TAIL_BYTES = 60_000;

interface Listed {
  name: string;
  size: number;
  modified: Date | null;
}

/** The files in `dir`; with `rejects`, also those in its rejects-run-N/ folders, as `folder/name`. */
async function list(dir: string, rejects = false): Promise<Listed[]> {
  const files: Listed[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.name.startsWith(".")) continue;
      if (rejects && entry.isDirectory && REJECTS_FOLDER.test(entry.name)) {
        for (const file of await list(join(dir, entry.name))) {
          files.push({ ...file, name: `${entry.name}/${file.name}` });
        }
      }
      if (!entry.isFile) continue;
      const info = await Deno.stat(join(dir, entry.name));
      files.push({ name: entry.name, size: info.size, modified: info.mtime });
    }
  } catch {
    // the folder does not exist yet
  }
  return files.sort((a, b) => (b.modified?.getTime() ?? 0) - (a.modified?.getTime() ?? 0));
}

/** GET /files, and the downloads of what it lists. */
export function filesPage(): Hono<GuiEnv> {
  const app = pageApp();
  app.get("/files", async (c) => {
    const gui = c.var.gui;
    const paths = projectPaths(gui.root);
    const [logs, exports] = await Promise.all([list(paths.logs), list(paths.exports, true)]);
    // The latest errors matter: the end of the day's log, whole lines.
    const errors = await readLogExcerpt(errorLogPath(paths.logs), 0, ERROR_LOG_TAIL_BYTES);
    const table = (folder: string, files: Listed[]) =>
      files.length === 0 ? html`<p class="hint">None yet.</p>` : html`
        <div class="scroll">
          <table>
            <thead>
              <tr>
                <th>File</th>
                <th class="n">Size</th>
                <th>Date</th>
              </tr>
            </thead>
            <tbody>${files.map((file) =>
              html`
                <tr>
                  <td><a href="/download/${folder}/${file.name.split("/").map(
                    encodeURIComponent,
                  ).join("/")}">${file.name}</a></td>
                  <td class="n">${formatBytes(file.size)}</td>
                  <td>${file.modified ? localStamp(file.modified) : "—"}</td>
                </tr>
              `
            )}</tbody>
          </table>
        </div>
      `;
    return c.html(page({
      title: "Logs & exports",
      path: "/files",
      csrf: gui.secrets.csrf,
      body: html`<h1>Logs & exports</h1>
<h2>Today's errors</h2>
${
        errors.text === "" ? html`<p class="hint">No errors logged today.</p>` : html`
          <p class="hint">Newest run first.</p>
          <pre id="errors">${newestRunsFirst(errors.text)
            .trimEnd()}</pre>
        `
      }
<h2>Exports</h2>${table("exports", exports)}
<h2>Logs</h2>${table("logs", logs)}`,
    }));
  });

  const download = async (
    c: Context<GuiEnv>,
    folder: string,
    name: string,
  ): Promise<Response> => {
    if (!(FOLDERS as readonly string[]).includes(folder)) return c.text("No such folder.", 404);
    const dir = projectPaths(c.var.gui.root)[folder as (typeof FOLDERS)[number]];
    // Only a name that is listed in the folder: no "..", no links elsewhere; a slash only
    // as listed, inside a rejects-run-N/ folder of exports/.
    const listed = (await list(dir, folder === "exports")).some((file) => file.name === name);
    if (!listed) return c.text("No such file.", 404);
    const type = name.endsWith(".csv") ? "text/csv; charset=utf-8" : "text/plain; charset=utf-8";
    const headers = {
      "Content-Type": type,
      "Content-Disposition": attachment(name.split("/").pop()!),
    };
    const file = await Deno.open(join(dir, name));
    return c.body(file.readable, 200, headers);
  };
  app.get(
    "/download/:folder/:name",
    (c) => download(c, c.req.param("folder"), c.req.param("name")),
  );
  app.get(
    "/download/:folder/:sub/:name",
    (c) => download(c, c.req.param("folder"), `${c.req.param("sub")}/${c.req.param("name")}`),
  );
  return app;
}
