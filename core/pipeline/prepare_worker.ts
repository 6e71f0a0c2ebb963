/**
 * The worker side of preparing a file: reads and parses it, and prepares the rows — except
 * when the loader has run out of work, then it hands the parsed rows over raw so the
 * loader's thread prepares them itself. Both cores stay busy whichever side is slower.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { loadRuleLibraries } from "../transform/clean/rule_libraries.ts";
import { compileBatchPreparer, type FilePlan, openTable, rulesOfPlan } from "./prepare_file.ts";
import type { ToLoader } from "./prepare_in_worker.ts";
import { packValues, transferables } from "./value_codec.ts";
import { serializeError } from "./worker_errors.ts";

// At most this many batches wait for the loader: memory stays bounded.
const AHEAD = 4;
let inFlight = 0;
let wake: (() => void) | undefined;

self.onmessage = (event: MessageEvent<{ type: "start"; plan: FilePlan } | { type: "ack" }>) => {
  if (event.data.type === "ack") {
    inFlight--;
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
        reader.info.sheet,
      );
      post({ ...opened, info: reader.info });
      for await (const batch of reader.rows()) {
        while (inFlight >= AHEAD) await new Promise<void>((resolve) => (wake = resolve));
        if (inFlight === 0) {
          // The loader is idle: let it prepare this batch while we read the next.
          // Structured clone, not JSON: raw cells may be Dates from a spreadsheet.
          post({ type: "raw", batch });
        } else {
          const prepared = prepare(batch);
          const packed = packValues(prepared.values);
          post(
            { type: "prepared", packed, batch: { ...prepared, values: [] } },
            transferables(packed),
          );
        }
        inFlight++;
      }
      post({
        type: "end",
        stopped: reader.stopped,
        blankRows: reader.blankRows,
        ignoredCells: reader.ignoredCells,
      });
    } finally {
      reader.close();
    }
    post({ type: "done" });
  } catch (error) {
    post({ type: "failed", error: serializeError(error) });
  }
}
