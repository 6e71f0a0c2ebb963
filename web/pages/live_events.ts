/**
 * What every page loads besides itself: the stylesheet, the script, and /events, the live
 * status of the current run pushed to the browser (server-sent events).
 *
 * @module
 */
import type { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { CSS, JS } from "../assets.ts";
import { type GuiEnv, pageApp } from "../gui_context.ts";
import type { LiveStatus, RunBroadcaster } from "../run_broadcaster.ts";

/** GET /assets/app.css, /assets/app.js and /events. */
export function liveEvents(): Hono<GuiEnv> {
  const app = pageApp();
  app.get(
    "/assets/app.css",
    (c) => c.body(CSS, 200, { "Content-Type": "text/css; charset=utf-8" }),
  );
  app.get(
    "/assets/app.js",
    (c) => c.body(JS, 200, { "Content-Type": "text/javascript; charset=utf-8" }),
  );
  // no icon: an empty answer, not a 404 in the browser's console on every page
  app.get("/favicon.ico", (c) => c.body(null, 204));
  app.get("/events", (c) =>
    streamSSE(c, async (stream) => {
      const broadcaster = c.var.gui.broadcaster;
      const stop = followStatus(
        broadcaster,
        (status) => stream.writeSSE({ data: JSON.stringify(status) }),
      );
      stream.onAbort(stop);
      while (!stream.aborted && !broadcaster.closing.aborted) {
        await pause(15_000, broadcaster.closing);
        if (broadcaster.closing.aborted) break;
        await stream.writeSSE({ event: "ping", data: "" }).catch(() => {});
      }
      stop();
    }));
  return app;
}

/**
 * Sends the status now and every change after it, in order, one write at a time; returns
 * how to stop. Listening starts before the first write: a run that ends while that write
 * waits would otherwise go unheard, and its page show "running" until reloaded by hand.
 */
export function followStatus(
  broadcaster: RunBroadcaster,
  write: (status: LiveStatus) => Promise<unknown>,
): () => void {
  let queue: Promise<unknown> = Promise.resolve();
  const send = (status: LiveStatus) => {
    queue = queue.then(() => write(status)).catch(() => {}); // a closed page: nothing to tell
  };
  send(broadcaster.status);
  return broadcaster.listen(send);
}

/** Waits `ms`, or less when `signal` aborts; leaves no timer behind. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done);
  });
}
