/**
 * Loads plutus.yaml: YAML with line numbers, validated against the model, every problem
 * reported as `plutus.yaml:LINE key.path: what was expected; got what`.
 *
 * @module
 */
import { ConfigError } from "./errors.ts";
import { type PlutusConfig, plutusConfigModel } from "./plutus_config.ts";
import { parseYamlFile, validateYaml, type YamlFile } from "./yaml_file.ts";

/** plutus.yaml as loaded, and the parsed file for locating keys later. */
export interface LoadedConfig {
  config: PlutusConfig;
  file: YamlFile;
}

/** Parses and validates the text of plutus.yaml. */
export function parseConfig(text: string, name = "plutus.yaml"): LoadedConfig {
  const file = parseYamlFile(text, name);
  if (file.value === null) file.value = {};
  return { config: validateYaml(file, plutusConfigModel), file };
}

/** Reads and validates plutus.yaml at `path`. */
export async function loadConfig(path: string, name = "plutus.yaml"): Promise<LoadedConfig> {
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
  return parseConfig(text, name);
}
