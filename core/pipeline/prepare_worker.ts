/**
 * The worker side of preparing a file: reads and parses it, and prepares the rows — except
 * for the share the loader has time for: it hands those over raw, and the loader's thread
 * prepares them itself. The loader says with each acknowledgement how long it sat idle;
 * once that idle time adds up to the cost of preparing a batch, the next batch goes raw.
 * Both cores stay busy whichever side is slower.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { RowCollector } from "../../util/gc.ts";
import { loadRuleLibraries } from "../transform/clean/rule_libraries.ts";
import {
  compileBatchPreparer,
  endOf,
  type FilePlan,
  openTable,
  rulesOfPlan,
} from "./prepare_file.ts";
import type { ToLoader, ToWorker } from "./prepare_messages.ts";
import { packValues, transferables } from "./value_codec.ts";
import { serializeError } from "./worker_errors.ts";

// At most this many batches wait for the loader: memory stays bounded.
const AHEAD = 4;
let inFlight = 0;
let wake: (() => void) | undefined;
// Milliseconds the loader sat idle that no raw batch has been sent to fill yet.
let loaderIdle = 0;

self.onmessage = (event: MessageEvent<ToWorker>) => {
  if (event.data.type === "ack") {
    inFlight--;
    loaderIdle += event.data.idleMs;
    wake?.();
    wake = undefined;
    return;
  }
  void run(event.data.plan);
};

function post(message: ToLoader, transfer: Transferable[] = []): void {
  self.postMessage(message, transfer);
}

async function run(plan: FilePlan): Promise<void> {
  try {
    await loadRuleLibraries(rulesOfPlan(plan));
    const reader = await openTable(plan);
    try {
      const { opened, prepare } = compileBatchPreparer(
        plan,
        reader.header,
        reader.headerLine,
        reader.info,
      );
      post({ ...opened, info: reader.info });
      let prepareMs = Infinity; // what preparing one batch costs, lately; unknown yet
      const collector = new RowCollector(); // memory stays flat on large files
      for await (const batch of reader.rows()) {
        collector.count(batch.rows.length);
        while (inFlight >= AHEAD) await new Promise<void>((resolve) => (wake = resolve));
        if (inFlight === 0 || loaderIdle >= prepareMs) {
          // The loader has time: let it prepare this batch while we read the next.
          // Structured clone, not JSON: raw cells may be Dates from a spreadsheet.
          loaderIdle = Math.max(0, loaderIdle - prepareMs);
          post({ type: "raw", batch });
        } else {
          const start = performance.now();
          const prepared = prepare(batch);
          const packed = packValues(prepared.values);
          post(
            { type: "prepared", packed, batch: { ...prepared, values: [] } },
            transferables(packed),
          );
          prepareMs = prepareMs === Infinity
            ? performance.now() - start
            : 0.8 * prepareMs + 0.2 * (performance.now() - start);
        }
        inFlight++;
      }
      post(endOf(reader));
    } finally {
      reader.close();
    }
    post({ type: "done" });
  } catch (error) {
    post({ type: "failed", error: serializeError(error) });
  }
}
