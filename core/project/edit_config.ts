/**
 * Changing a project's configuration from the GUI: an API source's URL, params and key,
 * the whole of plutus.yaml, or a schema file — each change validated before anything is
 * written, plutus.yaml keeping its comments, keys written to .env (mode 600), and every
 * file replaced atomically (a crash leaves the old or the new file, never half of one).
 *
 * @module
 */
import { join } from "node:path";
import { isMap, isScalar, parseDocument } from "yaml";
import { ConfigError, PlutusError } from "../../util/errors.ts";
import { parseEnvFile } from "../../config/env.ts";
import { parseConfig } from "../../config/load_config.ts";
import { NAME_PATTERN } from "../../config/plutus_config.ts";
import { parseTableSchema } from "../../config/load_table_schemas.ts";
import {
  checkSources,
  type Project,
  projectPaths,
  readEnv,
  sourceTableProblems,
} from "./project.ts";
import { resolveApiSource } from "./sources_as_written.ts";
import {
  applySplices,
  insertEntry,
  replaceValue,
  setMapEntries,
  type TextSplice,
  yamlScalar,
} from "./yaml_text_edit.ts";
import { loadSchemas } from "../../config/load_table_schemas.ts";
import { openDriver } from "../store/open_driver.ts";
import { assertCompatible } from "../store/table_changes.ts";

/** What the GUI may change of an API source. */
export interface ApiSourceEdit {
  url?: string;
  params?: Record<string, string>;
  /** A new key; undefined or empty keeps the current one. */
  key?: string;
}

/** Writes a file through a temporary one, so readers never see half of it. */
export async function writeAtomically(path: string, text: string, mode?: number): Promise<void> {
  const part = `${path}.part`;
  await Deno.writeTextFile(part, text, mode === undefined ? undefined : { mode });
  if (mode !== undefined) await Deno.chmod(part, mode).catch(() => {}); // Windows has no modes
  await Deno.rename(part, path);
}

/**
 * Replaces plutus.yaml with `text` if it is valid with the project's tables and .env.
 * Works when the current plutus.yaml is broken: that is when it needs fixing most.
 */
export async function savePlutusYaml(root: string, text: string): Promise<void> {
  const paths = projectPaths(root);
  const tables = await loadSchemas(paths.schema);
  const envFile = await readEnv(paths.env);
  const { config, file } = parseConfig(
    text,
    "plutus.yaml",
    (name) => Deno.env.get(name) ?? envFile[name],
    { keysLater: true },
  );
  checkSources(config, file, tables);
  await writeAtomically(paths.config, text);
}

/** An edit applied to the text of plutus.yaml, and the key it puts in .env. */
export interface AppliedEdit {
  text: string;
  /** [variable, value] for .env, when a key was typed. */
  env?: [string, string];
}

/**
 * Applies an edit of API source `name` to the text of plutus.yaml, touching only the
 * values that change: the rest of the file stays byte for byte as written. Values are
 * compared with what is written (`${NAME}` unresolved), so an unchanged field is never
 * rewritten and a key's value never lands in plutus.yaml.
 */
export function applyApiSourceEdit(text: string, name: string, edit: ApiSourceEdit): AppliedEdit {
  const document = parseDocument(text);
  const source = document.getIn(["sources", name], true);
  if (!isMap(source) || source.get("kind") !== "api") {
    throw new PlutusError(`there is no API source "${name}"`, {
      code: "no_source",
      hint: "Reload the page.",
    });
  }
  const splices: TextSplice[] = [];
  let fallback = false;
  const url = source.get("url", true);
  if (edit.url !== undefined && !(isScalar(url) && String(url.value) === edit.url)) {
    if (isScalar(url)) splices.push(replaceValue(url, yamlScalar(edit.url, source.flow)));
    else {
      const insert = insertEntry(text, source, "url", yamlScalar(edit.url), "kind");
      if (insert) splices.push(insert);
      else fallback = true;
    }
  }
  if (edit.params !== undefined) {
    const params = source.get("params", true);
    if (isMap(params)) splices.push(...setMapEntries(text, params, edit.params));
    else if (Object.keys(edit.params).length > 0) {
      const flow = `{ ${
        Object.entries(edit.params).map(([k, v]) =>
          `${yamlScalar(k, true)}: ${yamlScalar(v, true)}`
        )
          .join(", ")
      } }`;
      const insert = insertEntry(text, source, "params", flow, "url");
      if (insert) splices.push(insert);
      else fallback = true;
    }
  }
  let env: [string, string] | undefined;
  if (edit.key) {
    const auth = source.get("auth", true);
    if (!isMap(auth)) {
      throw new PlutusError(`source ${name} has no auth to put a key in`, {
        code: "no_auth",
        hint:
          `Add auth under sources.${name} in plutus.yaml first, e.g. auth: { type: bearer, token: "\${${
            envName(name)
          }}" }`,
      });
    }
    const field = ["token", "value", "password"].find((key) => auth.has(key)) ?? "token";
    const written = auth.get(field, true);
    const reference = isScalar(written)
      ? /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(String(written.value))
      : null;
    const variable = reference?.[1] ?? envName(name);
    if (!reference) { // a key typed into plutus.yaml moves to .env
      if (isScalar(written)) splices.push(replaceValue(written, `"\${${variable}}"`));
      else fallback = true;
    }
    env = [variable, edit.key];
  }
  if (!fallback) return { text: applySplices(text, splices), env };
  // a shape the splices do not cover (a source written as one flow map): let the YAML
  // library write it, which may restyle the file
  if (edit.url !== undefined) document.setIn(["sources", name, "url"], edit.url);
  if (edit.params !== undefined) {
    document.setIn(["sources", name, "params"], document.createNode(edit.params));
  }
  if (env) {
    const auth = document.getIn(["sources", name, "auth"], true);
    if (isMap(auth)) {
      const field = ["token", "value", "password"].find((key) => auth.has(key)) ?? "token";
      auth.set(field, `\${${env[0]}}`);
    }
  }
  return { text: document.toString(), env };
}

/**
 * Changes an API source's URL, params and key in the project at `root`. Only this source
 * is validated (with the typed key), so a missing key or a broken source elsewhere does
 * not block fixing this one; nothing else in plutus.yaml changes.
 */
export async function editApiSource(
  root: string,
  name: string,
  edit: ApiSourceEdit,
): Promise<void> {
  const paths = projectPaths(root);
  const text = await Deno.readTextFile(paths.config);
  const applied = applyApiSourceEdit(text, name, edit);
  const envFile = await readEnv(paths.env);
  const lookup = (variable: string) =>
    applied.env?.[0] === variable ? applied.env[1] : Deno.env.get(variable) ?? envFile[variable];
  // a variable still without a value is shown on the source's card; it does not block saving
  resolveApiSource(applied.text, name, lookup, "missing-value");
  if (applied.env) await setEnvValue(paths.env, applied.env[0], applied.env[1]);
  if (applied.text !== text) await writeAtomically(paths.config, applied.text);
}

/** The variable a source's key goes to: HUBSPOT_KEY for source hubspot. */
function envName(source: string): string {
  return `${source.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}_KEY`;
}

/** Sets NAME=value in .env, keeping its other lines and comments; the file stays private. */
export async function setEnvValue(path: string, name: string, value: string): Promise<void> {
  if (/[\r\n]/.test(value)) {
    throw new PlutusError("a key cannot contain line breaks", {
      code: "bad_key",
      hint: "Paste the key again.",
    });
  }
  let text = "";
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const lines = text.split("\n");
  const index = lines.findIndex((l) => new RegExp(`^\\s*(export\\s+)?${name}\\s*=`).test(l));
  // as it is when nothing in it needs quotes; else the first quoting .env reads back as the
  // value: "…" escapes nothing but \n, so a password with " or \ goes in '…' or `…`
  const forms = /^[\w.\-+/=:@]*$/.test(value)
    ? [value]
    : [JSON.stringify(value), `'${value}'`, `\`${value}\``];
  // the line replaced where it is, or added after the last line that holds something
  const end = lines[lines.length - 1] === "" ? lines.length - 1 : lines.length;
  const withLine = (line: string) =>
    (index === -1 ? [...lines.slice(0, end), line, ...lines.slice(end)] : lines.with(index, line))
      .join("\n").replace(/\n*$/, "\n");
  for (const form of forms) {
    const updated = withLine(`${name}=${form}`);
    if (parseEnvFile(updated)[name] === value) return await writeAtomically(path, updated, 0o600);
  }
  throw new PlutusError(`the value of ${name} could not be written to .env unchanged`, {
    code: "bad_key",
    hint: `Write it into the project's .env yourself, as ${name}='…', or choose one without ` +
      "all three quote characters (\" ' `).",
  });
}

// as PostgreSQL takes it with the index of its key (a file name takes more, but a longer
// name failed as a raw "File name too long" at 255)
const MAX_TABLE_NAME = 58;

/**
 * Saves a schema file if it is valid and the database's table can take it; `name` is the
 * table name (the file is schema/<name>.yaml).
 */
export async function saveSchema(project: Project, name: string, text: string): Promise<void> {
  if (!NAME_PATTERN.test(name)) {
    throw new ConfigError([{
      location: `schema/${name}.yaml`,
      path: "",
      message: "a table name is lower_snake_case: letters, digits and _",
    }]);
  }
  if (name.length > MAX_TABLE_NAME) {
    throw new ConfigError([{
      location: `schema/${name.slice(0, 20)}….yaml`,
      path: "",
      message:
        `a table name has at most ${MAX_TABLE_NAME} characters (this one has ${name.length})`,
    }], { hint: "Choose a shorter name: it becomes a file name and a table name." });
  }
  const table = parseTableSchema(text, `schema/${name}.yaml`, name);
  // a column a source still maps, taken out: that source would stop running
  const tables = new Map(project.tables).set(name, table);
  const cut = [...sourceTableProblems(project.config, project.configFile, tables)]
    .filter(([source]) => project.config.sources[source]?.table === name)
    .flatMap(([, problems]) => problems);
  if (cut.length > 0) {
    throw new ConfigError(cut, {
      hint: `Keep the column in schema/${name}.yaml, or first take it out of the source's ` +
        "columns: in plutus.yaml (Sources & keys), then save the schema.",
    });
  }
  assertCompatible(table, await openDriver(project.paths.database).planTable(table));
  await Deno.mkdir(project.paths.schema, { recursive: true });
  await writeAtomically(join(project.paths.schema, `${name}.yaml`), text);
}
