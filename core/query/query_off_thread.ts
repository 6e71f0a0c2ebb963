/**
 * Ad hoc SQL off the main thread, within a time limit and cancellable: the GUI's pages and
 * a run's live status keep answering while a query works, and a query that runs too long
 * (a recursive CTE without end) is stopped with a message instead of holding the server.
 * Where it runs — a worker thread, or a child process the GUI can kill — is
 * query_channel.ts's choice.
 *
 * @module
 */
import { PlutusError } from "../../util/errors.ts";
import { deserializeError } from "../pipeline/worker_errors.ts";
import type { ColumnOrigin, FromQueryWorker, ToQueryWorker } from "./query_messages.ts";
import { openQueryChannel } from "./query_channel.ts";
import type { SqlValue } from "../store/mod.ts";

/** The default of `query_timeout_seconds:` in plutus.yaml. */
export const DEFAULT_QUERY_TIMEOUT_SECONDS = 30;

/** How long a query may work, and a way to cancel it. */
export interface QueryLimits {
  /** The longest wait for the query's first (or next) rows, in seconds. */
  timeoutSeconds: number;
  /** Aborting it stops the query. */
  signal?: AbortSignal;
}

/** An open query on its own thread: its columns, then its rows page by page. */
export interface OffThreadCursor {
  columns: string[];
  /** Each column's table and column of origin (both null for an expression). */
  origins: ColumnOrigin[];
  pages(): AsyncGenerator<SqlValue[][]>;
  close(): void;
}

/** Opens `sql` on a worker; every wait for it is bounded by `limits`. */
export async function openQueryOffThread(
  databasePath: string,
  sql: string,
  limits: QueryLimits,
  options: { pageRows?: number; limit?: number } = {},
): Promise<OffThreadCursor> {
  const channel = openQueryChannel();
  let closed = false;
  // Stopped (time limit, cancel, a broken thread or process): killed.
  const close = () => {
    if (closed) return;
    closed = true;
    channel.close();
  };
  // Done with (its end, enough rows, an SQL error): a process may serve the next query.
  const release = () => {
    if (closed) return;
    closed = true;
    channel.release();
  };
  const ask = (
    message: ToQueryWorker,
    seconds = limits.timeoutSeconds,
  ): Promise<FromQueryWorker> =>
    new Promise((resolve, reject) => {
      const done = (settle: () => void) => {
        clearTimeout(timer);
        limits.signal?.removeEventListener("abort", cancelled);
        channel.onReply = null;
        channel.onFailure = null;
        settle();
      };
      const cancelled = () => {
        close();
        done(() =>
          reject(
            new PlutusError("the query was cancelled", {
              code: "query_cancelled",
              hint: "Nothing was changed; run it again when you are ready.",
            }),
          )
        );
      };
      const timer = setTimeout(() => {
        close();
        done(() => reject(message.type === "hello" ? notStarted(seconds) : timedOut(seconds)));
      }, seconds * 1000);
      if (limits.signal?.aborted) return cancelled();
      limits.signal?.addEventListener("abort", cancelled, { once: true });
      channel.onReply = (reply) => done(() => resolve(reply));
      channel.onFailure = (failure) => {
        close();
        done(() => reject(new Error(failure)));
      };
      channel.send(message);
    });
  const answer = async (message: ToQueryWorker) => {
    const reply = await ask(message);
    if (reply.type === "failed") {
      release();
      throw deserializeError(reply.error);
    }
    return reply;
  };
  try {
    // The time limit is the query's: its thread or process starting (slow on a busy machine)
    // is not counted in it, but bounded on its own.
    await ask({ type: "hello" }, Math.max(STARTUP_SECONDS, limits.timeoutSeconds));
    const opened = await answer({ type: "open", databasePath, sql, ...options });
    const columns = opened.type === "columns" ? opened.columns : [];
    const origins = opened.type === "columns" ? opened.origins : [];
    return {
      columns,
      origins,
      async *pages() {
        try {
          while (true) {
            const reply = await answer({ type: "next" });
            if (reply.type !== "page") return;
            yield reply.rows;
          }
        } finally {
          release();
        }
      },
      close: release,
    };
  } catch (error) {
    close();
    throw error;
  }
}

/**
 * `query_timeout_seconds:` from plutus.yaml, read without validating the rest (as
 * locateProject reads `database:`), so queries keep working while a source is being fixed.
 */
export async function readQueryTimeout(configPath: string): Promise<number> {
  const text = await Deno.readTextFile(configPath).catch(() => "");
  const line = /^query_timeout_seconds:[ \t]*([0-9.]+)[ \t]*(?:#.*)?\r?$/m.exec(text);
  const seconds = Number(line?.[1]);
  return Number.isFinite(seconds) && seconds > 0 ? seconds : DEFAULT_QUERY_TIMEOUT_SECONDS;
}

/** The longest wait for a query's thread or process to start. */
const STARTUP_SECONDS = 60;

function notStarted(seconds: number): PlutusError {
  return new PlutusError(`the query could not start within ${seconds} s`, {
    code: "query_timeout",
    hint: "The machine is very busy, or Plutus cannot start its query process; try again.",
  });
}

function timedOut(seconds: number): PlutusError {
  return new PlutusError(
    `the query was stopped after ${seconds} s: it ran longer than query_timeout_seconds`,
    {
      code: "query_timeout",
      hint:
        "Make it do less (a WHERE, a LIMIT, fewer joins; a recursive CTE needs a condition that ends it), or raise query_timeout_seconds in plutus.yaml.",
    },
  );
}
