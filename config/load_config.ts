/**
 * Loads plutus.yaml: YAML with line numbers, validated against the model, every problem
 * reported as `plutus.yaml:LINE key.path: what was expected; got what`.
 *
 * @module
 */
import { ConfigError, type ConfigProblem } from "../util/errors.ts";
import {
  inlineUrlPassword,
  isSourceUrl,
  noValueMessage,
  resolveDatabaseVars,
  resolveUrlVars,
  resolveVars,
  SecretMask,
} from "./env.ts";
import { type PlutusConfig, plutusConfigModel } from "./plutus_config.ts";
import { dotted, issueProblems, parseYamlFile, validateYaml, type YamlFile } from "./yaml_file.ts";

/** plutus.yaml as loaded, and the parsed file for locating keys later. */
export interface LoadedConfig {
  config: PlutusConfig;
  file: YamlFile;
  /** The values `${VAR}` references resolved to: secrets, to be masked in all output. */
  secrets: string[];
  /**
   * With `perSource`: the sources that cannot run as written (a `${VAR}` without a value, a
   * bad URL, an unknown key…), by name, each with its problems. They are left out of
   * `config.sources`; everything else loads.
   */
  sourceProblems: Map<string, ConfigError>;
}

/** How strictly parseConfig treats a problem inside one source. */
export interface ParseConfigOptions {
  /**
   * A problem inside `sources.NAME` sets that source aside (see `sourceProblems`) instead
   * of failing the whole file: one missing key must not stop the other sources.
   */
  perSource?: boolean;
  /**
   * A `${VAR}` without a value inside `sources.NAME` is no problem: the file is checked as
   * if it had one. For saving plutus.yaml: a new API source is saved first, its key typed
   * on its card after (its source then waits for the key, as any with a key missing).
   */
  keysLater?: boolean;
}

/** Where `${VAR}` values come from: the environment, then the project's .env. */
export type VarLookup = (name: string) => string | undefined;

/**
 * Parses and validates the text of plutus.yaml. `${VAR}` in any text value is replaced
 * from `lookup` first; a variable without a value is a problem at its line. Throws one
 * ConfigError listing every problem, except (with `perSource`) those inside one source.
 */
export function parseConfig(
  text: string,
  name = "plutus.yaml",
  lookup: VarLookup = () => undefined,
  options: ParseConfigOptions = {},
): LoadedConfig {
  const file = parseYamlFile(text, name);
  if (file.value === null) file.value = {};
  const secrets: string[] = [];
  // A password written inline in `database:` is as secret as one in .env.
  const database = (file.value as { database?: unknown }).database;
  const inline = typeof database === "string" ? inlineUrlPassword(database) : undefined;
  if (inline !== undefined) secrets.push(inline);
  const problems: ConfigProblem[] = [];
  const bySource = new Map<string, { problems: ConfigProblem[]; missing: string[] }>();
  const sourceOf = (path: readonly (string | number)[]) =>
    options.perSource && path[0] === "sources" && typeof path[1] === "string" ? path[1] : undefined;
  const problemsOf = (source: string) => {
    if (!bySource.has(source)) bySource.set(source, { problems: [], missing: [] });
    return bySource.get(source)!;
  };
  file.value = resolveAll(file.value, [], (value, path) => {
    const missing: string[] = [];
    const later = options.keysLater && path[0] === "sources";
    const resolved = path.length === 1 && path[0] === "database"
      ? resolveDatabaseVars(value, lookup, missing)
      : (isSourceUrl(path) ? resolveUrlVars : resolveVars)(
        value,
        later ? (v) => lookup(v) ?? "key-to-come" : lookup,
        missing,
      );
    const source = sourceOf(path);
    for (const variable of missing) {
      const problem = {
        location: `${name}:${file.lineOf(path)}`,
        path: dotted(path),
        message: noValueMessage(variable),
      };
      if (source === undefined) problems.push(problem);
      else {
        problemsOf(source).problems.push(problem);
        problemsOf(source).missing.push(variable);
      }
    }
    if (resolved !== value) secrets.push(...secretParts(value, lookup));
    return resolved;
  });
  if (problems.length > 0) throw new ConfigError(problems);
  try {
    const loaded = validateConfig(file, secrets, bySource, options);
    for (const [source, error] of loaded.sourceProblems) {
      loaded.sourceProblems.set(source, masked(error, secrets));
    }
    return loaded;
  } catch (error) {
    throw error instanceof ConfigError ? masked(error, secrets) : error;
  }
}

/** A problem quotes the value it found, which may hold a resolved ${VAR}: mask it. */
function masked(error: ConfigError, secrets: readonly string[]): ConfigError {
  if (secrets.length === 0) return error;
  const mask = new SecretMask();
  for (const secret of secrets) mask.add(secret);
  return new ConfigError(
    error.problems.map((problem) => ({ ...problem, message: mask.mask(problem.message) })),
    { hint: error.hint, code: error.code },
  );
}

/** Validates the resolved file: as a whole, or (with `perSource`) each source on its own. */
function validateConfig(
  file: YamlFile,
  secrets: string[],
  bySource: Map<string, { problems: ConfigProblem[]; missing: string[] }>,
  options: ParseConfigOptions,
): LoadedConfig {
  const problemsOf = (source: string) => {
    if (!bySource.has(source)) bySource.set(source, { problems: [], missing: [] });
    return bySource.get(source)!;
  };
  if (!options.perSource) {
    return {
      config: validateYaml(file, plutusConfigModel),
      file,
      secrets,
      sourceProblems: new Map(),
    };
  }
  // Each source on its own: its problems set it aside, the others load.
  const whole = file.value as Record<string, unknown>;
  const sources = isMapping(whole) && isMapping(whole.sources) ? whole.sources : undefined;
  const usable: Record<string, unknown> = {};
  for (const [source, value] of Object.entries(sources ?? {})) {
    if (bySource.has(source)) continue; // the missing value first: it may be behind the rest
    const checked = plutusConfigModel.safeParse({ sources: { [source]: value } }, {
      reportInput: true,
    });
    if (checked.success) usable[source] = value;
    else problemsOf(source).problems.push(...issueProblems(file, checked.error.issues));
  }
  const checked = plutusConfigModel.safeParse(
    sources === undefined ? whole : { ...whole, sources: usable },
    { reportInput: true },
  );
  if (!checked.success) {
    // the whole file is wrong: say every problem at once, the sources' ones too
    throw new ConfigError([
      ...issueProblems(file, checked.error.issues),
      ...[...bySource.values()].flatMap((found) => found.problems),
    ]);
  }
  const sourceProblems = new Map<string, ConfigError>();
  for (const [source, found] of bySource) {
    sourceProblems.set(source, sourceConfigError(source, found.problems, found.missing));
  }
  return { config: checked.data, file, secrets, sourceProblems };
}

/** The error of a source that cannot run as written, with what to do about it. */
export function sourceConfigError(
  source: string,
  problems: ConfigProblem[],
  missingVars: readonly string[] = [],
): ConfigError {
  const vars = [...new Set(missingVars)];
  return new ConfigError(problems, {
    code: vars.length > 0 ? "source_missing_var" : "source_invalid",
    hint: vars.length > 0
      ? `Add ${
        vars.map((v) => `${v}=…`).join(" and ")
      } to the project's .env file (in the GUI: Sources & keys), or set ${
        vars.length > 1 ? "them" : "it"
      } in the environment; the other sources run meanwhile.`
      : `Fix sources.${source} in plutus.yaml (plutus check lists every problem); the other sources run meanwhile.`,
  });
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function resolveAll(
  value: unknown,
  path: (string | number)[],
  resolve: (text: string, path: (string | number)[]) => string,
): unknown {
  if (typeof value === "string") return value.includes("${") ? resolve(value, path) : value;
  if (Array.isArray(value)) return value.map((item, i) => resolveAll(item, [...path, i], resolve));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, resolveAll(item, [...path, key], resolve)]),
    );
  }
  return value;
}

/** The values that were put in for each variable: those are what must never be shown. */
function secretParts(written: string, lookup: VarLookup): string[] {
  return [...written.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((match) =>
    lookup(match[1]!) ?? ""
  );
}

/** Reads and validates plutus.yaml at `path`. */
export async function loadConfig(
  path: string,
  name = "plutus.yaml",
  lookup?: VarLookup,
  options: ParseConfigOptions = {},
): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new ConfigError([{ location: name, path: "", message: `not found at ${path}` }], {
        code: "no_project",
        hint:
          "Run Plutus inside a project folder, pass --project DIR, or create one with: plutus init DIR",
      });
    }
    throw error;
  }
  return parseConfig(text, name, lookup, options);
}
