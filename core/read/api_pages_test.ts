import assert from "node:assert/strict";
import { linkNext } from "./api_pages.ts";
import { getPath, leafPaths, splitPath } from "./dot_path.ts";
import { HttpClient, retryAfter } from "./http_client.ts";
import { SecretMask } from "../../config/env.ts";
import { newer } from "../pipeline/prepare_api.ts";

Deno.test("linkNext() finds rel=next in RFC 8288 Link headers as GitHub and Shopify send them", () => {
  assert.equal(
    linkNext(
      '<https://api.github.com/repos/x/issues?page=2>; rel="next", <https://api.github.com/repos/x/issues?page=5>; rel="last"',
    ),
    "https://api.github.com/repos/x/issues?page=2",
  );
  assert.equal(
    linkNext(
      '<https://shop.myshopify.com/admin/api/2024-01/orders.json?page_info=abc&limit=50>; rel="previous", <https://shop.myshopify.com/admin/api/2024-01/orders.json?page_info=def&limit=50>; rel="next"',
    ),
    "https://shop.myshopify.com/admin/api/2024-01/orders.json?page_info=def&limit=50",
  );
  assert.equal(linkNext("<https://x/?a=1,2>; rel=next"), "https://x/?a=1,2");
  assert.equal(linkNext('<https://x/2>; rel="prev next"'), "https://x/2");
  assert.equal(linkNext('<https://x/5>; rel="last"'), undefined);
  assert.equal(linkNext(null), undefined);
});

Deno.test("retryAfter() reads seconds and HTTP dates", () => {
  assert.equal(retryAfter("3"), 3000);
  assert.equal(retryAfter("0.5"), 500);
  const now = Date.parse("Wed, 26 Nov 2026 10:00:00 GMT");
  assert.equal(retryAfter("Wed, 26 Nov 2026 10:00:30 GMT", now), 30_000);
  assert.equal(retryAfter("Wed, 26 Nov 2026 09:00:00 GMT", now), 0);
  assert.equal(retryAfter("soon"), undefined);
  assert.equal(retryAfter(null), undefined);
});

Deno.test("dot paths reach into nested objects and lists", () => {
  const record = { properties: { email: "a@x.com" }, lines: [{ sku: "A" }, { sku: "B" }] };
  assert.deepEqual(splitPath("lines[1].sku"), ["lines", "1", "sku"]);
  assert.equal(getPath(record, "properties.email"), "a@x.com");
  assert.equal(getPath(record, "lines.1.sku"), "B");
  assert.equal(getPath(record, "lines[0].sku"), "A");
  assert.equal(getPath(record, "properties.phone"), undefined);
  assert.equal(getPath(record, "properties.email.domain"), undefined);
  const list = [1, 2];
  assert.equal(getPath(list, ""), list);
  assert.equal(getPath(list, "."), list);
  assert.deepEqual(leafPaths(record), ["properties.email", "lines.0.sku"]);
});

Deno.test("newer() keeps the greatest incremental value: numbers by size, dates as text", () => {
  assert.equal(newer(undefined, "2026-11-02T00:00:00Z"), "2026-11-02T00:00:00Z");
  assert.equal(newer("2026-11-02T00:00:00Z", "2026-11-01T23:59:59Z"), "2026-11-02T00:00:00Z");
  assert.equal(newer(9, 10), 10);
  assert.equal(newer(10, null), 10);
  assert.equal(newer(10, ""), 10);
});

Deno.test("rate_limit spaces requests, also when several are made at once", async () => {
  // When each request leaves, seen at fetch(): a loaded machine can only make them later,
  // never sooner, so this holds under any load (arrivals at a server would jitter).
  const sent: number[] = [];
  const realFetch = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    sent.push(performance.now());
    return realFetch(input, init);
  };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, () => {
    return Response.json({ ok: true });
  });
  try {
    const url = `http://127.0.0.1:${server.addr.port}/`;
    const client = new HttpClient({
      source: "crm",
      timeoutSeconds: 5,
      retries: 0,
      rateLimit: 20,
      headers: {},
      origin: new URL(url).origin,
      mask: new SecretMask(),
    });
    // Measured from before the first request asks for its turn: the first may leave late
    // (a loaded machine), which must not make the later ones look early.
    const start = performance.now();
    await client.getJson(url);
    await Promise.all([client.getJson(url), client.getJson(url), client.getJson(url)]);
    await client.getJson(url);
    assert.equal(sent.length, 5);
    // 20 per second: request i leaves no sooner than i × 50 ms after the first's turn
    // (timers may fire a millisecond or two early against performance.now())
    const offsets = sent.map((at) => at - start);
    const shown = offsets.map((o) => o.toFixed(0)).join(", ");
    assert.ok(offsets.every((offset, i) => offset >= i * 50 - 5), `sent at ${shown} ms`);
  } finally {
    globalThis.fetch = realFetch;
    await server.shutdown();
  }
});
