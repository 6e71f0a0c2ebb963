/**
 * For the GUI's in-process tests: a project in a temporary folder and its app, asked as
 * the browser asks it (the host, the token cookie, and for a POST the origin and the CSRF
 * field), without a server or a port.
 *
 * @module
 */
import { initProject } from "../core/init/init_project.ts";
import { createApp } from "../web/app.ts";
import type { Gui } from "../web/gui_context.ts";

const PORT = 4321;
const HOST = `127.0.0.1:${PORT}`;
const HEADERS = { host: HOST, cookie: `plutus_token_${PORT}=t` };

/** The GUI of a temporary project, asked in process. */
export interface GuiClient {
  /** The project folder. */
  dir: string;
  gui: Gui;
  get(path: string): Promise<Response>;
  /** The text of the page at `path`. */
  page(path: string): Promise<string>;
  /** A form sent as the page sends it: `fields` and the CSRF field. */
  post(path: string, fields: Record<string, string>): Promise<Response>;
}

/** Runs `test` with the GUI of a new project (the demo one by default), then removes it. */
export async function withGuiClient(
  test: (client: GuiClient) => Promise<void>,
  options: { demo?: boolean; database?: string } = {},
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "plutus-gui-" });
  try {
    await initProject(dir, { demo: options.demo ?? true, database: options.database });
    const { app, gui } = createApp(dir, { token: "t", csrf: "c", port: PORT });
    const get = async (path: string) =>
      await app.request(`http://${HOST}${path}`, { headers: HEADERS });
    await test({
      dir,
      gui,
      get,
      page: async (path) => await (await get(path)).text(),
      post: async (path, fields) =>
        await app.request(`http://${HOST}${path}`, {
          method: "POST",
          headers: {
            ...HEADERS,
            origin: `http://${HOST}`,
            "content-type": "application/x-www-form-urlencoded",
          },
          body: new URLSearchParams({ _csrf: "c", ...fields }),
        }),
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
