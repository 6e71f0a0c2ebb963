import assert from "node:assert/strict";
import { join } from "node:path";
import { copyIntoInbox, listInbox, removeStaleParts, sha256File } from "./inbox.ts";

Deno.test("stale unfinished copies are removed; input files, even named .part, never", async () => {
  const inbox = await Deno.makeTempDir();
  try {
    const hourAgo = new Date(Date.now() - 2 * 3_600_000);
    for (const name of [".leads.csv.1a2b3c4d.part", "report.part", "leads.csv"]) {
      await Deno.writeTextFile(join(inbox, name), "x");
      await Deno.utime(join(inbox, name), hourAgo, hourAgo);
    }
    await Deno.writeTextFile(join(inbox, ".orders.csv.9f8e7d6c.part"), "copying now");
    await removeStaleParts(inbox);
    const left = [...Deno.readDirSync(inbox)].map((e) => e.name).sort();
    assert.deepEqual(left, [".orders.csv.9f8e7d6c.part", "leads.csv", "report.part"]);
  } finally {
    await Deno.remove(inbox, { recursive: true });
  }
});

Deno.test("copyIntoInbox() copies whole, keeps the original, and never leaves a .part", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const original = join(dir, "leads.csv");
    await Deno.writeTextFile(original, "email\na@x.com\n");
    const inbox = join(dir, "inbox");
    const copied = await copyIntoInbox(original, inbox);
    assert.deepEqual(copied, { name: "leads.csv", sha256: await sha256File(original) });
    assert.deepEqual(await copyIntoInbox(original, inbox), copied, "same content: reused");
    await Deno.writeTextFile(original, "email\nb@x.com\n");
    assert.equal((await copyIntoInbox(original, inbox)).name, "leads (2).csv");
    assert.deepEqual(await listInbox(inbox), ["leads (2).csv", "leads.csv"]);
    assert.deepEqual([...Deno.readDirSync(inbox)].filter((e) => e.name.endsWith(".part")), []);
    assert.equal(await Deno.readTextFile(original), "email\nb@x.com\n");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
