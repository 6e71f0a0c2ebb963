/**
 * The Upload page: pick or drop files, choose the source (or let the file name decide),
 * and load them. Files stream to inbox/ as they arrive: a 500 MB export never sits in
 * memory, and one over the limit is refused with a clear message. Below, the files
 * waiting in inbox/, each with a Discard button that sets it aside in archive/discarded/.
 *
 * @module
 */
import type { Hono } from "hono";
import { html } from "hono/html";
import { join } from "node:path";
import {
  type DiscardedFile,
  discardWaiting,
  hasFailed,
  replaceFailedFile,
} from "../../core/project/discard_file.ts";
import { isPlainName, receiveIntoInbox, scanInbox } from "../../core/project/inbox.ts";
import { fileSources } from "../../core/project/project.ts";
import { localStamp } from "../../util/time.ts";
import {
  locateProject,
  type ProjectPaths,
  projectPaths,
} from "../../core/project/project_paths.ts";
import { described, type GuiEnv, pageApp } from "../gui_context.ts";
import { csrfField, page, statusBox } from "../layout.ts";

/** A file waiting in inbox/, as the page lists it. */
interface Waiting {
  name: string;
  size?: number;
  modified?: Date | null;
  /** Why Plutus will not read it (a link, a pipe), or that it failed last time. */
  problem?: string;
}

async function listWaiting(paths: ProjectPaths): Promise<Waiting[]> {
  const { files, refused } = await scanInbox(paths.inbox);
  const listed: Waiting[] = [];
  for (const name of files) {
    const info = await Deno.stat(join(paths.inbox, name)).catch(() => undefined);
    listed.push({
      name,
      size: info?.size,
      modified: info?.mtime,
      problem: (await hasFailed(paths, name)) ? "failed the last time it was loaded" : undefined,
    });
  }
  for (const entry of refused) listed.push({ name: entry.name, problem: entry.reason });
  return listed;
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1 << 20) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1 << 20)).toFixed(1)} MB`;
}

/** GET /upload, the upload of one file, and Discard. */
export function uploadPage(): Hono<GuiEnv> {
  const app = pageApp();
  app.get("/upload", async (c) => {
    const gui = c.var.gui;
    let sources: [string, string[]][] = [];
    let error: string | undefined;
    let limit = 2048;
    const paths = await locateProject(gui.root).catch(() => projectPaths(gui.root));
    try {
      const project = await gui.project();
      sources = fileSources(project).map(([name, source]) => [name, source.files]);
      limit = project.config.upload_limit_mb;
    } catch (e) {
      error = described(e).error;
    }
    const waiting = await listWaiting(paths);
    return c.html(page({
      title: "Upload",
      path: "/upload",
      csrf: gui.secrets.csrf,
      error: c.req.query("error") ?? error,
      notice: c.req.query("notice"),
      body: html`
        <h1>Upload</h1>
        <form id="upload" class="card" data-limit-mb="${limit}">
          <div class="drop" id="drop">Drop CSV, XLSX, XLS or ODS files here, or
        <label for="files" class="button quiet">choose files</label>
        <input type="file" id="files" multiple accept=".csv,.tsv,.txt,.xlsx,.xlsm,.xls,.ods" hidden>
        <p id="chosen">No file chosen.</p></div>
          <label for="upload-source">Read them with</label>
          <select id="upload-source"
            name="source"><option value="">the source whose files pattern matches each name</option>${sources
              .map(([name, patterns]) =>
                html`<option value="${name}">source ${name} (${patterns.join(", ")})</option>`
              )}</select>
          <p><button type="submit">Upload and load</button> <span id="upload-message" class="hint" role="status"></span></p>
          <p
            class="muted">Files up to ${limit} MB. They are copied into inbox/ and loaded like <code>plutus upload</code> does; your originals stay where they are. A fixed file uploaded under the name of one that failed replaces it (the failed one is kept in archive/discarded/).</p>
        </form>
        ${statusBox(gui.broadcaster.status, false, "waiting-files")}
        <div id="waiting-files">
        <h2>Waiting in inbox/</h2>
        ${waiting.length === 0 ? html`<p class="hint">No files waiting.</p>` : html`
          <div class="scroll">
            <table id="waiting">
              <thead>
                <tr>
                  <th>File</th>
                  <th class="n">Size</th>
                  <th>Modified</th>
                  <th></th>
                </tr>
              </thead>
              <tbody>${waiting.map((file) =>
                html`
                  <tr>
                    <td>${file.name}${file.problem
                      ? html`<div class="hint">${file.problem}</div>`
                      : ""}</td>
                    <td class="n">${file.size === undefined ? "—" : size(file.size)}</td>
                    <td>${file.modified ? localStamp(file.modified) : "—"}</td>
                    <td>
                      <form method="post" action="/inbox/discard">${csrfField(gui.secrets.csrf)}
                      <input type="hidden" name="name" value="${file.name}">
                      <button type="submit" class="quiet"
                        title="Move it to archive/discarded/ without loading it">Discard</button></form>
                    </td>
                  </tr>
                `
              )}</tbody>
            </table>
          </div>
          <p
            class="muted">Discard sets a file aside in archive/discarded/ without loading it; nothing is deleted.</p>
        `}
        </div>
      `,
    }));
  });

  app.post("/upload", async (c) => {
    const gui = c.var.gui;
    const name = c.req.query("name");
    if (!name) return c.json({ error: "The upload has no file name." }, 400);
    const body = c.req.raw.body;
    if (!body) return c.json({ error: `${name} is empty.` }, 400);
    try {
      const project = await gui.project();
      const limit = project.config.upload_limit_mb * (1 << 20);
      const declared = Number(c.req.header("content-length") ?? 0);
      if (declared > limit) {
        return c.json({
          error:
            `${name} is larger than the upload limit of ${project.config.upload_limit_mb} MB. ` +
            "Raise upload_limit_mb in plutus.yaml, or copy the file into inbox/ and click Run.",
        }, 413);
      }
      const replaced: DiscardedFile[] = [];
      const received = await receiveIntoInbox(
        body,
        name,
        project.paths.inbox,
        limit,
        replaceFailedFile(project.paths, "gui", replaced),
      );
      gui.uploaded.set(received.name, received.sha256);
      return c.json({ name: received.name, bytes: received.bytes, replaced });
    } catch (error) {
      const { error: message, hint } = described(error);
      return c.json({ error: hint ? `${message}. ${hint}` : message }, 413);
    }
  });

  app.post("/inbox/discard", async (c) => {
    const gui = c.var.gui;
    const body = await c.req.parseBody();
    const name = typeof body.name === "string" ? body.name : "";
    const back = (key: "error" | "notice", text: string) =>
      c.redirect(`/upload?${key}=${encodeURIComponent(text)}`, 303);
    if (!isPlainName(name)) return back("error", `"${name}" is not the name of a file in inbox/.`);
    try {
      const { discarded } = await discardWaiting(await locateProject(gui.root), [name], {
        trigger: "gui",
        command: `discard ${name}`,
      });
      gui.uploaded.delete(name);
      return back("notice", `Set aside ${name} in ${discarded[0]?.to}; it was not loaded.`);
    } catch (error) {
      const { error: message, hint } = described(error);
      return back("error", hint ? `${message}. ${hint}` : message);
    }
  });
  return app;
}
