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
  /** Stops it: a process is killed (a query stopped, timed out or failed). */
  close(): void;
  /** The query ended or its caller is done: a process may serve the next query. */
  release(): void;
  /** Why it is gone, once it ended by itself (a spare process killed while idle). */
  ended?: string;
}

let processes = false;
let keepSpare = false;
/**
 * The process the next query runs in, idle until then: one whose query ended, or one started
 * ahead after a query was stopped. Starting one takes ~0.1 s (more on a busy machine), which
 * the GUI's query page would otherwise pay on every click.
 */
let idle: { channel: QueryChannel; kill(): void } | undefined;

/**
 * Runs every later query of this process in a child process it can kill (the GUI); with
 * `spare`, keeps a process for the next query (`plutus serve`).
 */
export function useQueryProcesses(on = true, options: { spare?: boolean } = {}): void {
  processes = on;
  keepSpare = on && (options.spare ?? keepSpare);
  if (!keepSpare) closeQueryProcesses();
}

/** Ends the idle query process, if any (the GUI stopping; tests). */
export function closeQueryProcesses(): void {
  idle?.kill();
  idle = undefined;
}

/** A channel to a new query thread or process. */
export function openQueryChannel(): QueryChannel {
  if (processes) {
    try {
      const ready = idle && idle.channel.ended === undefined ? idle.channel : undefined;
      if (idle && !ready) idle.kill();
      idle = undefined;
      const channel = ready ?? childChannel();
      return keepSpare ? pooled(channel) : channel;
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

/**
 * A process kept for the next query: released, it closes its query and waits; killed (a
 * stopped query), a new one starts for the next query.
 */
function pooled(channel: QueryChannel): QueryChannel {
  const kill = channel.close;
  channel.close = () => {
    kill();
    if (!keepSpare || idle) return;
    try {
      const next = childChannel();
      idle = { channel: next, kill: next.close };
    } catch {
      // the next query starts its own
    }
  };
  channel.release = () => {
    channel.onReply = null;
    channel.onFailure = null;
    if (channel.ended !== undefined || idle || !keepSpare) return channel.close();
    channel.send({ type: "done" });
    idle = { channel, kill };
  };
  return channel;
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
    release: () => worker.terminate(),
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
      if (channel.ended !== undefined) {
        const why = channel.ended;
        queueMicrotask(() => channel.onFailure?.(why));
        return;
      }
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
    release: () => channel.close(),
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
      channel.ended = `the query's process ended (exit ${status.code})${
        stderr ? `: ${stderr.trim()}` : ""
      }`;
      channel.onFailure?.(channel.ended);
    }
  })().catch((error) => {
    if (closed) return;
    channel.ended = `the query's process failed: ${(error as Error).message}`;
    channel.onFailure?.(channel.ended);
  });
  return channel;
}

/**
 * This program: the executable itself, or deno with main.ts from source — by its name, as
 * `--allow-run=deno` allows it (Deno.execPath() may be the file a symbolic link named deno
 * points at, which that permission does not cover).
 */
function selfProgram(): string {
  return /^deno(\.exe)?$/i.test(basename(Deno.execPath())) ? "deno" : Deno.execPath();
}

function selfArgs(): string[] {
  if (!/^deno(\.exe)?$/i.test(basename(Deno.execPath()))) return [QUERY_CHILD_ARG];
  const main = fileURLToPath(new URL("../../main.ts", import.meta.url));
  return ["run", ...PERMISSIONS, ...V8_FLAGS, main, QUERY_CHILD_ARG];
}
