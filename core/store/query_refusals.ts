/**
 * What a query is refused for, said alike by every backend (exit code 2: the SQL is
 * wrong): a write, where a query only reads, and more than one statement.
 *
 * @module
 */
import { UsageError } from "../../util/errors.ts";

/** A write refused: queries run read-only. `message` is the database's own words. */
export function readOnlyQuery(message: string): UsageError {
  return new UsageError(`queries are read-only: ${message}`, {
    code: "query_readonly",
    hint: "plutus query and export run SELECT statements only; data changes come from plutus run.",
  });
}

/** Text holding more than one statement. */
export function manyStatements(): UsageError {
  return new UsageError("the SQL holds more than one statement", {
    code: "query_many",
    hint: "Run one SELECT at a time.",
  });
}
