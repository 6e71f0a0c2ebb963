/**
 * Where a query runs: a worker thread, or a child process. SQLite cannot be interrupted from
 * outside its thread (node:sqlite has no interrupt nor progress handler), so a worker that is
 * stopped keeps its core busy until the statement ends — for a recursive CTE without end,
 * until the process exits. That is fine for a CLI command, which exits; the GUI's server
 * lives on, so its queries run in a process that a stop kills (useQueryProcesses()).
 *
 * @module
 */
import { basename } from "node:path";
import { fileURLToPath } from "node:url";
import { PERMISSIONS, V8_FLAGS } from "../../runtime_flags.ts";
import { decodeLine, encodeLine } from "./line_messages.ts";
import type { FromQueryWorker, ToQueryWorker } from "./query_messages.ts";

/** The first argument that makes the program a query process (main.ts). */
export const QUERY_CHILD_ARG = "__query";

/** A query's thread or process, as the caller talks to it. */
export interface QueryChannel {
  send(message: ToQueryWorker): void;
  onReply: ((reply: FromQueryWorker) => void) | null;
  /** The thread or process failed or ended without answering. */
  onFailure: ((message: string) => void) | null;
  /** Stops it: a process is killed. */
  close(): void;
}

let processes = false;

/** Runs every later query of this process in a child process it can kill (the GUI). */
export function useQueryProcesses(on = true): void {
  processes = on;
}

/** A channel to a new query thread or process. */
export function openQueryChannel(): QueryChannel {
  if (processes) {
    try {
      return childChannel();
    } catch (error) {
      // Not allowed to run itself (an executable not on the PATH): a thread still keeps the
      // server answering, only a stopped query's core stays busy.
      if (!(error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.NotFound)) {
        throw error;
      }
    }
  }
  return workerChannel();
}

function workerChannel(): QueryChannel {
  const worker = new Worker(new URL("../store/sqlite/query_worker.ts", import.meta.url).href, {
    type: "module",
  });
  const channel: QueryChannel = {
    send: (message) => worker.postMessage(message),
    onReply: null,
    onFailure: null,
    close: () => worker.terminate(),
  };
  worker.onmessage = (event: MessageEvent<FromQueryWorker>) => channel.onReply?.(event.data);
  worker.onerror = (event) => {
    event.preventDefault();
    channel.onFailure?.(`the query's thread failed: ${event.message}`);
  };
  return channel;
}

function childChannel(): QueryChannel {
  const child = new Deno.Command(selfProgram(), {
    args: selfArgs(),
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const input = child.stdin.getWriter();
  const encoder = new TextEncoder();
  let closed = false;
  let stderr = "";
  const channel: QueryChannel = {
    send: (message) => {
      input.write(encoder.encode(encodeLine(message))).catch(() => {});
    },
    onReply: null,
    onFailure: null,
    close: () => {
      if (closed) return;
      closed = true;
      input.close().catch(() => {});
      try {
        child.kill("SIGKILL");
      } catch {
        // ended already
      }
    },
  };
  (async () => {
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
      stderr = (stderr + chunk).slice(-2000);
    }
  })().catch(() => {});
  (async () => {
    let buffered = "";
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
      buffered += chunk;
      let end: number;
      while ((end = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 1);
        channel.onReply?.(decodeLine(line) as FromQueryWorker);
      }
    }
    const status = await child.status;
    if (!closed) {
      channel.onFailure?.(
        `the query's process ended (exit ${status.code})${stderr ? `: ${stderr.trim()}` : ""}`,
      );
    }
  })().catch((error) => {
    if (!closed) channel.onFailure?.(`the query's process failed: ${(error as Error).message}`);
  });
  return channel;
}

/** This program: the executable itself, or deno with main.ts from source. */
function selfProgram(): string {
  return Deno.execPath();
}

function selfArgs(): string[] {
  if (!/^deno(\.exe)?$/i.test(basename(Deno.execPath()))) return [QUERY_CHILD_ARG];
  const main = fileURLToPath(new URL("../../main.ts", import.meta.url));
  return ["run", ...PERMISSIONS, ...V8_FLAGS, main, QUERY_CHILD_ARG];
}
