/**
 * A project folder: where its files live, and its configuration loaded and checked as a
 * whole (every source's table exists, every mapped column is a column of it).
 *
 * @module
 */
import { join, resolve } from "node:path";
import { closestMatch } from "../../util/closest_match.ts";
import { ConfigError, type ConfigProblem } from "../../util/errors.ts";
import { parseEnvFile, SecretMask } from "../../config/env.ts";
import { loadConfig, sourceConfigError } from "../../config/load_config.ts";
import type { FileSourceConfig, PlutusConfig } from "../../config/plutus_config.ts";
import type { YamlFile } from "../../config/yaml_file.ts";
import { loadSchemas } from "../../config/load_table_schemas.ts";
import type { TableSchema } from "../../config/table_schema.ts";
import { type ProjectPaths, projectPaths } from "./project_paths.ts";

export { type ProjectPaths, projectPaths };

/** A project with its configuration loaded. */
export interface Project {
  paths: ProjectPaths;
  config: PlutusConfig;
  configFile: YamlFile;
  tables: Map<string, TableSchema>;
  /** A variable from the environment, else from .env. */
  env: (name: string) => string | undefined;
  secrets: SecretMask;
  /**
   * Sources plutus.yaml names that cannot run as written (a `${VAR}` without a value, a bad
   * URL, an unknown table…): not in `config.sources`; a run fails their steps with the hint.
   */
  brokenSources: Map<string, BrokenSource>;
}

/** A source set aside because of its own configuration problems. */
export interface BrokenSource {
  error: ConfigError;
  /** `kind:` as written, when it is text. */
  kind?: string;
  /** Its `files:` patterns as written: the waiting files it would read fail with its hint. */
  files: string[];
  /** Its `url:` as written (`${VAR}` references resolved where they have a value). */
  url?: string;
}

/** Loads plutus.yaml, schema/*.yaml and .env from `root`, and checks them together. */
export async function openProject(root: string): Promise<Project> {
  const envFile = await readEnv(join(resolve(root), ".env"));
  const env = (name: string) => Deno.env.get(name) ?? envFile[name];
  const { config, file, secrets: resolved, sourceProblems } = await loadConfig(
    join(resolve(root), "plutus.yaml"),
    "plutus.yaml",
    env,
    { perSource: true },
  );
  const paths = projectPaths(root, config.database, config.database_schema);
  const tables = await loadSchemas(paths.schema);
  const secrets = new SecretMask();
  for (const value of [...Object.values(envFile), ...resolved]) secrets.add(value);
  for (const [name, problems] of sourceTableProblems(config, file, tables)) {
    sourceProblems.set(name, sourceConfigError(name, problems));
    delete config.sources[name];
  }
  const brokenSources = new Map<string, BrokenSource>();
  for (const [name, error] of sourceProblems) {
    brokenSources.set(name, describeBroken(file, name, error));
  }
  return { paths, config, configFile: file, tables, env, secrets, brokenSources };
}

/** The file sources of a project, by name. */
export function fileSources(project: Project): [string, FileSourceConfig][] {
  return Object.entries(project.config.sources).filter((
    entry,
  ): entry is [string, FileSourceConfig] => entry[1].kind === "file");
}

/** Whether a broken source reads files from inbox/ (else a run asks it like an API source). */
export function brokenReadsFiles(source: BrokenSource): boolean {
  return source.kind === "file" || (source.kind !== "api" && source.files.length > 0);
}

function describeBroken(file: YamlFile, name: string, error: ConfigError): BrokenSource {
  const written = (file.value as { sources?: Record<string, Record<string, unknown> | null> })
    .sources?.[name];
  const text = (value: unknown) => (typeof value === "string" ? value : undefined);
  const files = written?.files;
  return {
    error,
    kind: text(written?.kind),
    files: typeof files === "string"
      ? [files]
      : Array.isArray(files)
      ? files.filter((f): f is string => typeof f === "string")
      : [],
    url: text(written?.url),
  };
}

/**
 * A fingerprint of the files openProject reads (name, size, modification time of
 * plutus.yaml, .env and schema/*): equal fingerprints mean an equal project, so a
 * long-lived caller such as the GUI can keep the project it opened until one changes.
 */
export async function projectFingerprint(root: string): Promise<string> {
  const base = resolve(root);
  const paths = [join(base, "plutus.yaml"), join(base, ".env")];
  try {
    for await (const entry of Deno.readDir(join(base, "schema"))) {
      paths.push(join(base, "schema", entry.name));
    }
  } catch {
    // no schema folder: openProject says so
  }
  const parts = await Promise.all(
    paths.sort().map(async (path) => {
      try {
        const info = await Deno.stat(path);
        return `${path}:${info.size}:${info.mtime?.getTime()}`;
      } catch {
        return `${path}:-`;
      }
    }),
  );
  return parts.join("\n");
}

/** The values in a .env file; none when it is absent. */
export async function readEnv(path: string): Promise<Record<string, string>> {
  try {
    return parseEnvFile(await Deno.readTextFile(path));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return {};
    throw error;
  }
}

/** Every source must feed an existing table, and map only columns that table has. */
export function checkSources(
  config: PlutusConfig,
  file: YamlFile,
  tables: Map<string, TableSchema>,
): void {
  const problems = [...sourceTableProblems(config, file, tables).values()].flat();
  if (problems.length > 0) throw new ConfigError(problems);
}

/** The sources that feed no existing table or map columns their table lacks, by name. */
export function sourceTableProblems(
  config: PlutusConfig,
  file: YamlFile,
  tables: Map<string, TableSchema>,
): Map<string, ConfigProblem[]> {
  const bySource = new Map<string, ConfigProblem[]>();
  const tableNames = [...tables.keys()];
  for (const [name, source] of Object.entries(config.sources)) {
    const problems: ConfigProblem[] = [];
    const table = tables.get(source.table);
    if (!table) {
      const guess = closestMatch(source.table, tableNames);
      problems.push({
        location: `${file.name}:${file.lineOf(["sources", name, "table"])}`,
        path: `sources.${name}.table`,
        message: `no table "${source.table}"${guess ? ` (did you mean "${guess}"?)` : ""}; ` +
          (tableNames.length > 0
            ? `tables: ${tableNames.join(", ")}`
            : "there are no tables yet: add a file such as schema/leads.yaml"),
      });
      bySource.set(name, problems);
      continue;
    }
    const columnNames = Object.keys(table.columns);
    for (const column of Object.keys(source.columns ?? {})) {
      if (columnNames.includes(column)) continue;
      const guess = closestMatch(column, columnNames);
      problems.push({
        location: `${file.name}:${file.keyLineOf(["sources", name, "columns"], column)}`,
        path: `sources.${name}.columns.${column}`,
        message: `"${column}" is not a column of table ${source.table}${
          guess ? ` (did you mean "${guess}"?)` : ""
        }; columns: ${columnNames.join(", ")} (${table.file})`,
      });
    }
    if (problems.length > 0) bySource.set(name, problems);
  }
  return bySource;
}
