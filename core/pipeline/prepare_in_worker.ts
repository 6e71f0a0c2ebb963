/**
 * The loader's side of the worker: the same messages prepareFile() yields, produced on
 * another thread so that parsing and validating overlap with inserting.
 *
 * @module
 */
import { type FilePlan, prepareFile, type PrepareMessage } from "./prepare_file.ts";
import { deserializeError, type SerializedError } from "./worker_errors.ts";

type WorkerMessage = PrepareMessage | { type: "done" } | { type: "failed"; error: SerializedError };

// Below this size a worker's start-up costs more than the overlap gains.
const WORKER_MIN_BYTES = 4 << 20;

/** Prepares a file on a worker when it is large enough to gain from one. */
export async function* prepareRows(plan: FilePlan, size: number): AsyncGenerator<PrepareMessage> {
  if (size < WORKER_MIN_BYTES) {
    yield* prepareFile(plan);
    return;
  }
  yield* prepareInWorker(plan);
}

async function* prepareInWorker(plan: FilePlan): AsyncGenerator<PrepareMessage> {
  const worker = new Worker(new URL("./prepare_worker.ts", import.meta.url).href, {
    type: "module",
  });
  const inbox: WorkerMessage[] = [];
  let failure: Error | undefined;
  let notify: (() => void) | undefined;
  const arrived = () => {
    notify?.();
    notify = undefined;
  };
  worker.onmessage = (event: MessageEvent<WorkerMessage>) => {
    inbox.push(event.data);
    arrived();
  };
  worker.onerror = (event) => {
    event.preventDefault();
    failure = new Error(`the preparing thread failed: ${event.message}`);
    arrived();
  };
  try {
    worker.postMessage({ type: "start", plan });
    while (true) {
      while (inbox.length === 0 && !failure) {
        await new Promise<void>((resolve) => (notify = resolve));
      }
      const message = inbox.shift();
      if (!message) throw failure;
      if (message.type === "done") return;
      if (message.type === "failed") throw deserializeError(message.error);
      yield message;
      if (message.type === "batch") worker.postMessage({ type: "ack" });
    }
  } finally {
    worker.terminate();
  }
}
