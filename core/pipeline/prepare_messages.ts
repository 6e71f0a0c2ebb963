/**
 * The messages between the loader (prepare_in_worker.ts) and the thread that prepares a
 * file for it (prepare_worker.ts): here, so that neither imports the other.
 *
 * @module
 */
import type { RowBatch } from "../read/table_reader.ts";
import type { FilePlan, PrepareMessage } from "./prepare_file.ts";
import type { PackedValues } from "./value_codec.ts";
import type { SerializedError } from "./worker_errors.ts";

/** What the worker posts to the loader. */
export type ToLoader =
  | Extract<PrepareMessage, { type: "opened" | "end" }>
  | { type: "prepared"; packed: PackedValues; batch: Extract<PrepareMessage, { type: "batch" }> }
  | { type: "raw"; batch: RowBatch }
  | { type: "done" }
  | { type: "failed"; error: SerializedError };

/** What the loader posts to the worker. */
export type ToWorker = { type: "start"; plan: FilePlan } | { type: "ack"; idleMs: number };
