/**
 * A local HTTP server that behaves like the APIs analysts pull from — HubSpot's
 * paging.next.after, Stripe's has_more + starting_after, GitHub's Link headers, offset and
 * limit with a total, page numbers, a next URL — and like them on a bad day: pages that
 * end before their own total, `"data": null` for no records, 429 with
 * Retry-After, flaky 500s, slow answers, a refused key, an HTML error page, cut-off JSON —
 * and like a hostile one: next links, Link headers and redirects to another origin (a
 * second server, `stray`, records what reaches it), a file:// next link, errors that echo
 * the request URL — and, for tests of runs side by side, an answer held until the test
 * lets it go (`/held`, `hold()`). Tests and the API benchmark start it on 127.0.0.1 with a random port.
 *
 * @module
 */

/** One contact as the fake CRM serves it. */
export interface FakeRecord {
  id: string;
  updatedAt: string;
  properties: { email: string; firstname: string; lifecyclestage: string; createdate: string };
  amount: number;
}

/** A running fake API. */
export interface FakeApi {
  url: string;
  /** Requests seen, path with query, in order. */
  requests: string[];
  records: FakeRecord[];
  /** Another origin (another port): requests that reached it, with their key headers. */
  stray: { url: string; authorization: string | null; apiKey: string | null }[];
  /**
   * Holds the answers to `/held` from now until `release()`: a run asking there keeps its
   * lock as long as the test needs. `asked` settles when the first request arrives.
   */
  hold(): { asked: Promise<void>; release(): void };
  close(): Promise<void>;
}

export const TOKEN = "pk_test_5ecret-token-4242";
const STAGES = ["subscriber", "lead", "mql", "sql", "customer"];

/** Makes `count` contacts, updated one minute apart. */
export function makeRecords(count: number): FakeRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `c${String(i + 1).padStart(6, "0")}`,
    updatedAt: new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString(),
    properties: {
      email: `Contact${i + 1}@Example.com`,
      firstname: `name${i + 1}`,
      lifecyclestage: STAGES[i % STAGES.length]!,
      createdate: new Date(Date.UTC(2026, 9, 1) + i * 3_600_000).toISOString(),
    },
    amount: (i % 50) * 10.5,
  }));
}

/** Starts the server with `count` records. */
export function startFakeApi(count = 250): FakeApi {
  const records = makeRecords(count);
  const requests: string[] = [];
  const attempts = new Map<string, number>();
  const stray: FakeApi["stray"] = [];
  let held = { arrived: () => {}, released: Promise.resolve() };
  const elsewhere = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (request) => {
      stray.push({
        url: request.url,
        authorization: request.headers.get("authorization"),
        apiKey: request.headers.get("x-api-key"),
      });
      return json({ results: [] });
    },
  );
  const away = `http://127.0.0.1:${(elsewhere.addr as Deno.NetAddr).port}`;
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => {
      const url = new URL(request.url);
      requests.push(url.pathname + url.search);
      const q = url.searchParams;
      const limit = Number(q.get("limit") ?? q.get("per_page") ?? 100);
      const attempt = (key: string) => {
        const n = (attempts.get(key) ?? 0) + 1;
        attempts.set(key, n);
        return n;
      };
      const since = q.get("updated_since");
      const visible = since ? records.filter((r) => r.updatedAt > since) : records;
      switch (url.pathname) {
        case "/crm/v3/objects/contacts": { // HubSpot: paging.next.after, bearer token
          if (request.headers.get("authorization") !== `Bearer ${TOKEN}`) {
            return json({
              message: "Authentication credentials not found",
            }, 401);
          }
          const after = Number(q.get("after") ?? 0);
          const page = visible.slice(after, after + limit);
          const next = after + limit < visible.length
            ? { next: { after: String(after + limit) } }
            : undefined;
          return json({ results: page, ...(next ? { paging: next } : {}) });
        }
        case "/v1/charges": { // Stripe: has_more + starting_after (the last id)
          const start = q.get("starting_after");
          const from = start ? visible.findIndex((r) => r.id === start) + 1 : 0;
          const page = visible.slice(from, from + limit);
          return json({ object: "list", data: page, has_more: from + limit < visible.length });
        }
        case "/repos/issues": { // GitHub: Link header, body is the list
          const page = Number(q.get("page") ?? 1);
          const items = visible.slice((page - 1) * limit, page * limit);
          const headers: Record<string, string> = {};
          if (page * limit < visible.length) {
            headers.link = `<${url.origin}/repos/issues?page=${
              page + 1
            }&per_page=${limit}>; rel="next", <${url.origin}/repos/issues?page=${
              Math.ceil(visible.length / limit)
            }&per_page=${limit}>; rel="last"`;
          }
          return json(items, 200, headers);
        }
        case "/offset": { // offset/limit with a total
          const offset = Number(q.get("offset") ?? 0);
          return json({ items: visible.slice(offset, offset + limit), total: visible.length });
        }
        case "/pages": { // page numbers with total_pages
          const page = Number(q.get("page") ?? 1);
          const size = Number(q.get("page_size") ?? 100);
          return json({
            data: visible.slice((page - 1) * size, page * size),
            meta: { total_pages: Math.ceil(visible.length / size) },
          });
        }
        case "/offset-short": { // offset/limit with a total; the second page one record short
          const offset = Number(q.get("offset") ?? 0);
          const page = visible.slice(offset, offset + limit);
          return json({
            items: offset === limit ? page.slice(0, -1) : page,
            total: visible.length,
          });
        }
        case "/pages-gap": { // page numbers with total_pages; page 2 empty
          const page = Number(q.get("page") ?? 1);
          const size = Number(q.get("page_size") ?? 100);
          return json({
            data: page === 2 ? [] : visible.slice((page - 1) * size, page * size),
            meta: { total_pages: Math.ceil(visible.length / size) },
          });
        }
        case "/deals-null": // Pipedrive with no deals: data is null, not []
          return json({ success: true, data: null, additional_data: { pagination: {} } });
        case "/v1/stripe-charges": { // Stripe's charge objects: created in epoch seconds
          const start = q.get("starting_after");
          const from = start ? visible.findIndex((r) => r.id === start) + 1 : 0;
          const data = visible.slice(from, from + limit).map((r) => ({
            id: r.id,
            object: "charge",
            amount: Math.round(r.amount * 100),
            currency: "eur",
            created: Date.parse(r.properties.createdate) / 1000,
            status: "succeeded",
            billing_details: { email: r.properties.email },
          }));
          return json({ object: "list", data, has_more: from + limit < visible.length });
        }
        case "/next": { // a next URL in the body
          const from = Number(q.get("from") ?? 0);
          const more = from + limit < visible.length;
          return json({
            records: visible.slice(from, from + limit),
            links: { next: more ? `/next?from=${from + limit}&limit=${limit}` : null },
          });
        }
        case "/break-on-3": { // two good pages, then a cut-off answer
          const after = Number(q.get("after") ?? 0);
          if (after >= 2 * limit) {
            return new Response('{"results": [{"id": "c9', {
              headers: { "content-type": "application/json" },
            });
          }
          return json({
            results: visible.slice(after, after + limit),
            paging: { next: { after: String(after + limit) } },
          });
        }
        case "/loop": // a cursor that never moves on
          return json({ results: visible.slice(0, 2), paging: { next: { after: "same" } } });
        case "/flaky": // 500 twice, then fine
          return attempt(url.pathname + url.search) <= 2
            ? new Response("upstream error", { status: 500 })
            : json({ results: visible.slice(0, 5) });
        case "/always-500":
          return new Response("upstream error", { status: 503 });
        case "/limited": // 429 with Retry-After once
          return attempt(url.pathname) === 1
            ? new Response("slow down", { status: 429, headers: { "retry-after": "1" } })
            : json({ results: visible.slice(0, 3) });
        case "/held":
          held.arrived();
          await held.released;
          return json({ results: visible.slice(0, 5) });
        case "/slow":
          await new Promise((resolve) => setTimeout(resolve, 3000));
          return json({ results: [] });
        case "/html":
          return new Response("<!DOCTYPE html><html><body><h1>Sign in</h1></body></html>", {
            headers: { "content-type": "text/html" },
          });
        case "/truncated":
          return new Response(
            '{"results": [{"id": "c1", "properties": {"email": "a@x.com"}}, {"id": "c2", "prop',
            {
              headers: { "content-type": "application/json" },
            },
          );
        case "/wrong-path":
          return json({ contacts: visible.slice(0, 2), total: 2 });
        case "/next-keyed": { // a next URL without the query key; every page needs it
          if (!q.get("api_key")) return json({ message: "api_key missing" }, 401);
          const from = Number(q.get("from") ?? 0);
          return json({
            records: visible.slice(from, from + limit),
            links: {
              next: from + limit < visible.length ? `/next-keyed?from=${from + limit}` : null,
            },
          });
        }
        case "/next-away": // page 1, then a next URL on another origin
          return json({ results: visible.slice(0, 2), next: `${away}/steal?page=2` });
        case "/link-away":
          return json(visible.slice(0, 2), 200, { link: `<${away}/steal?page=2>; rel="next"` });
        case "/next-file":
          return json({ results: visible.slice(0, 2), next: "file:///etc/passwd" });
        case "/redirect-away":
          return new Response(null, { status: 302, headers: { location: `${away}/steal` } });
        case "/redirect-home": // a same-origin redirect, kept query and all
          return new Response(null, {
            status: 301,
            headers: { location: `/crm/v3/objects/contacts${url.search}` },
          });
        case "/redirect-loop":
          return new Response(null, { status: 302, headers: { location: "/redirect-loop" } });
        case "/echo-twice": { // the query's values encoded twice and by JS escape()
          const values = [...url.searchParams.values()];
          const escape = (globalThis as unknown as { escape: (text: string) => string }).escape;
          return new Response(
            `bad key: ${values.map((v) => encodeURIComponent(encodeURIComponent(v)))} ${
              values.map(escape)
            }`,
            { status: 500 },
          );
        }
        case "/echo-500": // an error page that quotes the request after 180 characters
        case "/echo-401":
        case "/echo-html":
        case "/echo-json": {
          const said = `${"x".repeat(180)} ${request.url} ${decodeURIComponent(request.url)} ${
            JSON.stringify(request.url)
          } auth=${request.headers.get("authorization")} key=${request.headers.get("x-api-key")}`;
          const status = url.pathname === "/echo-500"
            ? 500
            : url.pathname === "/echo-401"
            ? 401
            : 200;
          return url.pathname === "/echo-json"
            ? new Response(`{"cut": "${said}`, { headers: { "content-type": "application/json" } })
            : new Response(`<html><body><p>${said}</p></body></html>`, {
              status,
              headers: { "content-type": "text/html" },
            });
        }
        default:
          return json({ error: "not found" }, 404);
      }
    },
  );
  const address = server.addr as Deno.NetAddr;
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    records,
    stray,
    hold() {
      const asked = Promise.withResolvers<void>();
      const released = Promise.withResolvers<void>();
      held = { arrived: asked.resolve, released: released.promise };
      return { asked: asked.promise, release: released.resolve };
    },
    close: async () => {
      await server.shutdown();
      await elsewhere.shutdown();
    },
  };
}

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}
