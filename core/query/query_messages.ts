/**
 * What Plutus and a query's thread or process say to each other (query_channel.ts).
 *
 * @module
 */
import type { SqlValue } from "../store/mod.ts";
import type { SerializedError } from "../pipeline/worker_errors.ts";

/** Where a result column comes from (both null for an expression). */
export type ColumnOrigin = { table: string | null; column: string | null };

/** What the main thread asks the query's thread. */
export type ToQueryWorker =
  | { type: "hello" }
  /** The caller is done with the query (maybe before its end): close it; no answer. */
  | { type: "done" }
  | { type: "open"; databasePath: string; sql: string; pageRows?: number; limit?: number }
  | { type: "next" };

/** What the query's thread answers. */
export type FromQueryWorker =
  | { type: "ready" }
  | { type: "columns"; columns: string[]; origins: ColumnOrigin[] }
  | { type: "page"; rows: SqlValue[][] }
  | { type: "end" }
  | { type: "failed"; error: SerializedError };
