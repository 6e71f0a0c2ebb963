import assert from "node:assert/strict";
import { newStepResult } from "../core/pipeline/load_step.ts";
import type { RunResult, StepResult } from "../core/events.ts";
import { RunBroadcaster } from "./run_broadcaster.ts";

function finished(steps: StepResult[]): RunResult {
  return {
    id: 7,
    status: "succeeded",
    startedAt: "",
    finishedAt: "",
    steps,
    warnings: [],
    dryRun: false,
    durationMs: 5,
  };
}

function step(source: string, status: StepResult["status"]): StepResult {
  return { ...newStepResult(source, "file.csv"), status };
}

Deno.test("the status box warns when a file was left in inbox/ for want of a source", () => {
  const states: string[] = [];
  const broadcaster = new RunBroadcaster();
  broadcaster.listen((status) => states.push(status.state));
  broadcaster.handle({ type: "run_finished", run: finished([step("ads", "succeeded")]) });
  // already loaded before: nothing to do, nothing to warn of
  broadcaster.handle({ type: "run_finished", run: finished([step("ads", "skipped")]) });
  broadcaster.handle({
    type: "run_finished",
    run: finished([step("ads", "succeeded"), step("", "skipped")]),
  });
  assert.deepEqual(states, ["succeeded", "succeeded", "warning"]);
  assert.equal(broadcaster.status.message, "Run 7 succeeded: 1 loaded, 0 failed, 1 skipped");
});
