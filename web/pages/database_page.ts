/**
 * The Database page: where the project's tables live. For a PostgreSQL server: host,
 * port, database, user, password, SSL mode and schema, a Test connection button (server
 * version, TLS, whether the user may create tables) and Save, which writes `database:` to
 * plutus.yaml with `${PG_PASSWORD}` in place of the password and the password to .env
 * (mode 600). The password is never rendered back, and no message shows it.
 *
 * A project whose SQLite file holds runs or rows is told so before it saves, and once it
 * is on the server, while that file holds runs the server has not got, the page offers
 * "Copy my data there": the copy of `plutus db copy --from data/plutus.db`
 * (core/project/copy_project.ts), all or nothing, counts compared.
 *
 * @module
 */
import type { Hono } from "hono";
import { html } from "hono/html";
import { inlineUrlPassword, SecretMask } from "../../config/env.ts";
import { parseYamlFile } from "../../config/yaml_file.ts";
import { PlutusError } from "../../util/errors.ts";
import type { CheckItem } from "../../core/check/check_project.ts";
import { createSchemaSql } from "../../core/check/check_database.ts";
import {
  type DatabaseForm,
  databaseFormValues,
  formDatabaseUrl,
  saveDatabaseForm,
} from "../../core/project/edit_database.ts";
import { openProject, projectPaths, readEnv } from "../../core/project/project.ts";
import { copyProjectToPostgres } from "../../core/project/copy_project.ts";
import {
  describeContents,
  type LeftBehind,
  leftBehindSqlite,
} from "../../core/project/left_behind.ts";
import { databaseLocation } from "../../core/store/database_location.ts";
import { sqliteContents } from "../../core/store/sqlite/sqlite_contents.ts";
import { formatCount } from "../../util/list_text.ts";
import { DEFAULT_DATABASE } from "../../config/database_default.ts";
import { join, resolve } from "node:path";
import {
  DEFAULT_SCHEMA,
  isPostgresUrl,
  parsePostgresUrl,
  PASSWORD_VARIABLE,
  type PostgresTarget,
  schemaNameProblem,
  SSL_MODES,
  type SslMode,
} from "../../core/store/postgres/pg_url.ts";
import { described, type Gui, type GuiEnv, pageApp } from "../gui_context.ts";
import { csrfField, type Html, page } from "../layout.ts";

/** What the page shows: the form's values (never the password), and a result. */
interface Shown {
  form?: Omit<DatabaseForm, "password">;
  result?: CheckItem;
  error?: string;
  notice?: string;
}

const SSL_HELP: Record<SslMode, string> = {
  disable: "disable — never encrypt",
  allow: "allow — encrypt if the server insists",
  prefer: "prefer — encrypt when the server offers it",
  require: "require — always encrypt (managed servers)",
  "verify-ca": "verify-ca — encrypt, and check the certificate",
  "verify-full": "verify-full — encrypt, check the certificate and host name",
};

/** Mounts GET /database, POST /database (save), /database/test and /database/copy. */
export function databasePage(): Hono<GuiEnv> {
  const app = pageApp();
  app.get(
    "/database",
    async (c) =>
      c.html(await render(c.var.gui, { notice: c.req.query("saved") ? "Saved." : undefined })),
  );

  app.post("/database", async (c) => {
    const gui = c.var.gui;
    let form: DatabaseForm | undefined;
    try {
      form = readForm(await c.req.parseBody());
      await saveDatabaseForm(gui.root, form);
      return c.redirect("/database?saved=1", 303);
    } catch (error) {
      const mask = await secretMask(gui, form?.password);
      const { error: message, hint } = described(error);
      return c.html(
        await render(gui, {
          form,
          error: mask.mask(`Not saved: ${message}${hint ? `\n${hint}` : ""}`),
        }),
        400,
      );
    }
  });

  // Copy my data there: the SQLite file the project used before, into its server
  app.post("/database/copy", async (c) => {
    const gui = c.var.gui;
    const body = await c.req.parseBody();
    const mask = await secretMask(gui);
    try {
      const project = await openProject(gui.root);
      const left = await leftBehindSqlite(project);
      if (!left) {
        return c.html(
          await render(gui, { notice: "Nothing to copy: the server has the project's runs." }),
        );
      }
      const { report } = await copyProjectToPostgres(project, undefined, {
        from: left.file,
        replace: body.replace === "1",
        lockedBy: "the GUI (plutus db copy)",
      });
      const rows = report.tables.reduce((sum, table) => sum + table.rows, 0);
      return c.html(
        await render(gui, {
          notice: mask.mask(
            `Copied ${report.tables.length} table(s), ${
              formatCount(rows)
            } rows, and the run history (${left.runs} run(s)) from ${left.file} into ${report.label}, schema ${report.schema}; the counts match. ${left.file} stays as it was: keep it as a backup.`,
          ),
        }),
      );
    } catch (error) {
      const { error: message, hint } = described(error);
      const code = error instanceof PlutusError ? error.code : undefined;
      // the form's words, not the command line's --replace
      const next = code === "target_not_empty"
        ? 'Tick "Replace the server\'s tables of the same names" to drop them there first (their rows are lost), or copy into another schema.'
        : hint;
      return c.html(
        await render(gui, {
          error: mask.mask(`Not copied: ${message}${next ? `\n${next}` : ""}`),
        }),
        400,
      );
    }
  });

  // Test connection: with what the form holds now, saved or not
  app.post("/database/test", async (c) => {
    const gui = c.var.gui;
    let form: DatabaseForm | undefined;
    let result: CheckItem;
    let mask = await secretMask(gui);
    try {
      form = readForm(await c.req.parseBody());
      mask = await secretMask(gui, form.password);
      const target = await formTarget(gui, form);
      const { testConnection } = await import("../../core/check/test_connection.ts");
      const report = await testConnection(target);
      result = {
        subject: "database",
        // a schema not there yet is made by the first run, if the user may
        ok: report.canCreate,
        detail: `${report.serverVersion} at ${report.label}; ${
          report.tls === true
            ? "encrypted (TLS)"
            : report.tls === false
            ? "not encrypted"
            : "encryption unknown"
        }; ${
          !report.schemaExists
            ? report.canCreate
              ? `there is no schema "${report.schema}" yet: the first run creates it`
              : `there is no schema "${report.schema}", and user "${report.user}" may not create it`
            : report.canCreate
            ? `user "${report.user}" may create tables in schema ${report.schema}`
            : `user "${report.user}" may NOT create tables in schema ${report.schema}`
        }.`,
        hint: !report.schemaExists && !report.canCreate
          ? `Ask the server's administrator: ${createSchemaSql(report.schema, report.user)}`
          : !report.schemaExists
          ? undefined
          : !report.canCreate
          ? `Ask the server's administrator for: GRANT USAGE, CREATE ON SCHEMA ${report.schema} TO ${report.user};`
          : undefined,
      };
    } catch (error) {
      const { error: message, hint } = described(error);
      const refused = (error as { cause?: { code?: unknown } })?.cause?.code === "28P01";
      result = {
        subject: "database",
        ok: false,
        detail: message,
        hint: refused && form ? await passwordHint(gui, form) : hint,
      };
    }
    result = {
      ...result,
      detail: mask.mask(result.detail),
      hint: result.hint && mask.mask(result.hint),
    };
    return c.html(await render(gui, { form, result }));
  });
  return app;
}

/**
 * What to check when the server refuses the password, by where the password came from:
 * the form, the environment (which wins over .env), .env, or plutus.yaml itself.
 */
async function passwordHint(gui: Gui, form: DatabaseForm): Promise<string> {
  const user = `and the user name (${form.user})`;
  if (form.password !== undefined) {
    return `Check the password you typed in the form ${user}, then test again; nothing was saved.`;
  }
  if (Deno.env.get(PASSWORD_VARIABLE) !== undefined) {
    return `The password came from the environment variable ${PASSWORD_VARIABLE} of the shell that started plutus serve (it wins over .env): check it ${user}, or type the password in the form and test again.`;
  }
  const env = await readEnv(projectPaths(gui.root).env).catch(() => ({} as Record<string, string>));
  if (env[PASSWORD_VARIABLE] !== undefined) {
    return `The password came from .env (${PASSWORD_VARIABLE}): type the right one in the form ${user}, test again, then Save to replace it.`;
  }
  return `No password was given: type it in the form, check ${user.slice(4)}, and test again.`;
}

/** The project's SQLite file with runs its server has not got; undefined when unsure. */
async function leftBehind(gui: Gui): Promise<LeftBehind | undefined> {
  try {
    return await leftBehindSqlite(await openProject(gui.root));
  } catch {
    return undefined; // a project that does not open: the page's error says why
  }
}

/** The page, with the form filled from plutus.yaml unless `shown.form` says otherwise. */
async function render(gui: Gui, shown: Shown): Promise<Html> {
  const csrf = gui.secrets.csrf;
  const paths = projectPaths(gui.root);
  const errors: string[] = shown.error ? [shown.error] : [];
  const env = await readEnv(paths.env).catch(() => ({} as Record<string, string>));
  const lookup = (name: string) => Deno.env.get(name) ?? env[name];
  let written = "";
  let schema = DEFAULT_SCHEMA;
  try {
    const file = parseYamlFile(await Deno.readTextFile(paths.config), "plutus.yaml");
    const database = file.document.get("database");
    written = typeof database === "string" ? database : "";
    const schemaWritten = file.document.get("database_schema");
    if (typeof schemaWritten === "string") schema = schemaWritten;
  } catch (error) {
    errors.push(described(error).error);
  }
  const postgres = isPostgresUrl(written);
  let target: PostgresTarget | undefined;
  if (postgres) {
    try {
      // a password without a value must not hide the rest of the form
      target = parsePostgresUrl(written, { lookup: (name) => lookup(name) ?? "", schema });
    } catch (error) {
      errors.push(`${described(error).error}\nFix it below, or in plutus.yaml.`);
    }
  }
  const form = shown.form ?? databaseFormValues(target, schema);
  const left = postgres ? await leftBehind(gui) : undefined;
  // what saving leaves in the file: said before the analyst saves
  const file = postgres
    ? undefined
    : databaseLocation(written || undefined, gui.root) as { kind: "sqlite"; path: string };
  const held = file ? sqliteContents(file.path) : undefined;
  const holds = held && (held.runs > 0 || held.rows > 0) ? describeContents(held) : undefined;
  const fileName = written || DEFAULT_DATABASE;
  // the page finds data/plutus.db once the project is on the server; another file by name
  const offered = file?.path === join(resolve(gui.root), DEFAULT_DATABASE);
  const passwordSet = lookup(PASSWORD_VARIABLE) !== undefined;
  const inline = postgres && inlineUrlPassword(written) !== undefined;
  const mask = await secretMask(gui);
  const result = shown.result;
  return page({
    title: "Database",
    path: "/database",
    csrf,
    error: errors.length > 0 ? mask.mask(errors.join("\n")) : undefined,
    notice: shown.notice,
    body: html`<h1>Database</h1>
<div class="card">
${
      postgres
        ? html`<p>The tables live in PostgreSQL: <span class="mono">${
          target?.label ?? "(see the error above)"
        }</span>, schema <span class="mono">${schema}</span>.</p>`
        : html`
          <p>The tables live in the SQLite file <span class="mono">${written ||
            "data/plutus.db"}</span> in the project folder. To keep them in a PostgreSQL server instead (for BI tools and colleagues), fill in the server below, test, and save.</p>
          ${holds
            ? html`
              <p class="hint"
                id="db-holds">The file holds ${holds}. Saving points the project at the server and leaves them in the file: ${offered
                  ? "this page then offers to copy them there (Copy my data there), or run"
                  : "to copy them there afterwards, run"}: plutus db copy --from ${fileName} (docs/postgres.md).</p>
            `
            : html`
              <p
                class="hint">Saving points the project at the server; the tables already in the file stay there. To take them along: plutus db copy --to URL (docs/postgres.md).</p>
            `}
        `
    }
</div>
${
      left
        ? html`<form class="card" method="post" action="/database/copy" id="db-left">${
          csrfField(csrf)
        }
<h2>Your earlier data is still in ${left.file}</h2>
<p>${left.file} holds ${left.summary} from before the project moved to this server, and the server has not got them.</p>
<p><label><input type="checkbox" name="replace" value="1"> Replace the server's tables of the same names (their rows are lost)</label></p>
<p><button type="submit">Copy my data there</button></p>
<p class="hint">Copies every table and the run history in one transaction, all or nothing, and compares the counts. ${left.file} is not changed. The same as: ${left.command}</p>
</form>`
        : ""
    }
<form class="card" method="post" action="/database">${csrfField(csrf)}
<h2>PostgreSQL server</h2>
<label for="db-host">Host</label><input type="text" id="db-host" name="host" value="${form.host}" placeholder="db.example.com" autocomplete="off">
<label for="db-port">Port</label><input type="text" inputmode="numeric" id="db-port" name="port" value="${
      String(form.port)
    }">
<label for="db-database">Database</label><input type="text" id="db-database" name="database" value="${form.database}" placeholder="marketing" autocomplete="off">
<label for="db-user">User</label><input type="text" id="db-user" name="user" value="${form.user}" placeholder="plutus" autocomplete="off">
<label for="db-password">Password</label><input type="password" id="db-password" name="password" autocomplete="new-password" placeholder="${
      passwordSet
        ? `set (${PASSWORD_VARIABLE} in .env) — type a new one to replace it`
        : inline
        ? `written in plutus.yaml — Save moves it to .env as ${PASSWORD_VARIABLE}`
        : `not set — type it here; it is kept in .env as ${PASSWORD_VARIABLE}`
    }">
<label for="db-sslmode">SSL mode</label><select id="db-sslmode" name="sslmode">${
      SSL_MODES.map((mode) =>
        html`<option value="${mode}" ${mode === form.sslmode ? "selected" : ""}>${
          SSL_HELP[mode]
        }</option>`
      )
    }</select>
<label for="db-schema">Schema</label><input type="text" id="db-schema" name="schema" value="${form.schema}">
${
      result
        ? html`<div class="${result.ok ? "notice" : "error"}" role="status" id="db-test">${
          result.ok ? "Connection works: " : ""
        }${result.detail}${result.hint ? `\n${result.hint}` : ""}</div>`
        : ""
    }
<p><button type="submit">Save</button> <button type="submit" formaction="/database/test">Test connection</button></p>
<p class="hint">Save writes the server to plutus.yaml as database: with \${${PASSWORD_VARIABLE}} for the password; the password itself goes only to .env.</p>
</form>`,
  });
}

/** The form's fields, checked one by one so a message names the field. */
function readForm(body: Record<string, unknown>): DatabaseForm {
  const text = (key: string) => (typeof body[key] === "string" ? (body[key] as string) : "");
  const required = (key: string, label: string) => {
    const value = text(key).trim();
    if (value === "") {
      throw new PlutusError(`${label} is empty`, { code: "form", hint: `Fill in ${label}.` });
    }
    if (value.length > 256) {
      throw new PlutusError(`${label} is too long`, { code: "form", hint: `Check ${label}.` });
    }
    return value;
  };
  const host = required("host", "Host");
  // a host as a connection string writes it: the form has fields for the rest
  if (/[\s/@?#]/.test(host) || /^[^:]+:\d+$/.test(host)) {
    throw new PlutusError(`Host must be the server's name or address alone; got "${host}"`, {
      code: "form",
      hint: "Write db.example.com or 10.0.0.5 in Host, and the port (5432) in Port.",
    });
  }
  const database = required("database", "Database");
  const user = required("user", "User");
  const portText = text("port").trim() || "5432";
  const port = Number(portText);
  if (!/^\d{1,5}$/.test(portText) || port < 1 || port > 65535) {
    throw new PlutusError(`Port must be a number from 1 to 65535; got "${portText}"`, {
      code: "form",
      hint: "PostgreSQL listens on 5432 unless your server says otherwise.",
    });
  }
  const sslmode = text("sslmode") as SslMode;
  if (!SSL_MODES.includes(sslmode)) {
    throw new PlutusError(`SSL mode must be one of ${SSL_MODES.join(", ")}`, { code: "form" });
  }
  const schema = text("schema").trim() || DEFAULT_SCHEMA;
  const problem = schemaNameProblem(schema);
  if (problem) throw new PlutusError(`Schema: ${problem}`, { code: "form" });
  const password = text("password");
  if (password.length > 1024) {
    throw new PlutusError("Password is too long", { code: "form" });
  }
  return { host, port, database, user, sslmode, schema, password: password || undefined };
}

/** The server the form names, with the typed password or the one in .env. */
async function formTarget(gui: Gui, form: DatabaseForm): Promise<PostgresTarget> {
  const env = await readEnv(projectPaths(gui.root).env);
  const lookup = (name: string) =>
    name === PASSWORD_VARIABLE && form.password !== undefined
      ? form.password
      : Deno.env.get(name) ?? env[name];
  const url = formDatabaseUrl(form, lookup(PASSWORD_VARIABLE) !== undefined);
  return parsePostgresUrl(url, { where: "Database", lookup, schema: form.schema });
}

/** Every value of .env, and the password just typed: none of them may be shown. */
async function secretMask(gui: Gui, typed?: string): Promise<SecretMask> {
  const mask = new SecretMask();
  mask.add(typed);
  const env = await readEnv(projectPaths(gui.root).env).catch(() => ({} as Record<string, string>));
  for (const value of Object.values(env)) mask.add(value);
  for (const name of [PASSWORD_VARIABLE]) mask.add(Deno.env.get(name));
  return mask;
}
