import assert from "node:assert/strict";
import { join } from "node:path";
import { readZipDirectory } from "../read/zip_archive.ts";
import { crc32, zipFiles } from "./zip_writer.ts";

Deno.test("crc32() gives the standard check value", () => {
  assert.equal(crc32(new TextEncoder().encode("123456789")), 0xcbf43926);
  assert.equal(crc32(new Uint8Array()), 0);
});

Deno.test("zipFiles() writes an archive unzip tests clean and extracts byte for byte", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const files = [
      {
        name: "leads.rejects-run-3.csv",
        data: new TextEncoder().encode("Email,_reason\r\nx,y\r\n"),
      },
      { name: "Bestellungen_März.rejects-run-3.csv", data: new Uint8Array([0xef, 0xbb, 0xbf, 65]) },
      { name: "empty.csv", data: new Uint8Array() },
    ];
    const path = join(dir, "rejects.zip");
    await Deno.writeFile(path, zipFiles(files));
    const test = await new Deno.Command("unzip", { args: ["-t", path], stdout: "piped" }).output();
    assert.equal(test.code, 0, new TextDecoder().decode(test.stdout));
    // every entry in order, byte for byte
    const all = await new Deno.Command("unzip", { args: ["-p", path], stdout: "piped" }).output();
    assert.equal(all.code, 0);
    assert.deepEqual(
      all.stdout,
      new Uint8Array(files.flatMap((file) => [...file.data])),
    );
    // names in UTF-8 (this unzip build shows them mangled; Plutus's own reader does not)
    using zip = await Deno.open(path);
    const entries = await readZipDirectory(zip, (await zip.stat()).size, "rejects.zip");
    assert.deepEqual(entries.map((entry) => entry.name), files.map((file) => file.name));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
