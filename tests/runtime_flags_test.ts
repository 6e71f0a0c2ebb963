import assert from "node:assert/strict";
import { join } from "node:path";
import { PERMISSIONS, RUN_FLAGS, V8_FLAGS } from "../runtime_flags.ts";
import { ROOT } from "./helpers.ts";

Deno.test("deno task plutus and deno task demo run with the executable's flags", async () => {
  const { tasks } = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json")));
  // the demo runs the CLI in-process: it never runs itself again elsewhere
  const flags: Record<string, string[]> = {
    plutus: RUN_FLAGS,
    demo: [...PERMISSIONS, ...V8_FLAGS],
  };
  for (const [task, expected] of Object.entries(flags)) {
    const words: string[] = tasks[task].split(/\s+/);
    for (const flag of expected) assert.ok(words.includes(flag), `${task} lacks ${flag}`);
    assert.ok(!words.includes("-A") && !words.includes("--allow-all"), `${task} allows all`);
  }
});
