import assert from "node:assert/strict";
import { join } from "node:path";
import { newestRunsFirst, readLogExcerpt } from "./log_reader.ts";

Deno.test("a long log shows whole lines from its start and its end, and counts the rest", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const lines = Array.from(
      { length: 10_000 },
      (_, i) => `2026-11-26 10:00:00 INFO line ${i + 1}: Müller → 北京`,
    );
    const path = join(dir, "run.log");
    await Deno.writeTextFile(path, `${lines.join("\n")}\n`);
    const { text, cutLines } = await readLogExcerpt(path, 40_000, 10_000);
    const shown = text.trimEnd().split("\n");
    assert.equal(shown[0], lines[0]);
    assert.equal(shown.at(-1), lines.at(-1));
    const marker = shown.findIndex((line) => line.startsWith("…"));
    assert.match(
      shown[marker]!,
      new RegExp(`^… ${cutLines.toLocaleString("en-US")} lines left out`),
    );
    assert.ok(cutLines > 8_000);
    assert.equal(shown.length - 1 + cutLines, lines.length, "every line is shown or counted");
    assert.ok(shown.every((line, i) => i === marker || lines.includes(line)), "no line cut in two");

    await Deno.writeTextFile(path, "one line\n");
    assert.deepEqual(await readLogExcerpt(path), { text: "one line\n", cutLines: 0 });
    assert.deepEqual(await readLogExcerpt(join(dir, "none.log")), { text: "", cutLines: 0 });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("newestRunsFirst() puts the newest run first and keeps each run's lines in order", () => {
  const log = [
    "… 12 lines left out: download the log for all of it …",
    "2026-11-26 10:00:00 [run 3] REJECT a.csv:2 email: bad",
    "2026-11-26 10:00:00 [run 3] ERROR  crm a.csv: failed",
    "2026-11-26 11:00:00 [run 4] REJECT b.csv:2 email: bad",
    "2026-11-26 11:00:01 [run 4] REJECT b.csv:3 email: bad",
  ].join("\n") + "\n";
  assert.equal(
    newestRunsFirst(log),
    [
      "2026-11-26 11:00:00 [run 4] REJECT b.csv:2 email: bad",
      "2026-11-26 11:00:01 [run 4] REJECT b.csv:3 email: bad",
      "2026-11-26 10:00:00 [run 3] REJECT a.csv:2 email: bad",
      "2026-11-26 10:00:00 [run 3] ERROR  crm a.csv: failed",
      "… 12 lines left out: download the log for all of it …",
    ].join("\n") + "\n",
  );
  assert.equal(newestRunsFirst(""), "");
});
