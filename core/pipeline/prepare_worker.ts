/**
 * The worker side of preparing a file: runs prepareFile() and posts its messages, at most
 * a few batches ahead of the loader so memory stays bounded.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { type FilePlan, prepareFile } from "./prepare_file.ts";
import { serializeError } from "./worker_errors.ts";

const AHEAD = 4;
let credits = AHEAD;
let wake: (() => void) | undefined;

self.onmessage = (event: MessageEvent<{ type: "start"; plan: FilePlan } | { type: "ack" }>) => {
  if (event.data.type === "ack") {
    credits++;
    wake?.();
    wake = undefined;
    return;
  }
  void run(event.data.plan);
};

async function run(plan: FilePlan): Promise<void> {
  try {
    for await (const message of prepareFile(plan)) {
      if (message.type === "batch") {
        while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
        credits--;
      }
      self.postMessage(message);
    }
    self.postMessage({ type: "done" });
  } catch (error) {
    self.postMessage({ type: "failed", error: serializeError(error) });
  }
}
