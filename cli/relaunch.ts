/**
 * Plutus may write only inside the folder it runs in (`--allow-write=.`, see
 * runtime_flags.ts). When a command names a project — or, for `init`, a new folder —
 * elsewhere, Plutus runs itself again in that folder, with the same confined permissions,
 * and hands back the exit code. The caller's folder travels as PLUTUS_CWD, so relative paths
 * on the command line keep their meaning.
 *
 * @module
 */
import { basename, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { UsageError } from "../util/errors.ts";
import { RUN_FLAGS } from "../runtime_flags.ts";

/** The folder a command writes in: the project, or the folder `init` creates. */
export function writeRoot(command: string, rest: readonly string[], project: string): string {
  if (command === "init") {
    const dir = rest.find((arg) => !arg.startsWith("-"));
    return resolve(dir ?? project);
  }
  return resolve(project);
}

/**
 * Runs Plutus again in `root` (its nearest existing folder) when this process started
 * elsewhere and may write only where it started; returns the exit code, or undefined when
 * this process should go on itself.
 */
export async function relaunchIfConfined(
  argv: readonly string[],
  root: string,
  startedIn: string,
): Promise<number | undefined> {
  // Unconfined (the tests, `deno task schemas`): nothing to move for.
  if (Deno.permissions.querySync({ name: "write" }).state === "granted") return undefined;
  const folder = nearestFolder(root);
  if (sameFolder(folder, startedIn)) return undefined;
  const [program, ...args] = selfCommand(argv);
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(program!, {
      args,
      cwd: folder,
      env: { PLUTUS_CWD: Deno.cwd() },
      stdin: "inherit",
      stdout: "inherit",
      stderr: "inherit",
    }).spawn();
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
      throw new UsageError(
        `Plutus writes only inside the folder it runs in, and ${root} is elsewhere`,
        {
          hint: `Run it from there: cd "${folder}" && plutus ${
            argv.join(" ")
          } (or put plutus on your PATH: then it moves there by itself)`,
        },
      );
    }
    throw error;
  }
  // Ctrl-C reaches the child too (same process group): it stops; this process waits for it.
  const ignore = () => {};
  Deno.addSignalListener("SIGINT", ignore);
  try {
    return (await child.status).code;
  } finally {
    Deno.removeSignalListener("SIGINT", ignore);
  }
}

/** This program again: the executable itself, or `deno run` of main.ts from source. */
function selfCommand(argv: readonly string[]): string[] {
  if (!/^deno(\.exe)?$/i.test(basename(Deno.execPath()))) return [Deno.execPath(), ...argv];
  return ["deno", "run", ...RUN_FLAGS, fileURLToPath(Deno.mainModule), ...argv];
}

function sameFolder(a: string, b: string): boolean {
  try {
    return Deno.realPathSync(a) === Deno.realPathSync(b);
  } catch {
    return false;
  }
}

function nearestFolder(path: string): string {
  for (let dir = path;; dir = dirname(dir)) {
    try {
      if (Deno.statSync(dir).isDirectory) return dir;
    } catch {
      // not there (yet): try its parent
    }
    if (dirname(dir) === dir) return dir;
  }
}
