import assert from "node:assert/strict";
import { RunBroadcaster } from "../run_broadcaster.ts";
import { followStatus } from "./live_events.ts";

Deno.test("the live status: the state at connection, then every change in order, none lost while a write waits", async () => {
  const broadcaster = new RunBroadcaster();
  const sent: string[] = [];
  let release!: () => void;
  const firstWrite = new Promise<void>((resolve) => (release = resolve));
  const stop = followStatus(broadcaster, async (status) => {
    if (sent.length === 0) await firstWrite; // a slow browser or a busy machine
    sent.push(`${status.state}: ${status.message}`);
  });
  // the run ends while the first write still waits
  broadcaster.refused("another run holds the lock");
  release();
  await new Promise((resolve) => setTimeout(resolve, 0));
  broadcaster.refused("plutus.yaml does not open");
  stop();
  broadcaster.refused("after the page closed");
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.deepEqual(sent, [
    "idle: No run since the GUI started.",
    "failed: another run holds the lock",
    "failed: plutus.yaml does not open",
  ]);
});
