/**
 * Loads plutus.yaml: YAML with line numbers, validated against the model, every problem
 * reported as `plutus.yaml:LINE key.path: what was expected; got what`.
 *
 * @module
 */
import { ConfigError, type ConfigProblem } from "./errors.ts";
import { resolveVars, SecretMask } from "./env.ts";
import { type PlutusConfig, plutusConfigModel } from "./plutus_config.ts";
import { dotted, parseYamlFile, validateYaml, type YamlFile } from "./yaml_file.ts";

/** plutus.yaml as loaded, and the parsed file for locating keys later. */
export interface LoadedConfig {
  config: PlutusConfig;
  file: YamlFile;
  /** The values `${VAR}` references resolved to: secrets, to be masked in all output. */
  secrets: string[];
}

/** Where `${VAR}` values come from: the environment, then the project's .env. */
export type VarLookup = (name: string) => string | undefined;

/**
 * Parses and validates the text of plutus.yaml. `${VAR}` in any text value is replaced
 * from `lookup` first; a variable without a value is a problem at its line.
 */
export function parseConfig(
  text: string,
  name = "plutus.yaml",
  lookup: VarLookup = () => undefined,
): LoadedConfig {
  const file = parseYamlFile(text, name);
  if (file.value === null) file.value = {};
  const secrets: string[] = [];
  const problems: ConfigProblem[] = [];
  file.value = resolveAll(file.value, [], (value, path) => {
    const missing: string[] = [];
    const resolved = resolveVars(value, lookup, missing);
    for (const variable of missing) {
      problems.push({
        location: `${name}:${file.lineOf(path)}`,
        path: dotted(path),
        message:
          `\${${variable}} has no value; add ${variable}=… to the project's .env file, or set it in the environment`,
      });
    }
    if (resolved !== value) secrets.push(...secretParts(value, lookup));
    return resolved;
  });
  if (problems.length > 0) throw new ConfigError(problems);
  try {
    return { config: validateYaml(file, plutusConfigModel), file, secrets };
  } catch (error) {
    // a problem quotes the value it found, which may hold a resolved ${VAR}
    if (!(error instanceof ConfigError) || secrets.length === 0) throw error;
    const mask = new SecretMask();
    for (const secret of secrets) mask.add(secret);
    throw new ConfigError(
      error.problems.map((problem) => ({ ...problem, message: mask.mask(problem.message) })),
      { hint: error.hint },
    );
  }
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
  return parseConfig(text, name, lookup);
}
