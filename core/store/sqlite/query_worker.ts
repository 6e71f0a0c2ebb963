/**
 * The thread a query runs on, so that a slow one (a recursive CTE, a sort of millions of
 * rows) leaves the CLI answering Ctrl-C and the time limit.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { querySession } from "../../query/query_session.ts";
import type { ToQueryWorker } from "../../query/query_messages.ts";

const answer = querySession();
self.onmessage = (event: MessageEvent<ToQueryWorker>) => {
  const reply = answer(event.data);
  if (reply) self.postMessage(reply);
};
