import assert from "node:assert/strict";
import { join } from "node:path";
import { RUN_FLAGS } from "../runtime_flags.ts";
import { ROOT } from "./helpers.ts";

Deno.test("deno task plutus and deno task demo run with the executable's flags", async () => {
  const { tasks } = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json")));
  for (const task of ["plutus", "demo"]) {
    const words: string[] = tasks[task].split(/\s+/);
    for (const flag of RUN_FLAGS) assert.ok(words.includes(flag), `${task} lacks ${flag}`);
    assert.ok(!words.includes("-A") && !words.includes("--allow-all"), `${task} allows all`);
  }
});
