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
import { ConfigError, PlutusError } from "../config/errors.ts";
import { parseEnvFile } from "../config/env.ts";
import { parseConfig } from "../config/load_config.ts";
import { NAME_PATTERN } from "../config/plutus_config.ts";
import { parseTableSchema } from "../schema/load_schemas.ts";
import { checkSources, type Project, projectPaths, readEnv } from "./project.ts";
import { loadSchemas } from "../schema/load_schemas.ts";
import { DatabaseSync } from "node:sqlite";
import { existsSync } from "node:fs";
import { planTableChanges } from "./store/table_sync.ts";

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
  );
  checkSources(config, file, tables);
  await writeAtomically(paths.config, text);
}

/** Changes an API source's URL, params and key. */
export async function editApiSource(
  project: Project,
  name: string,
  edit: ApiSourceEdit,
): Promise<void> {
  const source = project.config.sources[name];
  if (!source || source.kind !== "api") {
    throw new PlutusError(`there is no API source "${name}"`, {
      code: "no_source",
      hint: "Reload the page.",
    });
  }
  const text = await Deno.readTextFile(project.paths.config);
  const document = parseDocument(text);
  if (edit.url !== undefined) document.setIn(["sources", name, "url"], edit.url);
  if (edit.params !== undefined) {
    document.setIn(["sources", name, "params"], document.createNode(edit.params));
  }
  let envUpdate: [string, string] | undefined;
  if (edit.key) {
    const auth = document.getIn(["sources", name, "auth"], true);
    if (!isMap(auth)) {
      throw new PlutusError(`source ${name} has no auth to put a key in`, {
        code: "no_auth",
        hint:
          `Add auth under sources.${name} in plutus.yaml first, e.g. auth: { type: bearer, token: "\${${
            envName(name)
          }}" }`,
      });
    }
    const field = ["token", "value", "password"].find((key) => auth.has(key))!;
    const written = auth.get(field, true);
    const reference = isScalar(written)
      ? /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(String(written.value))
      : null;
    const variable = reference?.[1] ?? envName(name);
    if (!reference) auth.set(field, `\${${variable}}`); // a key typed into plutus.yaml moves to .env
    envUpdate = [variable, edit.key];
  }
  const updated = document.toString();
  const lookup = (
    variable: string,
  ) => (envUpdate?.[0] === variable ? envUpdate[1] : project.env(variable));
  const { config, file } = parseConfig(updated, "plutus.yaml", lookup);
  checkSources(config, file, project.tables);
  if (envUpdate) await setEnvValue(project.paths.env, envUpdate[0], envUpdate[1]);
  await writeAtomically(project.paths.config, updated);
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
  const line = `${name}=${/^[\w.\-+/=:@]*$/.test(value) ? value : JSON.stringify(value)}`;
  const lines = text.split("\n");
  const index = lines.findIndex((l) => new RegExp(`^\\s*(export\\s+)?${name}\\s*=`).test(l));
  if (index === -1) {
    lines.splice(lines[lines.length - 1] === "" ? lines.length - 1 : lines.length, 0, line);
  } else lines[index] = line;
  const updated = lines.join("\n").replace(/\n*$/, "\n");
  if (parseEnvFile(updated)[name] !== value) {
    throw new PlutusError("the key could not be written to .env unchanged", {
      code: "bad_key",
      hint: "Check the key for unusual characters.",
    });
  }
  await writeAtomically(path, updated, 0o600);
}

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
  const table = parseTableSchema(text, `schema/${name}.yaml`, name);
  if (existsSync(project.paths.database)) {
    const db = new DatabaseSync(project.paths.database, { readOnly: true, timeout: 5000 });
    try {
      planTableChanges(db, table);
    } finally {
      db.close();
    }
  }
  await Deno.mkdir(project.paths.schema, { recursive: true });
  await writeAtomically(join(project.paths.schema, `${name}.yaml`), text);
}
