/**
 * Setting where a project's data lives — `database:` and `database_schema:` in
 * plutus.yaml, the password in .env as PG_PASSWORD — from `plutus init --database` and the
 * GUI's Database page. plutus.yaml only ever gets the URL as written, with
 * `${PG_PASSWORD}` in place of the password; nothing else in the file changes.
 *
 * @module
 */
import { isMap, isScalar, parseDocument } from "yaml";
import { ConfigError, UsageError } from "../../util/errors.ts";
import { parseConfig } from "../../config/load_config.ts";
import { inlineUrlPassword } from "../../config/env.ts";
import {
  buildPostgresUrl,
  DEFAULT_SCHEMA,
  isPostgresUrl,
  moveInlinePassword,
  parsePostgresUrl,
  PASSWORD_VARIABLE,
  type PostgresTarget,
  type SslMode,
} from "../store/postgres/pg_url.ts";
import { projectPaths, readEnv } from "./project.ts";
import { setEnvValue, writeAtomically } from "./edit_config.ts";
import { applySplices, insertEntry, replaceValue, yamlScalar } from "./yaml_text_edit.ts";

/** A PostgreSQL connection as a form gives it: parts, and a password only when typed. */
export interface DatabaseForm {
  host: string;
  port: number;
  database: string;
  user: string;
  sslmode: SslMode;
  schema: string;
  /** A new password; empty or absent keeps the one in .env. */
  password?: string;
}

/** `database:` (and `database_schema:`) as they go into plutus.yaml, and .env's password. */
export interface DatabaseSetting {
  /** The value of `database:`: a path, or a URL with `${PG_PASSWORD}` for its password. */
  database: string;
  schema?: string;
  /** The password for .env, when one was given. */
  password?: string;
  /** A PostgreSQL URL for people: no password. */
  label?: string;
}

/**
 * What `plutus init --database VALUE` writes: a SQLite path as it is, a PostgreSQL URL
 * checked, its inline password moved out to .env. `where` names the option in errors.
 */
export function databaseSetting(value: string, where = "--database"): DatabaseSetting {
  const text = value.trim();
  const hint =
    "A PostgreSQL URL reads postgres://USER:PASSWORD@HOST:5432/DATABASE?sslmode=require (docs/postgres.md).";
  if (!isPostgresUrl(text)) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text) || text === "") {
      throw new UsageError(
        `${where}: Plutus stores data in a SQLite file (a path such as data/plutus.db) or in PostgreSQL (postgres://…); got ${
          text === "" ? "nothing" : `a ${text.slice(0, text.indexOf(":"))}: URL`
        }`,
        { hint },
      );
    }
    return { database: text };
  }
  const moved = moveInlinePassword(text);
  try {
    // checked with a stand-in password: the real one may be added to .env later
    const { label } = parsePostgresUrl(moved.url, {
      where,
      lookup: (name) => name === PASSWORD_VARIABLE ? moved.password ?? "x" : "x",
    });
    return { database: moved.url, password: moved.password, label };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new UsageError(`${where}: ${error.problems[0]!.message}`, { hint });
  }
}

/** The parts of a form as `database:` writes them: `${PG_PASSWORD}` when there is one. */
export function formDatabaseUrl(form: DatabaseForm, hasPassword: boolean): string {
  return buildPostgresUrl(form, hasPassword ? `\${${PASSWORD_VARIABLE}}` : undefined);
}

/**
 * Puts `database:` and `database_schema:` into the text of plutus.yaml, changing only
 * those lines (a new `database_schema:` goes after `database:`, and is left out while it
 * would say `public`, the default).
 */
export function applyDatabaseSetting(text: string, setting: DatabaseSetting): string {
  const document = parseDocument(text);
  const top = document.contents;
  if (!isMap(top) || top.items.length === 0) {
    const lines = [`database: ${yamlScalar(setting.database)}`];
    if (setting.schema && setting.schema !== DEFAULT_SCHEMA) {
      lines.push(`database_schema: ${yamlScalar(setting.schema)}`);
    }
    return `${lines.join("\n")}\n${text.trim() === "" ? "" : text}`;
  }
  const splices = [];
  const database = top.get("database", true);
  if (isScalar(database)) {
    if (String(database.value) !== setting.database) {
      splices.push(replaceValue(database, yamlScalar(setting.database)));
    }
  } else {
    const first = (top.items[0]!.key as { range: [number, number, number] }).range[0];
    splices.push({ start: first, end: first, text: `database: ${yamlScalar(setting.database)}\n` });
  }
  const schema = top.get("database_schema", true);
  if (setting.schema !== undefined) {
    if (isScalar(schema)) {
      if (String(schema.value) !== setting.schema) {
        splices.push(replaceValue(schema, yamlScalar(setting.schema)));
      }
    } else if (setting.schema !== DEFAULT_SCHEMA) {
      const insert = isScalar(database)
        ? insertEntry(text, top, "database_schema", yamlScalar(setting.schema), "database")
        : undefined;
      const at = (top.items[0]!.key as { range: [number, number, number] }).range[0];
      splices.push(
        insert ?? { start: at, end: at, text: `database_schema: ${yamlScalar(setting.schema)}\n` },
      );
    }
  }
  return applySplices(text, splices);
}

/**
 * Saves a PostgreSQL connection from the GUI's form into the project at `root`: the
 * password (when typed) into .env as PG_PASSWORD (mode 600), the URL with
 * `${PG_PASSWORD}` and the schema into plutus.yaml. Checked before anything is written.
 */
export async function saveDatabaseForm(root: string, form: DatabaseForm): Promise<void> {
  const paths = projectPaths(root);
  const envFile = await readEnv(paths.env);
  const text = await Deno.readTextFile(paths.config);
  // a password written inline in plutus.yaml moves to .env when none is typed or kept there
  const written = parseDocument(text).get("database");
  const inline = typeof written === "string" ? inlineUrlPassword(written) : undefined;
  const kept = Deno.env.get(PASSWORD_VARIABLE) ?? envFile[PASSWORD_VARIABLE];
  const typed = form.password ? form.password : kept === undefined ? inline : undefined;
  const lookup = (name: string) =>
    name === PASSWORD_VARIABLE && typed !== undefined ? typed : Deno.env.get(name) ?? envFile[name];
  const hasPassword = lookup(PASSWORD_VARIABLE) !== undefined;
  const setting = { database: formDatabaseUrl(form, hasPassword), schema: form.schema };
  parsePostgresUrl(setting.database, { where: "Database", lookup, schema: form.schema });
  const updated = applyDatabaseSetting(text, setting);
  try {
    parseConfig(updated, "plutus.yaml", lookup, { perSource: true });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ConfigError([...error.problems], {
      hint:
        "plutus.yaml has a mistake elsewhere: fix it (Sources & keys, or plutus check), then save again.",
    });
  }
  if (typed !== undefined) await setEnvValue(paths.env, PASSWORD_VARIABLE, typed);
  if (updated !== text) await writeAtomically(paths.config, updated);
}

/** The form's values for a project: its PostgreSQL parts, or empty ones for SQLite. */
export function databaseFormValues(
  target: PostgresTarget | undefined,
  schema = DEFAULT_SCHEMA,
): Omit<DatabaseForm, "password"> {
  if (!target) {
    return { host: "", port: 5432, database: "", user: "", sslmode: "require", schema };
  }
  return {
    host: target.host,
    port: target.port,
    database: target.database,
    user: target.user,
    sslmode: target.sslmode,
    schema: target.schema,
  };
}

/**
 * Points the project at `root` to another database: `database:` (and `database_schema:`)
 * in plutus.yaml, and a password given inline into .env as PG_PASSWORD (mode 600).
 */
export async function switchDatabase(root: string, setting: DatabaseSetting): Promise<void> {
  const paths = projectPaths(root);
  const text = await Deno.readTextFile(paths.config);
  const updated = applyDatabaseSetting(text, setting);
  if (setting.password !== undefined) {
    await setEnvValue(paths.env, PASSWORD_VARIABLE, setting.password);
  }
  if (updated !== text) await writeAtomically(paths.config, updated);
}
