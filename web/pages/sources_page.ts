/**
 * The Sources & keys page: every source; for API sources the URL, params and key (shown
 * masked, replaced only when a new one is typed, written to .env); and plutus.yaml itself
 * for everything else. Every change is validated before it is saved; plutus.yaml keeps
 * its comments.
 *
 * @module
 */
import type { Hono } from "hono";
import { html } from "hono/html";
import { SecretMask } from "../../config/env.ts";
import { editApiSource, savePlutusYaml } from "../../core/edit_config.ts";
import { openProject, projectPaths } from "../../core/project.ts";
import { described, type Gui } from "../app.ts";
import { csrfField, type Html, page } from "../layout.ts";

export function registerSourcesPage(app: Hono, gui: Gui): void {
  const render = async (options: { error?: string; notice?: string; yaml?: string }) => {
    const csrf = gui.secrets.csrf;
    const yamlPath = projectPaths(gui.root).config;
    const yaml = options.yaml ?? await Deno.readTextFile(yamlPath).catch(() => "");
    let cards: Html[] = [];
    let error = options.error;
    try {
      const project = await openProject(gui.root);
      cards = Object.entries(project.config.sources).map(([name, source]) => {
        if (source.kind === "file") {
          return html`
            <div class="card">
              <h2>${name} <span class="badge">file</span></h2>
              <p>Reads <span class="mono">${source.files.join(
                ", ",
              )}</span> from inbox/ into table <strong>${source.table}</strong>.</p>
            </div>
          `;
        }
        const auth = source.auth;
        const key = auth?.type === "bearer"
          ? auth.token
          : auth?.type === "basic"
          ? auth.password
          : auth?.value;
        const params = Object.entries(source.params).map(([k, v]) => `${k}=${v}`).join("\n");
        return html`<form class="card" method="post" action="/sources/${name}">${csrfField(csrf)}
<h2>${name} <span class="badge">API</span></h2>
<p class="hint">Into table <strong>${source.table}</strong>; ${source.paginate.type} pagination.</p>
<label for="url-${name}">URL</label><input type="url" id="url-${name}" name="url" value="${source.url}">
<label for="params-${name}">Params (one name=value a line)</label><textarea id="params-${name}" name="params" rows="3">${params}</textarea>
${
          auth
            ? html`
              <label for="key-${name}">Key (${auth.type})</label>
              <input type="password" id="key-${name}" name="key" autocomplete="off" placeholder="${key
                ? `${SecretMask.preview(key)} — type a new key to replace it`
                : "not set"}"
              >
            `
            : html`<p class="hint">No auth: the API is read without a key.</p>`
        }
<p><button type="submit">Save ${name}</button></p></form>`;
      });
    } catch (e) {
      error ??= `${described(e).error}\nFix plutus.yaml below.`;
    }
    return page({
      title: "Sources & keys",
      path: "/sources",
      csrf,
      error,
      notice: options.notice,
      body: html`<h1>Sources & keys</h1>
${cards}
<form class="card" method="post" action="/sources-yaml">${csrfField(csrf)}
<h2>plutus.yaml</h2>
<p class="hint">Everything else — file sources, columns, clean rules, options. Saved only when valid. Keys belong in .env, written as \${NAME} here.</p>
<textarea name="yaml" rows="24" spellcheck="false">${yaml}</textarea>
<p><button type="submit">Save plutus.yaml</button></p></form>`,
    });
  };

  app.get(
    "/sources",
    async (c) => c.html(await render({ notice: c.req.query("saved") ? "Saved." : undefined })),
  );

  app.post("/sources/:name", async (c) => {
    const name = c.req.param("name");
    const body = await c.req.parseBody();
    const text = (
      key: string,
    ) => (typeof body[key] === "string" ? (body[key] as string) : undefined);
    const params = Object.fromEntries(
      (text("params") ?? "").split(/\r?\n/).map((line) => line.trim()).filter(Boolean).map(
        (line) => {
          const at = line.indexOf("=");
          return at === -1 ? [line, ""] : [line.slice(0, at).trim(), line.slice(at + 1).trim()];
        },
      ),
    );
    try {
      await editApiSource(await gui.project(), name, {
        url: text("url"),
        params,
        key: text("key")?.trim() || undefined,
      });
      return c.redirect("/sources?saved=1", 303);
    } catch (error) {
      return c.html(await render({ error: `${name}: ${described(error).error}` }), 400);
    }
  });

  app.post("/sources-yaml", async (c) => {
    const body = await c.req.parseBody();
    const yaml = typeof body.yaml === "string" ? body.yaml.replace(/\r\n/g, "\n") : "";
    try {
      await savePlutusYaml(gui.root, yaml);
      return c.redirect("/sources?saved=1", 303);
    } catch (error) {
      return c.html(await render({ error: described(error).error, yaml }), 400);
    }
  });
}
