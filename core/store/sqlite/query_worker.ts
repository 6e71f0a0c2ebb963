/**
 * The thread a query runs on, so that a slow one (a recursive CTE, a sort of millions of
 * rows) leaves the GUI's pages and a run's live status answering. Opens the query when
 * asked, then gives one page per request.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { serializeError } from "../../pipeline/worker_errors.ts";
import type { SqlValue } from "../mod.ts";
import { openQuery, type RowCursor } from "./run_query.ts";
import type { ToQueryWorker } from "../../query/query_off_thread.ts";

let cursor: RowCursor | undefined;
let pages: Iterator<SqlValue[][]> | undefined;

self.onmessage = (event: MessageEvent<ToQueryWorker>) => {
  const message = event.data;
  try {
    if (message.type === "open") {
      cursor = openQuery(message.databasePath, message.sql, message.pageRows, message.limit);
      pages = cursor.pages();
      self.postMessage({ type: "columns", columns: cursor.columns });
      return;
    }
    const next = pages!.next();
    if (next.done) {
      cursor?.close();
      self.postMessage({ type: "end" });
    } else {
      self.postMessage({ type: "page", rows: next.value });
    }
  } catch (error) {
    try {
      cursor?.close();
    } catch {
      // closed already
    }
    self.postMessage({ type: "failed", error: serializeError(error) });
  }
};
