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
  app.get("/events", (c) =>
    streamSSE(c, async (stream) => {
      const broadcaster = c.var.gui.broadcaster;
      const send = (status: unknown) => stream.writeSSE({ data: JSON.stringify(status) });
      await send(broadcaster.status);
      const stop = broadcaster.listen((status) => void send(status).catch(() => {}));
      stream.onAbort(stop);
      while (!stream.aborted) {
        await stream.sleep(15_000);
        await stream.writeSSE({ event: "ping", data: "" }).catch(() => {});
      }
      stop();
    }));
  return app;
}
