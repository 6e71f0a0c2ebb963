/**
 * Ctrl-C during a run: the process stops at once (the step's transaction is never committed,
 * so the database rolls it back), but first it says so in one line on stderr — which run,
 * which file was left unloaded, and how to load it again. Without it a terminal showed only
 * its prompt again, and a script's log nothing at all.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { RunEvent, RunListener } from "../core/run/events.ts";
import { printErr, terminalText, yellow } from "./output.ts";

/** The exit code of a process stopped by SIGINT (128 + 2), as shells report it. */
export const EXIT_INTERRUPTED = 130;

/** Watches a run's events; on Ctrl-C prints what was stopped and exits with 130. */
export interface InterruptWatch {
  /** Pass it the run's events (with the other listeners). */
  listener: RunListener;
  /** Stops watching: the run is over, Ctrl-C stops the process as usual again. */
  dispose(): void;
}

/**
 * Starts watching for Ctrl-C (SIGINT) during a run of the project whose inbox/ is `inbox`.
 * `dryRun`: nothing is changed whenever it stops; `progress` gets the events too.
 */
export function watchInterrupt(
  inbox: string,
  options: { dryRun?: boolean; progress?: RunListener } = {},
): InterruptWatch {
  const { dryRun = false, progress } = options;
  let runId = 0;
  let current: StepAtStop | undefined;
  const listener = (event: RunEvent) => {
    if (event.type === "run_started") runId = event.runId;
    else if (event.type === "step_started") {
      current = { source: event.source, input: event.input, committed: false };
    } else if (event.type === "step_committed" && current) {
      current.committed = true;
    } else if (event.type === "step_finished" || event.type === "run_finished") {
      current = undefined;
    }
  };
  const stop = () => {
    // the live row counter (a terminal only) is cleared first, so the line stands alone
    const clear = Deno.stderr.isTerminal() ? "\r\x1b[2K" : "";
    printErr(
      `${clear}${yellow("stopped:", true)} ${interruptMessage(inbox, runId, current, dryRun)}`,
    );
    Deno.exit(EXIT_INTERRUPTED);
  };
  const windows = Deno.build.os === "windows";
  Deno.addSignalListener("SIGINT", stop);
  if (!windows) Deno.addSignalListener("SIGTERM", stop);
  return {
    listener: (event) => {
      listener(event);
      progress?.(event);
    },
    dispose() {
      Deno.removeSignalListener("SIGINT", stop);
      if (!windows) Deno.removeSignalListener("SIGTERM", stop);
    },
  };
}

/** The step a stop fell in, and whether its rows were committed by then. */
export interface StepAtStop {
  source: string;
  input: string;
  committed: boolean;
}

/** The one line said when a run is stopped: true to what the run had done by then. */
export function interruptMessage(
  inbox: string,
  runId: number,
  current: StepAtStop | undefined,
  dryRun: boolean,
): string {
  if (dryRun) return "the dry run was stopped; nothing was changed.";
  const run = runId > 0 ? `run ${runId}` : "the run";
  if (!current) {
    return `${run} was stopped between steps: files loaded before stay loaded. ` +
      "plutus run loads the files still waiting in inbox/.";
  }
  const input = terminalText(current.input, false, true);
  if (current.committed) {
    // between the commit and the move to archive/: the next run finishes the move
    return `${run} was stopped after the rows of ${input} were committed: they are loaded, ` +
      "and the next plutus run moves the file to archive/ (it is not loaded twice).";
  }
  // a step whose input is no file waiting in inbox/ pulls an API source
  if (current.source !== "" && !existsSync(join(inbox, current.input))) {
    return `${run} was stopped while pulling source ${current.source}: nothing of this pull ` +
      "was kept. plutus rerun pulls it again.";
  }
  return `${run} was stopped while loading ${input}: nothing of it was loaded, and it ` +
    "waits in inbox/. plutus rerun loads it again.";
}
