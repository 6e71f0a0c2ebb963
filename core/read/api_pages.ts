/**
 * Pages through an API: builds each request (params, key, page or cursor), pulls the
 * records out of each answer, and follows the source's pagination style until the last
 * page — requesting the next page while the current one is being loaded. A cursor or URL
 * that comes back twice, more pages than max_pages, or pages that end before the total the
 * API itself stated, stop the step with an error rather than loop or load half.
 *
 * @module
 */
import { SourceError } from "../../util/errors.ts";
import type { SecretMask } from "../../config/env.ts";
import type { AuthConfig, PaginateConfig } from "../../config/api_source_model.ts";
import type { ApiSource } from "../../config/plutus_config.ts";
import { getPath } from "./dot_path.ts";
import type { HttpClient, JsonResponse } from "./http_client.ts";

/** One page of records. */
export interface ApiPage {
  /** 1 for the first page. */
  number: number;
  url: string;
  records: unknown[];
}

interface Cursor {
  page: number;
  offset: number;
  cursor?: string;
  url?: string;
}

/** The headers a source sends: its own, and its key. */
export function authHeaders(source: ApiSource): Record<string, string> {
  const headers = { ...source.headers };
  const auth = source.auth;
  if (auth?.type === "bearer") headers.Authorization = `Bearer ${auth.token}`;
  if (auth?.type === "header") headers[auth.name] = auth.value;
  if (auth?.type === "basic") {
    headers.Authorization = `Basic ${btoa(`${auth.username}:${auth.password}`)}`;
  }
  return headers;
}

/**
 * Where and how a source's requests carry its key: its headers, the one origin they may
 * go to (its url's), and a query key to set on every page, next links included.
 */
export function requestAuth(
  source: ApiSource,
): { headers: Record<string, string>; origin: string; query?: { name: string; value: string } } {
  const auth = source.auth;
  return {
    headers: authHeaders(source),
    origin: new URL(source.url).origin,
    query: auth?.type === "query" ? { name: auth.name, value: auth.value } : undefined,
  };
}

/** The secret parts of a source's auth, to add to the mask. */
export function authSecrets(auth: AuthConfig | undefined): string[] {
  if (!auth) return [];
  if (auth.type === "bearer") return [auth.token];
  if (auth.type === "basic") return [auth.password, btoa(`${auth.username}:${auth.password}`)];
  return [auth.value];
}

/** Reads every page of `source`; `since` is the incremental value to ask from. */
export async function* fetchPages(
  name: string,
  source: ApiSource,
  client: HttpClient,
  mask: SecretMask,
  since?: string | number,
): AsyncGenerator<ApiPage> {
  const paginate = source.paginate;
  let state: Cursor = { page: "start" in paginate ? paginate.start : 1, offset: 0 };
  let request = firstUrl(source, state, since);
  const seen = new Set<string>();
  let received = 0;
  let pending: Promise<JsonResponse> | undefined = client.getJson(request);
  for (let number = 1; pending; number++) {
    const response = await pending;
    pending = undefined;
    const records = recordsOf(response.body, source.records, name, request, mask);
    received += records.length;
    const next = nextRequest(paginate, response, records, state, source, since);
    const shortfall = next
      ? undefined
      : endedEarly(paginate, response.body, records, state, received);
    if (shortfall) {
      throw new SourceError(
        `source ${name}: ${shortfall}: GET ${mask.maskUrl(request)}; nothing was loaded`,
        {
          code: "api_incomplete",
          location: mask.maskUrl(request),
          hint: paginate.type === "offset"
            ? `The pages held fewer records than the API's own total, so the pull is incomplete. If the API serves fewer than ${paginate.limit} per page, set limit under sources.${name}.paginate to what it serves; otherwise run again later (records may have changed while paging).`
            : `The API said more pages follow, so the pull is incomplete. Run again later; if it stays so, check params under sources.${name} and ask the API's owner.`,
        },
      );
    }
    if (next) {
      const key = next.url;
      if (seen.has(key) || key === request) {
        throw new SourceError(
          `source ${name}: the API sent the same ${
            paginate.type === "cursor" ? "cursor" : "next page"
          } twice (page ${number}): it would never end`,
          {
            code: "api_loop",
            location: mask.maskUrl(request),
            hint: `Check paginate under sources.${name} in plutus.yaml.`,
          },
        );
      }
      seen.add(key);
      if (number >= source.max_pages) {
        throw new SourceError(
          `source ${name}: more than max_pages (${source.max_pages}) pages; nothing was loaded`,
          {
            code: "api_max_pages",
            location: mask.maskUrl(request),
            hint:
              `Raise max_pages under sources.${name} if the API really has this many, or narrow params.`,
          },
        );
      }
      // Ask for the next page now; it travels while this one is loaded.
      pending = client.getJson(next.url);
      pending.catch(() => {}); // handled when awaited; not an unhandled rejection meanwhile
      state = next.state;
    }
    yield { number, url: request, records };
    if (next) request = next.url;
  }
}

function firstUrl(source: ApiSource, state: Cursor, since: string | number | undefined): string {
  const url = new URL(source.url);
  for (const [key, value] of Object.entries(source.params)) {
    url.searchParams.set(key, String(value));
  }
  if (source.auth?.type === "query") url.searchParams.set(source.auth.name, source.auth.value);
  if (since !== undefined && source.incremental) {
    url.searchParams.set(source.incremental.param, String(since));
  }
  const paginate = source.paginate;
  if (paginate.type === "page") {
    url.searchParams.set(paginate.param, String(state.page));
    if (paginate.size_param && paginate.size) {
      url.searchParams.set(paginate.size_param, String(paginate.size));
    }
  }
  if (paginate.type === "offset") {
    url.searchParams.set(paginate.param, "0");
    url.searchParams.set(paginate.limit_param, String(paginate.limit));
  }
  return url.href;
}

function withParam(url: string, param: string, value: string): string {
  const next = new URL(url);
  next.searchParams.set(param, value);
  return next.href;
}

function nextRequest(
  paginate: PaginateConfig,
  response: JsonResponse,
  records: unknown[],
  state: Cursor,
  source: ApiSource,
  since: string | number | undefined,
): { url: string; state: Cursor } | undefined {
  const body = response.body;
  switch (paginate.type) {
    case "none":
      return undefined;
    case "page": {
      if (records.length === 0) return undefined;
      const total = statedTotal(body, paginate.total_pages);
      if (Number.isFinite(total) && state.page >= total) return undefined;
      const page = state.page + 1;
      return {
        url: withParam(response.url, paginate.param, String(page)),
        state: { ...state, page },
      };
    }
    case "offset": {
      const offset = state.offset + paginate.limit;
      const total = statedTotal(body, paginate.total);
      // With a stated total a short page is not the end (an API may trim a page); the total is.
      const last = Number.isFinite(total)
        ? offset >= total || records.length === 0
        : records.length < paginate.limit;
      if (last) return undefined;
      return {
        url: withParam(response.url, paginate.param, String(offset)),
        state: { ...state, offset },
      };
    }
    case "cursor": {
      if (paginate.has_more !== undefined && !getPath(body, paginate.has_more)) return undefined;
      const cursor = paginate.cursor !== undefined
        ? getPath(body, paginate.cursor)
        : records.length > 0
        ? getPath(records[records.length - 1], paginate.cursor_field!)
        : undefined;
      if (cursor === undefined || cursor === null || cursor === "") return undefined;
      const first = firstUrl(source, state, since);
      return {
        url: withParam(first, paginate.param, String(cursor)),
        state: { ...state, cursor: String(cursor) },
      };
    }
    case "next_url": {
      const next = getPath(body, paginate.next);
      if (typeof next !== "string" || next === "") return undefined;
      return { url: new URL(next, response.url).href, state };
    }
    case "link_header": {
      const next = linkNext(response.headers.get("link"));
      return next ? { url: new URL(next, response.url).href, state } : undefined;
    }
  }
}

/** The number an answer states at `path` (total records or pages), or NaN when it states none. */
function statedTotal(body: unknown, path: string | undefined): number {
  const value = path === undefined ? undefined : getPath(body, path);
  return typeof value === "number" || (typeof value === "string" && value.trim() !== "")
    ? Number(value)
    : NaN;
}

/**
 * Why the pages ended before the total the API stated — an empty page while total_pages
 * says more follow, or fewer records than total — or undefined when they did not.
 */
function endedEarly(
  paginate: PaginateConfig,
  body: unknown,
  records: unknown[],
  state: Cursor,
  received: number,
): string | undefined {
  if (paginate.type === "page") {
    const total = statedTotal(body, paginate.total_pages);
    const number = state.page - paginate.start + 1; // counted from 1, whatever start is
    if (records.length === 0 && Number.isFinite(total) && number < total) {
      return `page ${number} of ${total} came back empty, though the API's ${paginate.total_pages} says ${total} pages`;
    }
  }
  if (paginate.type === "offset") {
    const total = statedTotal(body, paginate.total);
    if (Number.isFinite(total) && received < total) {
      return `the API said there are ${total} records (${paginate.total}), but its pages ended after ${received}`;
    }
  }
  return undefined;
}

/** The rel="next" target of an RFC 8288 Link header. */
export function linkNext(header: string | null): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(/,(?=\s*<)/)) {
    const match = /<([^>]*)>(.*)/.exec(part.trim());
    if (match && /;\s*rel\s*=\s*"?([^";]*\s)?next(\s[^";]*)?"?/i.test(match[2]!)) return match[1];
  }
  return undefined;
}

/** An answer that says it failed, whatever its HTTP status: `success: false`, an error. */
function saysFailed(body: unknown): boolean {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return false;
  const { success, ok, error, errors } = body as Record<string, unknown>;
  // "error": 0 is some APIs' way to say no error
  const given = (value: unknown) =>
    value !== undefined && value !== null && value !== false && value !== "" && value !== 0 &&
    !(typeof value === "object" && Object.keys(value).length === 0);
  return success === false || ok === false || given(error) || given(errors);
}

function recordsOf(
  body: unknown,
  path: string,
  name: string,
  url: string,
  mask: SecretMask,
): unknown[] {
  // An answer that says it failed, with HTTP 200 (a rate limit on page 2): its records, if
  // any, are not the page's, and ending the pages there would load half as if all
  if (saysFailed(body)) {
    const { error, message } = body as Record<string, unknown>;
    const said = [error, (error as { message?: unknown } | null)?.message, message]
      .find((text) => typeof text === "string" && text.trim() !== "");
    throw new SourceError(
      `source ${name}: the API's answer says it failed${
        said ? ` (${mask.mask(String(said).slice(0, 200))})` : ""
      }: GET ${mask.maskUrl(url)}`,
      {
        code: "api_failed_answer",
        location: mask.maskUrl(url),
        hint:
          "Nothing was loaded. Check the key and the request (plutus check --online tries the first page), then run again.",
      },
    );
  }
  const records = getPath(body, path);
  if (Array.isArray(records)) return records;
  // Some CRMs answer an empty list with `"data": null`: no records, the end of the pages.
  if (records === null && path !== "") return [];
  const keys = body !== null && typeof body === "object" && !Array.isArray(body)
    ? Object.keys(body)
    : [];
  const where = path === "" ? "the response" : `"${path}" in the response`;
  throw new SourceError(
    `source ${name}: ${where} is ${
      records === undefined ? "missing" : `not a list of records (it is ${describe(records)})`
    }: GET ${mask.maskUrl(url)}`,
    {
      code: "api_records",
      location: mask.maskUrl(url),
      hint: keys.length > 0
        ? `Set records under sources.${name} to the path of the list; the response's top-level keys are: ${
          keys.join(", ")
        }.`
        : `The response is ${
          describe(body)
        }; set records under sources.${name} to the path of the list of records.`,
    },
  );
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}
