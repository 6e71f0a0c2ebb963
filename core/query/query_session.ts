/**
 * One query's conversation, the same on a worker thread (query_worker.ts) and in a child
 * process (query_child.ts): opens the query when asked, then gives one page per request.
 *
 * @module
 */
import { serializeError } from "../pipeline/worker_errors.ts";
import type { SqlValue } from "../store/mod.ts";
import { openQuery, type RowCursor } from "../store/sqlite/run_query.ts";
import type { FromQueryWorker, ToQueryWorker } from "./query_messages.ts";

/** Answers the messages of one query, in order. */
export function querySession(): (message: ToQueryWorker) => FromQueryWorker {
  let cursor: RowCursor | undefined;
  let pages: Iterator<SqlValue[][]> | undefined;
  return (message) => {
    try {
      if (message.type === "hello") return { type: "ready" };
      if (message.type === "open") {
        cursor = openQuery(message.databasePath, message.sql, message.pageRows, message.limit);
        pages = cursor.pages();
        return { type: "columns", columns: cursor.columns, origins: cursor.origins };
      }
      const next = pages!.next();
      if (next.done) {
        cursor?.close();
        return { type: "end" };
      }
      return { type: "page", rows: next.value };
    } catch (error) {
      try {
        cursor?.close();
      } catch {
        // closed already
      }
      return { type: "failed", error: serializeError(error) };
    }
  };
}
