/**
 * Picks the backend a project's database location needs.
 *
 * @module
 */
import type { DatabaseLocation, StoreDriver } from "./mod.ts";
import { PgDriver } from "./postgres/pg_driver.ts";
import { SqliteDriver } from "./sqlite/sqlite_driver.ts";

/** The driver of the database at `location`. */
export function openDriver(location: DatabaseLocation): StoreDriver {
  if (location.kind === "sqlite") return new SqliteDriver(location.path);
  return new PgDriver(location);
}
