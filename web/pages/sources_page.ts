/**
 * The Sources & keys page: every source as plutus.yaml writes it (`${NAME}` references,
 * never their values); for API sources the URL, params and key (shown masked, replaced
 * only when a new one is typed, written to .env) and a Test connection button; and
 * plutus.yaml itself for everything else. A source whose key has no value, or that is
 * broken, is marked on its own card and never hides the others. Saving a source changes
 * only what was edited; the rest of plutus.yaml stays byte for byte.
 *
 * @module
 */
import type { Hono } from "hono";
import { html } from "hono/html";
import { assertUnchanged, fileVersion, versionField } from "../edit_guard.ts";
import { SecretMask } from "../../config/env.ts";
import { ConfigError, type ConfigProblem, formatProblem } from "../../util/errors.ts";
import { checkApiSource } from "../../core/check/check_api.ts";
import type { CheckItem } from "../../core/check/check_project.ts";
import {
  type ApiSourceEdit,
  applyApiSourceEdit,
  editApiSource,
  savePlutusYaml,
} from "../../core/project/edit_config.ts";
import { projectPaths, readEnv } from "../../core/project/project.ts";
import {
  resolveApiSource,
  type SourceAsWritten,
  sourcesAsWritten,
} from "../../core/project/sources_as_written.ts";
import { described, errorLine, type Gui, type GuiEnv, pageApp } from "../gui_context.ts";
import { csrfField, type Html, page } from "../layout.ts";

/** What the analyst typed into a source's card (never the key), shown again after a test. */
interface Typed {
  name: string;
  url?: string;
  params?: string;
  /** The card's own message: a test result or why a save failed. */
  result?: CheckItem;
}

/** GET /sources, Save and Test connection of a source, and Save plutus.yaml. */
export function sourcesPage(): Hono<GuiEnv> {
  const app = pageApp();
  const render = async (
    gui: Gui,
    options: {
      error?: string;
      notice?: string;
      yaml?: string;
      version?: string;
      typed?: Typed;
      line?: number;
    },
  ) => {
    const csrf = gui.secrets.csrf;
    const paths = projectPaths(gui.root);
    const written = await Deno.readTextFile(paths.config).catch(() => "");
    const yaml = options.yaml ?? written;
    // a form shown again after a refused save keeps the version it was filled from
    const version = options.version ?? await fileVersion(written);
    const errors: string[] = options.error ? [options.error] : [];
    let lookup = (name: string) => Deno.env.get(name);
    try {
      const env = await readEnv(paths.env);
      lookup = (name) => Deno.env.get(name) ?? env[name];
    } catch (error) {
      errors.push(described(error).error);
    }
    let sources: SourceAsWritten[] = [];
    try {
      sources = sourcesAsWritten(written, lookup);
    } catch (error) {
      errors.push(`${described(error).error}\nFix plutus.yaml below.`);
    }
    // the project as a whole: its problems go on their source's card, the rest above
    const problems = new Map<string, ConfigProblem[]>();
    try {
      await gui.project();
    } catch (error) {
      const rest: string[] = [];
      for (const problem of error instanceof ConfigError ? error.problems : []) {
        const name = /^sources\.([^.[]+)/.exec(problem.path)?.[1];
        if (name && sources.some((s) => s.name === name)) {
          if (!problem.message.includes("has no value")) {
            problems.set(name, [...problems.get(name) ?? [], problem]);
          }
        } else rest.push(formatProblem(problem));
      }
      if (!(error instanceof ConfigError)) rest.push(described(error).error);
      if (rest.length > 0 && errors.length === 0) {
        errors.push(`${rest.join("\n")}\nFix plutus.yaml below.`);
      }
    }
    const cards = sources.map((source) =>
      source.kind === "api"
        ? apiCard(source, csrf, problems.get(source.name) ?? [], options.typed)
        : html`
          <div class="card">
            <h2>${source.name} <span class="badge">${source.kind || "?"}</span>${problems.has(
                source.name,
              )
              ? html`
                <span class="badge failed">needs fixing</span>
              `
              : ""}</h2>
            ${problemList(problems.get(source.name) ?? [], [])}
            <p>Reads <span class="mono">${source.files.join(
              ", ",
            )}</span> from inbox/ into table <strong>${source.table}</strong>.</p>
          </div>
        `
    );
    return page({
      title: "Sources & keys",
      path: "/sources",
      csrf,
      error: errors.length > 0 ? errors.join("\n") : undefined,
      notice: options.notice,
      body: html`<h1>Sources & keys</h1>
${cards}
<form class="card" method="post" action="/sources-yaml">${csrfField(csrf)}${versionField(version)}
<h2>plutus.yaml</h2>
<p class="hint">Everything else — file sources, columns, clean rules, options. Saved only when valid. Keys belong in .env, written as \${NAME} here.</p>
<textarea name="yaml" rows="24" spellcheck="false" ${
        options.line ? html`data-error-line="${options.line}"` : ""
      }>${yaml}</textarea>
<p><button type="submit">Save plutus.yaml</button></p></form>`,
    });
  };

  app.get(
    "/sources",
    async (c) =>
      c.html(await render(c.var.gui, { notice: c.req.query("saved") ? "Saved." : undefined })),
  );

  app.post("/sources/:name", async (c) => {
    const gui = c.var.gui;
    const name = c.req.param("name");
    const { edit, typed } = await readForm(c.req.parseBody(), name);
    try {
      await editApiSource(gui.root, name, edit);
      return c.redirect("/sources?saved=1", 303);
    } catch (error) {
      const { error: message, hint } = described(error);
      return c.html(
        await render(gui, {
          error: `${name} was not saved: see its card below.`,
          typed: { ...typed, result: { subject: name, ok: false, detail: message, hint } },
        }),
        400,
      );
    }
  });

  // Test connection: the first page, with what the card holds now (saved or not)
  app.post("/sources/:name/test", async (c) => {
    const gui = c.var.gui;
    const name = c.req.param("name");
    const { edit, typed } = await readForm(c.req.parseBody(), name);
    const paths = projectPaths(gui.root);
    const mask = new SecretMask();
    mask.add(edit.key);
    let result: CheckItem;
    try {
      const env = await readEnv(paths.env);
      for (const value of Object.values(env)) mask.add(value);
      const text = await Deno.readTextFile(paths.config);
      const applied = applyApiSourceEdit(text, name, edit);
      const lookup = (variable: string) =>
        applied.env?.[0] === variable ? applied.env[1] : Deno.env.get(variable) ?? env[variable];
      const { source, secrets } = resolveApiSource(applied.text, name, lookup);
      for (const secret of secrets) mask.add(secret);
      result = await checkApiSource(name, source, { mask });
      if (applied.text !== text || applied.env) {
        result = { ...result, hint: `Not saved yet: Save ${name} to keep what you typed.` };
      }
    } catch (error) {
      const { error: message, hint } = described(error);
      result = {
        subject: name,
        ok: false,
        detail: mask.mask(message),
        hint: hint && mask.mask(hint),
      };
    }
    return c.html(await render(gui, { typed: { ...typed, result } }));
  });

  app.post("/sources-yaml", async (c) => {
    const gui = c.var.gui;
    const body = await c.req.parseBody();
    const yaml = typeof body.yaml === "string" ? body.yaml.replace(/\r\n/g, "\n") : "";
    const version = typeof body.version === "string" ? body.version : undefined;
    try {
      await assertUnchanged(projectPaths(gui.root).config, "plutus.yaml", body.version);
      await savePlutusYaml(gui.root, yaml);
      return c.redirect("/sources?saved=1", 303);
    } catch (error) {
      const { error: message, hint } = described(error);
      return c.html(
        await render(gui, {
          error: hint ? `${message}. ${hint}` : message,
          yaml,
          version,
          // the cursor goes to the line the error names, as on the Schema page
          line: errorLine(error, "plutus.yaml"),
        }),
        400,
      );
    }
  });
  return app;
}

/** A source's form: what it says, as written, and what the analyst may change. */
async function readForm(
  parsed: Promise<Record<string, unknown>>,
  name: string,
): Promise<{ edit: ApiSourceEdit; typed: Typed }> {
  const body = await parsed;
  const text = (key: string) => (typeof body[key] === "string" ? (body[key] as string) : undefined);
  const params = Object.fromEntries(
    (text("params") ?? "").split(/\r?\n/).map((line) => line.trim()).filter(Boolean).map(
      (line) => {
        const at = line.indexOf("=");
        return at === -1 ? [line, ""] : [line.slice(0, at).trim(), line.slice(at + 1).trim()];
      },
    ),
  );
  return {
    edit: { url: text("url")?.trim(), params, key: text("key")?.trim() || undefined },
    typed: { name, url: text("url"), params: text("params") },
  };
}

function apiCard(
  source: SourceAsWritten,
  csrf: string,
  problems: ConfigProblem[],
  typed: Typed | undefined,
): Html {
  const { name, key } = source;
  const mine = typed?.name === name ? typed : undefined;
  const params = mine?.params ?? source.params.map(([k, v]) => `${k}=${v}`).join("\n");
  const missingKey = key?.variable !== undefined && source.vars.missing.includes(key.variable);
  const broken = source.vars.missing.length > 0 || problems.length > 0;
  const placeholder = !key
    ? ""
    : missingKey
    ? `${key.variable} has no value in .env — type the key here`
    : key.value
    ? `${SecretMask.preview(key.value)} — type a new key to replace it`
    : "not set";
  const result = mine?.result;
  return html`<form class="card" method="post" action="/sources/${name}">${csrfField(csrf)}
<h2>${name} <span class="badge">API</span>${
    broken
      ? html`
        <span class="badge failed">${missingKey ? "needs a key" : "needs fixing"}</span>
      `
      : ""
  }</h2>
<p class="hint">Into table <strong>${source.table}</strong>; ${source.paginate} pagination.</p>
${problemList(problems, source.vars.missing, key?.variable)}
<label for="url-${name}">URL</label><input type="text" inputmode="url" id="url-${name}" name="url" value="${
    mine
      ?.url ?? source.url
  }">
<label for="params-${name}">Params (one name=value a line)</label><textarea id="params-${name}" name="params" rows="3">${params}</textarea>
${
    key
      ? html`
        <label for="key-${name}">Key (${key.type})</label>
        <input type="password" id="key-${name}" name="key" autocomplete="off" placeholder="${placeholder}">
      `
      : html`<p class="hint">No auth: the API is read without a key.</p>`
  }
${
    result
      ? html`<div class="${result.ok ? "notice" : "error"}" role="status" id="test-${name}">${
        result.ok ? "Connection works: " : ""
      }${result.detail}${result.hint ? `\n${result.hint}` : ""}</div>`
      : ""
  }
<p><button type="submit">Save ${name}</button> <button type="submit" formaction="/sources/${name}/test">Test connection</button></p></form>`;
}

/** A card's problems: variables without a value, and what plutus.yaml says is wrong. */
function problemList(
  problems: ConfigProblem[],
  missing: string[],
  keyVariable?: string,
): Html | string {
  if (problems.length === 0 && missing.length === 0) return "";
  return html`<div class="error" role="alert">${
    [
      ...missing.map((variable) =>
        `${variable} has no value in .env: ${
          variable === keyVariable ? "type the key below and Save, or " : ""
        }add ${variable}=… to .env.`
      ),
      ...problems.map(formatProblem),
    ].join("\n")
  }</div>`;
}
