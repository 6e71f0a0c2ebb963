import assert from "node:assert/strict";
import { join } from "node:path";
import {
  archiveFile,
  copyIntoInbox,
  finishInterruptedMoves,
  fitName,
  isPlainName,
  listInbox,
  receiveIntoInbox,
  removeStaleParts,
  scanInbox,
  sha256File,
} from "./inbox.ts";

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

/** A stream of `text`, in two chunks with a pause between, like a slow browser upload. */
function slowBody(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  const half = Math.floor(bytes.length / 2);
  return new ReadableStream({
    async start(controller) {
      controller.enqueue(bytes.slice(0, half));
      await new Promise((resolve) => setTimeout(resolve, 1));
      controller.enqueue(bytes.slice(half));
      controller.close();
    },
  });
}

Deno.test("receiveIntoInbox() claims names atomically: 5 concurrent uploads of one name keep 5 files", async () => {
  const inbox = await Deno.makeTempDir();
  try {
    const texts = Array.from({ length: 5 }, (_, i) => `email\nuser${i}@x.com\n`);
    const received = await Promise.all(
      texts.map((text) => receiveIntoInbox(slowBody(text), "leads.csv", inbox, 1 << 20)),
    );
    const names = received.map((r) => r.name).sort();
    assert.deepEqual(names, [
      "leads (2).csv",
      "leads (3).csv",
      "leads (4).csv",
      "leads (5).csv",
      "leads.csv",
    ]);
    const contents = await Promise.all(names.map((n) => Deno.readTextFile(join(inbox, n))));
    assert.deepEqual(contents.sort(), [...texts].sort(), "every upload's content is kept");
    assert.deepEqual(await listInbox(inbox), names);
  } finally {
    await Deno.remove(inbox, { recursive: true });
  }
});

Deno.test("a 251-byte name is uploaded, copied and archived twice a day; names stay ≤ 255 bytes", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const long = `${"é".repeat(100)}${"x".repeat(47)}.csv`; // 251 bytes
    assert.equal(new TextEncoder().encode(long).length, 251);
    const inbox = join(dir, "inbox");
    const archive = join(dir, "archive");
    const original = join(dir, long);
    await Deno.writeTextFile(original, "email\na@x.com\n");
    const copied = await copyIntoInbox(original, inbox);
    assert.equal(copied.name, long);
    const uploaded = await receiveIntoInbox(slowBody("email\nb@x.com\n"), long, inbox, 1 << 20);
    assert.equal(uploaded.name, fitName(long, " (2)"));
    assert.ok(uploaded.name.endsWith(" (2).csv"));
    const first = await archiveFile(join(inbox, copied.name), archive, "2026-11-30");
    await Deno.writeTextFile(join(inbox, long), "email\nc@x.com\n");
    const second = await archiveFile(join(inbox, long), archive, "2026-11-30");
    assert.equal(first, `archive/2026-11-30/${long}`);
    assert.ok(second.endsWith(" (2).csv"), second);
    for (const name of [uploaded.name, second.split("/").pop()!]) {
      assert.ok(new TextEncoder().encode(name).length <= 255, name);
    }
    assert.deepEqual(await listInbox(inbox), [uploaded.name]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("scanInbox() names the links and pipes it will not read, with what to do", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const inbox = join(dir, "inbox");
    await Deno.mkdir(inbox);
    await Deno.writeTextFile(join(dir, "secret.csv"), "email\na@x.com\n");
    await Deno.writeTextFile(join(inbox, "leads.csv"), "email\nb@x.com\n");
    await Deno.symlink(join(dir, "secret.csv"), join(inbox, "link.csv"));
    await new Deno.Command("mkfifo", { args: [join(inbox, "pipe.csv")] }).output();
    await Deno.writeTextFile(join(inbox, "leads.csv.crdownload"), "email\n");
    const { files, refused } = await scanInbox(inbox);
    assert.deepEqual(files, ["leads.csv"]);
    assert.deepEqual(refused.map((r) => r.name), ["link.csv", "pipe.csv"]);
    assert.match(refused[0]!.reason, /inbox\/link\.csv is a symbolic link/);
    assert.match(refused[0]!.hint, /Copy the file itself into inbox\//);
    assert.match(refused[1]!.reason, /not a regular file \(a named pipe/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("isPlainName() accepts a file name and nothing that leads out of inbox/", () => {
  for (const name of ["leads.csv", "leads (2).csv", "..leads.csv", "a\\b.csv"]) {
    assert.ok(isPlainName(name), name);
  }
  for (
    const name of [
      "",
      ".",
      "..",
      "../x.csv",
      "../../outside/t_secret.csv",
      "/etc/passwd",
      "a/b",
      "x\0",
    ]
  ) {
    assert.ok(!isPlainName(name), name);
  }
});

Deno.test("a move to archive/ cut short by a kill is finished: the file is in archive/ once, not in inbox/ too", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const inbox = join(dir, "inbox");
    const archive = join(dir, "archive");
    await Deno.mkdir(join(archive, "2026-11-30"), { recursive: true });
    await Deno.mkdir(inbox);
    await Deno.writeTextFile(join(inbox, "leads.csv"), "email\na@x.com\n");
    // claimName linked it into archive/ and was killed before removing the inbox/ name
    await Deno.link(join(inbox, "leads.csv"), join(archive, "2026-11-30", "leads.csv"));
    // a file the analyst hard-linked in from elsewhere stays
    await Deno.writeTextFile(join(dir, "mine.csv"), "email\nb@x.com\n");
    await Deno.link(join(dir, "mine.csv"), join(inbox, "mine.csv"));
    await Deno.writeTextFile(join(inbox, "plain.csv"), "email\nc@x.com\n");

    assert.deepEqual(await finishInterruptedMoves(inbox, archive), ["leads.csv"]);
    assert.deepEqual(await listInbox(inbox), ["mine.csv", "plain.csv"]);
    assert.equal(
      await Deno.readTextFile(join(archive, "2026-11-30", "leads.csv")),
      "email\na@x.com\n",
    );
    assert.deepEqual(await finishInterruptedMoves(inbox, join(dir, "no-archive")), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
