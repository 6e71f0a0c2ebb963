/**
 * `plutus serve`: the GUI on 127.0.0.1 only, with a fresh access token each start, until
 * Ctrl-C.
 *
 * @module
 */
import { collectAllNow } from "../util/gc.ts";
import { closeQueryProcesses, useQueryProcesses } from "../core/query/query_channel.ts";
import { createApp } from "./app.ts";
import { randomToken, type Secrets } from "./security.ts";

/** A running GUI. */
export interface GuiServer {
  /** The address with the access token, to open in a browser. */
  url: string;
  port: number;
  finished: Promise<void>;
  shutdown(): Promise<void>;
}

// V8 collects garbage only when a program allocates, so a GUI left open after a busy minute
// keeps its garbage, and the heap it grew, for hours. A second after the last request, one
// collection that also gives the grown heap back: idle memory after every page over a 1M-row
// project 113 -> 79 MB (bench/gui_bench.ts), for a pause of a few tens of milliseconds.
const IDLE_MS = 1000;
let idleTimer: number | undefined;
function collectWhenIdle(): void {
  if (idleTimer !== undefined) clearTimeout(idleTimer);
  idleTimer = Number(setTimeout(collectAllNow, IDLE_MS));
  Deno.unrefTimer(idleTimer); // never what keeps the process from stopping
}

/** Serves the project in `root` on 127.0.0.1:`port` (0: any free port). */
export function startGui(root: string, port: number): GuiServer {
  const secrets: Secrets = { token: randomToken(), csrf: randomToken(), port };
  // Requests are handled only after this function returns, when `app` exists.
  const server = Deno.serve(
    { hostname: "127.0.0.1", port, onListen: () => {} },
    (request, info) => {
      collectWhenIdle();
      return app.fetch(request, { info });
    },
  );
  // The port is known only now (port 0 picks one); the host check needs it.
  secrets.port = server.addr.port;
  const { app, gui } = createApp(root, secrets);
  // a query's process started ahead of each click on Run query (query_channel.ts)
  useQueryProcesses(true, { spare: true });

  return {
    url: `http://127.0.0.1:${server.addr.port}/?token=${secrets.token}`,
    port: server.addr.port,
    finished: server.finished,
    shutdown: () => {
      gui.broadcaster.close(); // open pages' live status streams end, so the answers finish
      closeQueryProcesses();
      return server.shutdown();
    },
  };
}
