/**
 * Picks the backend a project's database location needs.
 *
 * @module
 */
import { StoreError } from "../../util/errors.ts";
import type { DatabaseLocation, StoreDriver } from "./mod.ts";
import { SqliteDriver } from "./sqlite/sqlite_driver.ts";

/** The driver of the database at `location`. */
export function openDriver(location: DatabaseLocation): StoreDriver {
  if (location.kind === "sqlite") return new SqliteDriver(location.path);
  throw new StoreError("PostgreSQL databases are not available in this version of Plutus", {
    code: "db_unsupported",
    hint: "Set database: to a file path in plutus.yaml (data/plutus.db is the default).",
  });
}
