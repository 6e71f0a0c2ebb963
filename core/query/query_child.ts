/**
 * The process a GUI query runs in (`plutus __query`): SQLite cannot be interrupted from
 * outside its thread, so a query the GUI stops must be a process it can kill, or a runaway
 * statement would keep a core busy for as long as the server runs. Reads one message per
 * line on stdin, writes one answer per line on stdout (line_messages.ts).
 *
 * @module
 */
import { querySession } from "./query_session.ts";
import { decodeLine, encodeLine } from "./line_messages.ts";
import type { ToQueryWorker } from "./query_messages.ts";

/** Serves queries, one after another, over stdin/stdout until stdin closes. */
export async function serveQueryChild(): Promise<void> {
  const answer = querySession();
  const out = Deno.stdout.writable.getWriter();
  const encoder = new TextEncoder();
  let buffered = "";
  for await (const chunk of Deno.stdin.readable.pipeThrough(new TextDecoderStream())) {
    buffered += chunk;
    let end: number;
    while ((end = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 1);
      const reply = answer(decodeLine(line) as ToQueryWorker);
      if (reply) await out.write(encoder.encode(encodeLine(reply)));
    }
  }
}
