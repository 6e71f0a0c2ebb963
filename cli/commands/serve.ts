/**
 * `plutus serve [--port N] [--open]`: the GUI.
 *
 * @module
 */
import { PlutusError, UsageError } from "../../util/errors.ts";
import { projectPaths } from "../../core/project/project.ts";
import { openBrowser } from "../../web/open_browser.ts";
import { startGui } from "../../web/server.ts";
import type { GlobalOptions } from "../args.ts";
import { parseCommandArgs } from "../args.ts";
import { bold, dim, print, printErr } from "../output.ts";

export const help = `Usage: plutus serve [--port N] [--open]

Starts the GUI for the project: a page to run the pipeline and watch it, see runs, logs
and rejected rows, upload files, edit sources, keys and schemas, query and export. It
listens on 127.0.0.1 only (this computer), and prints its address with an access token;
open that address in a browser. Stop it with Ctrl-C.

Options:
      --port N   the port (default 8765; 0 picks a free one)
      --open     open the address in the default browser

Examples:
  plutus serve
  plutus serve --port 9000 --open --project ~/acme`;

export async function run(args: string[], globals: GlobalOptions): Promise<number> {
  const { values } = parseCommandArgs("serve", args, {
    port: { type: "string" },
    open: { type: "boolean" },
  }, { max: 0 });
  const port = values.port === undefined ? 8765 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port takes a number from 0 to 65535; got "${values.port}"`);
  }
  const root = projectPaths(globals.project).root;
  try {
    await Deno.stat(projectPaths(root).config);
  } catch {
    throw new PlutusError(`there is no plutus.yaml in ${root}`, {
      code: "no_project",
      hint:
        "Run plutus serve inside a project folder, pass --project DIR, or create one with: plutus init DIR",
    });
  }
  let server;
  try {
    server = startGui(root, port);
  } catch (error) {
    if (error instanceof Deno.errors.AddrInUse) {
      throw new PlutusError(`port ${port} is in use (is plutus serve already running?)`, {
        code: "port_in_use",
        hint: "Choose another with --port, e.g. plutus serve --port 8766",
      });
    }
    throw error;
  }
  print(`${bold("Plutus GUI")} for ${root}`);
  print(`Open: ${server.url}`);
  print(dim("Only this computer can reach it. Stop with Ctrl-C."));
  if (values.open && !(await openBrowser(server.url))) {
    printErr("Could not open a browser: open the address above yourself.");
  }
  const stop = () => void server.shutdown();
  Deno.addSignalListener("SIGINT", stop);
  if (Deno.build.os !== "windows") Deno.addSignalListener("SIGTERM", stop);
  await server.finished;
  print("Stopped.");
  return 0;
}
