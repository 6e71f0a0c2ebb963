/**
 * Loads the table definitions in schema/*.yaml: one file per table, named after it.
 *
 * @module
 */
import { join } from "node:path";
import { ConfigError, type ConfigProblem } from "../util/errors.ts";
import { NAME_PATTERN } from "./plutus_config.ts";
import { parseYamlFile, validateYaml } from "./yaml_file.ts";
import { type TableSchema, tableSchemaModel } from "./table_schema.ts";

/** Parses one schema file; `file` is the name errors show, e.g. `schema/leads.yaml`. */
export function parseTableSchema(text: string, file: string, name: string): TableSchema {
  if (!NAME_PATTERN.test(name) || name.startsWith("sqlite_")) {
    throw new ConfigError([{
      location: file,
      path: "",
      message: `"${name}" cannot name a table: use lower_snake_case letters, digits and _, ` +
        "starting with a letter",
    }], { hint: `Rename the file, e.g. schema/${suggestName(name)}.yaml` });
  }
  const yaml = parseYamlFile(text, file);
  return { ...validateYaml(yaml, tableSchemaModel), name, file };
}

/** Reads every schema/*.yaml in `dir`; problems in several files come back together. */
export async function loadSchemas(
  dir: string,
  label = "schema",
): Promise<Map<string, TableSchema>> {
  const tables = new Map<string, TableSchema>();
  const problems: ConfigProblem[] = [];
  let entries: Deno.DirEntry[] = [];
  try {
    entries = await Array.fromAsync(Deno.readDir(dir));
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const match = /^(.+)\.ya?ml$/.exec(entry.name);
    if (!entry.isFile || !match) continue;
    const file = `${label}/${entry.name}`;
    try {
      const table = parseTableSchema(
        await Deno.readTextFile(join(dir, entry.name)),
        file,
        match[1]!,
      );
      if (tables.has(table.name)) {
        problems.push({
          location: file,
          path: "",
          message: `table ${table.name} is defined twice`,
        });
      }
      tables.set(table.name, table);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return tables;
}

function suggestName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9_]+/g, "_").replace(/^[^a-z]+/, "") || "my_table";
}
