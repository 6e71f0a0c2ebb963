import assert from "node:assert/strict";
import { fetchPages, linkNext } from "./api_pages.ts";
import { getPath, leafPaths, splitPath } from "./dot_path.ts";
import { HttpClient, type JsonResponse, retryAfter } from "./http_client.ts";
import { apiSourceModel } from "../../config/api_source_model.ts";
import type { ApiSource } from "../../config/plutus_config.ts";
import { SourceError } from "../../util/errors.ts";
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
  // ids past 2^53 arrive as their digits: by size too, not as text ("9…" > "1…")
  assert.equal(newer("9999999999999999999", "10000000000000000000"), "10000000000000000000");
  assert.equal(newer(9_007_199_254_740_991, "9007199254740993"), "9007199254740993");
  assert.equal(newer("9007199254740993", 12), "9007199254740993");
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

/**
 * Pages `paginate` through answers made by `answer` from each request's query; the records
 * read, the requests made, and the error if the paging failed.
 */
async function pull(
  paginate: Record<string, unknown>,
  answer: (query: URLSearchParams) => unknown,
): Promise<{ records: unknown[]; requests: string[]; error?: SourceError }> {
  const source = apiSourceModel.parse({
    kind: "api",
    url: "https://api.example.com/v1/deals",
    auth: { type: "query", name: "api_key", value: "k3y-s3cret" },
    table: "deals",
    records: "data",
    paginate,
  }) as ApiSource;
  const requests: string[] = [];
  const client = {
    getJson(url: string): Promise<JsonResponse> {
      requests.push(url);
      const body = answer(new URL(url).searchParams);
      return Promise.resolve({ status: 200, headers: new Headers(), body, url });
    },
  } as unknown as HttpClient;
  const mask = new SecretMask();
  mask.add("k3y-s3cret");
  const records: unknown[] = [];
  try {
    for await (const page of fetchPages("deals", source, client, mask)) {
      records.push(...page.records);
    }
  } catch (error) {
    if (!(error instanceof SourceError)) throw error;
    return { records, requests, error };
  }
  return { records, requests };
}

const ALL = Array.from({ length: 8 }, (_, i) => ({ id: i }));

Deno.test("fetchPages() with offset and total goes on past a short page to the total", async () => {
  // 3 + 2 + 3 of 8: the middle page came short, and the total says more follow.
  const pages: Record<string, unknown[]> = {
    0: ALL.slice(0, 3),
    3: ALL.slice(3, 5),
    6: ALL.slice(5, 8),
  };
  const { records, requests, error } = await pull(
    { type: "offset", limit: 3, total: "meta.total" },
    (query) => ({ data: pages[query.get("offset")!] ?? [], meta: { total: 8 } }),
  );
  assert.equal(error, undefined);
  assert.equal(requests.length, 3);
  assert.deepEqual(records.map((r) => (r as { id: number }).id), [0, 1, 2, 3, 4, 5, 6, 7]);
});

Deno.test("fetchPages() fails when offset pages end short of the API's total", async () => {
  const { error, requests } = await pull(
    { type: "offset", limit: 3, total: "meta.total" },
    (query) => {
      const offset = Number(query.get("offset"));
      const data = ALL.slice(offset, offset + 3);
      return { data: offset === 3 ? data.slice(0, 2) : data, meta: { total: 8 } };
    },
  );
  assert.equal(requests.length, 3);
  assert.equal(error?.code, "api_incomplete");
  assert.equal(
    error?.message,
    "source deals: the API said there are 8 records (meta.total), but its pages ended after 7: GET https://api.example.com/v1/deals?api_key=***&offset=6&limit=3; nothing was loaded",
  );
  assert.match(error?.hint ?? "", /set limit under sources\.deals\.paginate/);
  // An empty page before the total ends the paging and fails it too.
  const empty = await pull(
    { type: "offset", limit: 3, total: "total" },
    (query) => ({ data: Number(query.get("offset")) === 0 ? ALL.slice(0, 3) : [], total: 8 }),
  );
  assert.equal(empty.requests.length, 2);
  assert.match(
    empty.error?.message ?? "",
    /there are 8 records \(total\), but its pages ended after 3/,
  );
});

Deno.test("fetchPages() without a stated total still ends at a short page", async () => {
  const { records, requests, error } = await pull(
    { type: "offset", limit: 3 },
    (query) => ({
      data: ALL.slice(Number(query.get("offset")), Number(query.get("offset")) + 3).slice(0, 2),
    }),
  );
  assert.equal(error, undefined);
  assert.equal(requests.length, 1);
  assert.equal(records.length, 2);
});

Deno.test("fetchPages() fails on an empty page while total_pages says more follow", async () => {
  const pages: Record<string, unknown[]> = { 1: ALL.slice(0, 3), 2: [], 3: ALL.slice(3, 6) };
  const { error, requests } = await pull(
    { type: "page", total_pages: "total_pages" },
    (query) => ({ data: pages[query.get("page")!] ?? [], total_pages: 3 }),
  );
  assert.equal(requests.length, 2);
  assert.equal(error?.code, "api_incomplete");
  assert.equal(
    error?.message,
    "source deals: page 2 of 3 came back empty, though the API's total_pages says 3 pages: GET https://api.example.com/v1/deals?api_key=***&page=2; nothing was loaded",
  );
  // Counted from the first page whatever `start` is; an empty last page is no gap.
  const zero = await pull(
    { type: "page", start: 0, total_pages: "total_pages" },
    (query) => ({ data: query.get("page") === "0" ? [] : ALL, total_pages: 1 }),
  );
  assert.equal(zero.error, undefined);
  const none = await pull(
    { type: "page" },
    (query) => ({ data: pages[query.get("page")!] ?? [] }),
  );
  assert.equal(none.error, undefined);
  assert.equal(none.records.length, 3);
});

Deno.test("fetchPages() reads records: null as no records; a missing path or a non-list still fails", async () => {
  const { records, requests, error } = await pull(
    { type: "cursor", cursor: "next", param: "start" },
    // Pipedrive's answer when there are no deals.
    () => ({ success: true, data: null, additional_data: { pagination: { more: false } } }),
  );
  assert.equal(error, undefined);
  assert.deepEqual(records, []);
  assert.equal(requests.length, 1);
  const missing = await pull({ type: "none" }, () => ({ items: [] }));
  assert.match(missing.error?.message ?? "", /"data" in the response is missing/);
  const text = await pull({ type: "none" }, () => ({ data: "none" }));
  assert.match(
    text.error?.message ?? "",
    /"data" in the response is not a list of records \(it is a string\)/,
  );
  const root = await pull({ type: "none" }, () => ({ data: { rows: null } }));
  assert.match(root.error?.message ?? "", /is not a list of records \(it is an object\)/);
  // null in an answer that says it failed (with HTTP 200) is a failure, not an empty page
  for (
    const failed of [
      { success: false, data: null },
      { error: "token expired", data: null },
      { success: false, error: { message: "Rate limit exceeded" }, data: [] },
    ]
  ) {
    const answer = await pull({ type: "none" }, () => failed);
    assert.match(
      answer.error?.message ?? "",
      /the API's answer says it failed.*: GET /,
    );
  }
  // and answers that say nothing failed are read as usual
  for (
    const fine of [{ error: 0, data: [{ id: 1 }] }, { errors: [], error: null, data: [{ id: 1 }] }]
  ) {
    const answer = await pull({ type: "none" }, () => fine);
    assert.equal(answer.error, undefined, JSON.stringify(fine));
    assert.deepEqual(answer.records, [{ id: 1 }]);
  }
});

Deno.test("a cursor_field id past 2^53 (a JSON number) is sent back with every digit", async () => {
  // Twitter/X-style ids: 19 digits as JSON numbers, the next page asked after the last one
  const requests: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
    const after = new URL(request.url).searchParams.get("after");
    requests.push(after ?? "");
    const body = after === null
      ? '{"data": [{"id": 1234567890123456789}, {"id": 1234567890123456791}], "more": true}'
      : '{"data": [], "more": false}';
    return new Response(body, { headers: { "content-type": "application/json" } });
  });
  try {
    const url = `http://127.0.0.1:${server.addr.port}/v1/tweets`;
    const source = apiSourceModel.parse({
      kind: "api",
      url,
      table: "tweets",
      records: "data",
      paginate: { type: "cursor", cursor_field: "id", param: "after", has_more: "more" },
    }) as ApiSource;
    const mask = new SecretMask();
    const client = new HttpClient({
      source: "tweets",
      timeoutSeconds: 5,
      retries: 0,
      headers: {},
      origin: new URL(url).origin,
      mask,
    });
    const ids: unknown[] = [];
    for await (const page of fetchPages("tweets", source, client, mask)) {
      ids.push(...page.records.map((record) => getPath(record, "id")));
    }
    assert.deepEqual(ids, ["1234567890123456789", "1234567890123456791"]);
    assert.deepEqual(requests, ["", "1234567890123456791"]);
  } finally {
    await server.shutdown();
  }
});
