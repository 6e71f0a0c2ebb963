import assert from "node:assert/strict";
import { packValues, transferables, unpackValues } from "./value_codec.ts";

Deno.test("packed values come back exactly, through a real postMessage", async () => {
  const values = ["café", 12.5, null, "", "😀 two\nlines", -0, 1e21, "x".repeat(10_000), 0, null];
  const packed = packValues(values);
  const { port1, port2 } = new MessageChannel();
  const received = new Promise<typeof packed>((
    resolve,
  ) => (port2.onmessage = (e) => resolve(e.data)));
  port1.postMessage(packed, transferables(packed));
  assert.equal(packed.kinds.byteLength, 0, "the buffers were moved, not copied");
  assert.deepEqual(unpackValues(await received), values);
  port1.close();
  port2.close();
});
