import assert from "node:assert/strict";
import { newStepResult, type RunResult, type StepResult } from "../core/run/events.ts";
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

Deno.test("the status box formats every count of a step's line the same way", () => {
  const broadcaster = new RunBroadcaster();
  broadcaster.handle({
    type: "step_finished",
    runId: 7,
    step: {
      ...step("ads", "succeeded"),
      rowsRead: 657_000,
      inserted: 657_000,
      updated: 1_200,
      duplicate: 0,
      rejected: 3_400,
    },
  });
  assert.equal(
    broadcaster.status.lines.at(-1),
    "ads file.csv: succeeded, 657,000 read, 657,000 inserted, 1,200 updated, 0 duplicate, 3,400 rejected",
  );
});
