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

/**
 * Answers the messages of one query after another, in order ("done" gets no answer). A
 * query's cursor holds a read transaction: it is closed as soon as the caller is done, so an
 * idle process never holds back the database's checkpoints.
 */
export function querySession(): (message: ToQueryWorker) => FromQueryWorker | undefined {
  let cursor: RowCursor | undefined;
  let pages: Iterator<SqlValue[][]> | undefined;
  const closeCursor = () => {
    try {
      cursor?.close();
    } catch {
      // closed already
    }
    cursor = undefined;
    pages = undefined;
  };
  return (message) => {
    try {
      if (message.type === "hello") return { type: "ready" };
      if (message.type === "done") return void closeCursor();
      if (message.type === "open") {
        closeCursor();
        cursor = openQuery(message.databasePath, message.sql, message.pageRows, message.limit);
        pages = cursor.pages();
        return { type: "columns", columns: cursor.columns, origins: cursor.origins };
      }
      const next = pages!.next();
      if (next.done) {
        closeCursor();
        return { type: "end" };
      }
      return { type: "page", rows: next.value };
    } catch (error) {
      closeCursor();
      return { type: "failed", error: serializeError(error) };
    }
  };
}
