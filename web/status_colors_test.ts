import assert from "node:assert/strict";
import { CSS } from "./assets.ts";
import { statusBadge } from "./status_colors.ts";

Deno.test("every status has its colour in the stylesheet, as a badge and as the live box's edge", () => {
  for (const status of ["running", "succeeded", "failed", "skipped", "interrupted"]) {
    assert.match(
      CSS,
      new RegExp(`\\.badge\\.${status} \\{ background: #\\w+; color: var\\(--\\w+\\); \\}`),
    );
  }
  for (const state of ["running", "succeeded", "failed", "warning"]) {
    assert.match(CSS, new RegExp(`\\.status\\[data-state=${state}\\] \\{ border-left-color: var`));
  }
  // failed and interrupted alike: both need the analyst
  const color = (status: string) => new RegExp(`\\.badge\\.${status} (\\{.*\\})`).exec(CSS)?.[1];
  assert.equal(color("interrupted"), color("failed"));
});

Deno.test("statusBadge() escapes what it is given", async () => {
  assert.equal(
    String(await statusBadge('x"><script>')),
    '<span class="badge x&quot;&gt;&lt;script&gt;">x&quot;&gt;&lt;script&gt;</span>',
  );
});
