/**
 * The Schema page: each schema/*.yaml in an editor. A file is saved only when it is valid
 * and its table in the database can take it; otherwise the errors show with their lines
 * and the editor jumps to the first.
 *
 * @module
 */
import type { Hono } from "hono";
import { html } from "hono/html";
import { assertUnchanged, fileVersion, versionField } from "../edit_guard.ts";
import { basename, join } from "node:path";
import { NAME_PATTERN } from "../../config/plutus_config.ts";
import { schemaLine } from "../../config/json_schemas.ts";
import { saveSchema } from "../../core/project/edit_config.ts";
import { projectPaths } from "../../core/project/project.ts";
import { described, errorLine, type Gui, type GuiEnv, pageApp } from "../gui_context.ts";
import { csrfField, page } from "../layout.ts";

const NEW_TABLE = `${
  schemaLine("schema/new.yaml")
}# A new table. Reference: docs/configuration.md#schema-files
columns:
  id:   { type: text, required: true }
  name: { type: text, clean: [trim] }
key: [id]
`;

/** GET and POST /schema. */
export function schemaPage(): Hono<GuiEnv> {
  const app = pageApp();
  const render = async (
    gui: Gui,
    table: string | undefined,
    options: { text?: string; error?: string; line?: number; notice?: string; version?: string },
  ) => {
    const dir = projectPaths(gui.root).schema;
    const names = (await Array.fromAsync(Deno.readDir(dir)).catch(() => []))
      .filter((entry) => entry.isFile && /\.ya?ml$/.test(entry.name))
      .map((entry) => entry.name.replace(/\.ya?ml$/, ""))
      .sort();
    const current = table ?? names[0];
    const written = current && names.includes(current)
      ? await Deno.readTextFile(await schemaFile(dir, current))
      : undefined;
    const text = options.text ?? written ?? NEW_TABLE;
    // a form shown again after a refused save keeps the version it was filled from
    const version = options.version ?? await fileVersion(written);
    const csrf = gui.secrets.csrf;
    return page({
      title: "Schema",
      path: "/schema",
      csrf,
      error: options.error,
      notice: options.notice,
      body: html`<h1>Schema</h1>
<p>${
        names.map((name) =>
          html`
            <a class="button ${name === current
              ? ""
              : "quiet"}" href="/schema?table=${name}">${name}</a>
          `
        )
      }
<a class="button quiet" href="/schema?table=">+ new table</a></p>
<form class="card" method="post" action="/schema">${csrfField(csrf)}${versionField(version)}
<label for="name">Table (file schema/NAME.yaml)</label>
<input type="text" id="name" name="name" value="${current ?? ""}" ${
        current && names.includes(current) ? "readonly" : ""
      } required pattern="[a-z][a-z0-9_]*">
<label for="text">Definition</label>
<textarea id="text" name="text" rows="26" spellcheck="false" ${
        options.line ? html`data-error-line="${options.line}"` : ""
      }>${text}</textarea>
<p><button type="submit">Check and save</button> <span class="hint">Types, rules and keys: <code>docs/configuration.md</code></span></p>
</form>`,
    });
  };

  app.get("/schema", async (c) => {
    const table = c.req.query("table");
    return c.html(
      await render(c.var.gui, table === "" ? "" : table, {
        notice: c.req.query("saved") ? `Saved schema/${table}.yaml.` : undefined,
      }),
    );
  });

  app.post("/schema", async (c) => {
    const gui = c.var.gui;
    const body = await c.req.parseBody();
    const name = typeof body.name === "string" ? body.name.trim() : "";
    const text = typeof body.text === "string" ? body.text.replace(/\r\n/g, "\n") : "";
    const version = typeof body.version === "string" ? body.version : undefined;
    try {
      // a name saveSchema refuses is said by it
      if (NAME_PATTERN.test(name)) {
        const path = await schemaFile(projectPaths(gui.root).schema, name);
        await assertUnchanged(path, `schema/${basename(path)}`, body.version);
      }
      await saveSchema(await gui.project(), name, text);
      return c.redirect(`/schema?table=${encodeURIComponent(name)}&saved=1`, 303);
    } catch (error) {
      const { error: message, hint } = described(error);
      return c.html(
        await render(gui, name, {
          text,
          error: `Not saved. ${message}${hint ? `\n${hint}` : ""}`,
          // a line of this file only (a source's line in plutus.yaml is not one of it)
          line: errorLine(error, `schema/${name}.yaml`),
          version,
        }),
        400,
      );
    }
  });
  return app;
}

/** The file of table `name` in `dir`: its .yaml, else its .yml, else the .yaml to write. */
async function schemaFile(dir: string, name: string): Promise<string> {
  for (const extension of [".yaml", ".yml"]) {
    const path = join(dir, `${name}${extension}`);
    if (await Deno.stat(path).then(() => true, () => false)) return path;
  }
  return join(dir, `${name}.yaml`);
}
