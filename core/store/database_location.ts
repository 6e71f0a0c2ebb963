/**
 * Where a project's data lives: `database:` of plutus.yaml, read in this one place. A
 * path (relative to the project folder; data/plutus.db when absent) is a SQLite file; a
 * postgres:// or postgresql:// URL is a PostgreSQL server.
 *
 * @module
 */
import { isAbsolute, join, resolve } from "node:path";
import { DEFAULT_DATABASE } from "../../config/database_default.ts";
import type { DatabaseLocation } from "./mod.ts";

/** The PostgreSQL schema Plutus's tables go into unless `database_schema:` says. */
export const DEFAULT_DATABASE_SCHEMA = "public";

/**
 * The location `database` names (its `${VAR}`s already filled in) for the project in
 * `root`; an empty or absent value is the default SQLite file.
 */
export function databaseLocation(
  database: string | undefined,
  root: string,
  options: { schema?: string } = {},
): DatabaseLocation {
  const value = database?.trim() || DEFAULT_DATABASE;
  if (/^postgres(ql)?:\/\//i.test(value)) {
    return { kind: "postgres", url: value, schema: options.schema ?? DEFAULT_DATABASE_SCHEMA };
  }
  return { kind: "sqlite", path: isAbsolute(value) ? value : join(resolve(root), value) };
}
