/**
 * Where a project's parts live, and finding them without loading the configuration: the
 * commands that only read the database (status, logs, query, export, rejects) start fast
 * and keep working while plutus.yaml has a mistake the analyst is fixing.
 *
 * @module
 */
import { join, resolve } from "node:path";
import { parseEnv } from "node:util";
import { ConfigError } from "../../util/errors.ts";
import { noValueMessage, resolveDatabaseVars } from "../../config/env.ts";
import type { DatabaseLocation } from "../store/mod.ts";
import { databaseLocation } from "../store/database_location.ts";

/** Where a project's parts live. */
export interface ProjectPaths {
  root: string;
  config: string;
  schema: string;
  env: string;
  inbox: string;
  archive: string;
  logs: string;
  exports: string;
  /** Where the data lives (core/store/open_driver.ts opens it). */
  database: DatabaseLocation;
}

/**
 * The paths of a project in `root`; `database` is the value of `database:` in plutus.yaml,
 * `schema` that of `database_schema:`.
 */
export function projectPaths(root: string, database?: string, schema?: string): ProjectPaths {
  const dir = resolve(root);
  return {
    root: dir,
    config: join(dir, "plutus.yaml"),
    schema: join(dir, "schema"),
    env: join(dir, ".env"),
    inbox: join(dir, "inbox"),
    archive: join(dir, "archive"),
    logs: join(dir, "logs"),
    exports: join(dir, "exports"),
    database: databaseLocation(database, dir, { schema }),
  };
}

/**
 * The paths of the project in `root`, reading only the `database:` line of plutus.yaml (a
 * top-level key holding one value, quoted or not, `${VAR}` allowed), not validating the rest.
 */
export async function locateProject(root: string): Promise<ProjectPaths> {
  const paths = projectPaths(root);
  let text: string;
  try {
    text = await Deno.readTextFile(paths.config);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new ConfigError([{
        location: "plutus.yaml",
        path: "",
        message: `not found at ${paths.config}`,
      }], {
        code: "no_project",
        hint:
          "Run Plutus inside a project folder, pass --project DIR, or create one with: plutus init DIR",
      });
    }
    throw error;
  }
  const line = /^database:[ \t]*("[^"]*"|'[^']*'|[^#\r\n]*?)[ \t]*(?:#.*)?\r?$/m.exec(text);
  let database = line?.[1]?.replace(/^(["'])(.*)\1$/, "$2") ?? "";
  if (database.includes("${")) database = await withVariables(database, paths.env);
  const schema = /^database_schema:[ \t]*["']?([a-z_][a-z0-9_]*)["']?[ \t]*(?:#.*)?\r?$/m
    .exec(text)?.[1];
  return projectPaths(root, database, schema);
}

async function withVariables(text: string, envFile: string): Promise<string> {
  let fromFile: Record<string, string> = {};
  try {
    fromFile = parseEnv(await Deno.readTextFile(envFile)) as Record<string, string>;
  } catch {
    // no .env: the environment alone
  }
  const missing: string[] = [];
  const resolved = resolveDatabaseVars(
    text,
    (name) => Deno.env.get(name) ?? fromFile[name],
    missing,
  );
  if (missing.length > 0) {
    // as plutus run says it: connecting with an empty password would blame the password
    throw new ConfigError([{
      location: "plutus.yaml",
      path: "database",
      message: noValueMessage(missing[0]!),
    }], {
      code: "database_url",
      hint: `Put the value in the project's .env as ${
        missing[0]
      }=… (for the password, the GUI's Database page does it for you).`,
    });
  }
  return resolved;
}
