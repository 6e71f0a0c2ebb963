/**
 * The loader's side of the worker: the same messages prepareFile() yields, produced on
 * another thread so that parsing and validating overlap with inserting. Values cross
 * packed (value_codec.ts): a third of JSON's cost on the worker, a ninth on the loader.
 *
 * @module
 */
import { reviveCells } from "../transform/cell.ts";
import {
  type BatchPreparer,
  compileBatchPreparer,
  type FilePlan,
  prepareFile,
  type PrepareMessage,
  rulesOfPlan,
} from "./prepare_file.ts";
import { loadRuleLibraries } from "../transform/clean/rule_libraries.ts";
import { unpackValues } from "./value_codec.ts";
import { deserializeError } from "./worker_errors.ts";
import type { ToLoader, ToWorker } from "./prepare_messages.ts";

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

/** Prepares a file on a worker thread, whatever its size. */
export async function* prepareInWorker(plan: FilePlan): AsyncGenerator<PrepareMessage> {
  const worker = new Worker(new URL("./prepare_worker.ts", import.meta.url).href, {
    type: "module",
  });
  const inbox: ToLoader[] = [];
  let failure: Error | undefined;
  let notify: (() => void) | undefined;
  const arrived = () => {
    notify?.();
    notify = undefined;
  };
  worker.onmessage = (event: MessageEvent<ToLoader>) => {
    inbox.push(event.data);
    arrived();
  };
  worker.onerror = (event) => {
    event.preventDefault();
    failure = new Error(`the preparing thread failed: ${event.message}`);
    arrived();
  };
  const post = (message: ToWorker) => worker.postMessage(message);
  let prepare: BatchPreparer | undefined;
  try {
    post({ type: "start", plan });
    while (true) {
      // Resumed: the loader finished the last message. Idle until the next one is here.
      const idleFrom = performance.now();
      while (inbox.length === 0 && !failure) {
        await new Promise<void>((resolve) => (notify = resolve));
      }
      const idleMs = performance.now() - idleFrom;
      const message = inbox.shift();
      if (!message) throw failure;
      switch (message.type) {
        case "done":
          return;
        case "failed":
          throw deserializeError(message.error);
        case "opened":
          // this thread prepares raw batches too: it needs the rules' libraries as well
          await loadRuleLibraries(rulesOfPlan(plan));
          prepare = compileBatchPreparer(plan, message.header, message.headerLine, message.info)
            .prepare;
          yield message;
          break;
        case "end":
          yield message;
          break;
        case "prepared":
          // Tell the worker first: it decides from this how much to hand over raw.
          post({ type: "ack", idleMs });
          yield { ...message.batch, values: unpackValues(message.packed) };
          break;
        case "raw":
          post({ type: "ack", idleMs });
          reviveCells(message.batch.rows);
          yield prepare!(message.batch);
          break;
      }
    }
  } finally {
    worker.terminate();
  }
}
