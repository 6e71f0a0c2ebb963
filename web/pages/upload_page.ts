/**
 * The Upload page: pick or drop files, choose the source (or let the file name decide),
 * and load them. Files stream to inbox/ as they arrive: a 500 MB export never sits in
 * memory, and one over the limit is refused with a clear message.
 *
 * @module
 */
import type { Hono } from "hono";
import { html } from "hono/html";
import { receiveIntoInbox } from "../../core/inbox.ts";
import { fileSources } from "../../core/pipeline/plan_files.ts";
import { described, type Gui } from "../app.ts";
import { page, statusBox } from "../layout.ts";

export function registerUploadPage(app: Hono, gui: Gui): void {
  app.get("/upload", async (c) => {
    let sources: [string, string[]][] = [];
    let error: string | undefined;
    let limit = 2048;
    try {
      const project = await gui.project();
      sources = fileSources(project).map(([name, source]) => [name, source.files]);
      limit = project.config.upload_limit_mb;
    } catch (e) {
      error = described(e).error;
    }
    return c.html(page({
      title: "Upload",
      path: "/upload",
      csrf: gui.secrets.csrf,
      error,
      body: html`
        <h1>Upload</h1>
        <form id="upload" class="card">
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
            class="muted">Files up to ${limit} MB. They are copied into inbox/ and loaded like <code>plutus upload</code> does; your originals stay where they are.</p>
        </form>
        ${statusBox(gui.broadcaster.status)}
      `,
    }));
  });

  app.post("/upload", async (c) => {
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
      const received = await receiveIntoInbox(body, name, project.paths.inbox, limit);
      return c.json(received);
    } catch (error) {
      const { error: message, hint } = described(error);
      return c.json({ error: hint ? `${message}. ${hint}` : message }, 413);
    }
  });
}
