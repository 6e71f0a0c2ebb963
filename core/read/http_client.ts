/**
 * GET requests as an unattended pipeline needs them: a timeout, a User-Agent naming Plutus,
 * retries with exponential backoff and jitter on 429, 5xx, timeouts and dropped
 * connections (honouring Retry-After), an optional rate limit, and errors that say what
 * the server answered — with every secret masked. Requests go only over http(s) and only
 * to the source's own origin: a next link or a redirect elsewhere fails the step rather
 * than hand the key to another server (redirects are followed here, same-origin only).
 *
 * @module
 */
import { SourceError } from "../../util/errors.ts";
import type { SecretMask } from "../../config/env.ts";
import { VERSION } from "../../version.ts";
import { parseJsonExact } from "./exact_json.ts";

/** A JSON response; numbers a double cannot hold keep their digits (exact_json.ts). */
export interface JsonResponse {
  status: number;
  headers: Headers;
  body: unknown;
  url: string;
}

/** How requests of one source behave. */
export interface HttpOptions {
  /** The source's name, for messages. */
  source: string;
  timeoutSeconds: number;
  /** Attempts after the first. */
  retries: number;
  /** Requests per second at most. */
  rateLimit?: number;
  headers: Record<string, string>;
  /** The only origin requests (and with them the key) may go to: the source's url's. */
  origin: string;
  /** A key sent as a query parameter, set on every request (next links and redirects too). */
  query?: { name: string; value: string };
  mask: SecretMask;
  /** The first backoff, in ms (doubling each attempt); PLUTUS_BACKOFF_MS sets it for tests. */
  backoffMs?: number;
  /** Told about each retry, for the log. */
  onRetry?: (message: string) => void;
  /** Counts requests made (tests and the log). */
  onRequest?: () => void;
}

const RETRY_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);
const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;
// The longest wait Plutus accepts from Retry-After before giving up on a source.
const MAX_RETRY_AFTER_MS = 5 * 60_000;

/** A client for one source: it keeps the source's pace, for the rate limit. */
export class HttpClient {
  readonly #options: HttpOptions;
  /** When the next request may go, under the rate limit. */
  #nextSlot = 0;

  constructor(options: HttpOptions) {
    this.#options = options;
  }

  /** GETs `url` and parses JSON, retrying what can be retried. */
  async getJson(url: string): Promise<JsonResponse> {
    const { retries, mask, source } = this.#options;
    const base = this.#options.backoffMs ?? Number(Deno.env.get("PLUTUS_BACKOFF_MS") ?? 1000);
    for (let attempt = 0;; attempt++) {
      await this.#pace();
      let failure: { message: string; waitMs?: number };
      try {
        const { response, url: answered } = await this.#fetch(url);
        if (response.ok) return await parseJson(response, answered, mask, source);
        const body = await response.text().catch(() => "");
        if (!RETRY_STATUS.has(response.status) || attempt >= retries) {
          throw statusError(
            response.status,
            response.statusText,
            body,
            answered,
            mask,
            source,
            attempt,
          );
        }
        failure = {
          message: `HTTP ${response.status}`,
          waitMs: retryAfter(response.headers.get("retry-after")),
        };
      } catch (error) {
        if (error instanceof SourceError) throw error;
        const what = error instanceof DOMException && error.name === "TimeoutError"
          ? `no answer within ${this.#options.timeoutSeconds} s`
          : `the connection failed (${mask.mask((error as Error).message)})`;
        if (attempt >= retries) {
          throw new SourceError(
            `source ${source}: ${what}: GET ${mask.maskUrl(url)} (${attempt + 1} attempt(s))`,
            {
              code: "api_unreachable",
              location: mask.maskUrl(url),
              hint: "Check the URL and your connection; the run can be repeated with plutus rerun.",
            },
          );
        }
        failure = { message: what };
      }
      const backoff = Math.min(30_000, base * 2 ** attempt) * (0.5 + Math.random() / 2);
      const wait = failure.waitMs ?? backoff;
      if (wait > MAX_RETRY_AFTER_MS) {
        throw new SourceError(
          `source ${source}: the API asks to wait ${Math.round(wait / 1000)} s before retrying`,
          {
            code: "api_rate_limited",
            location: mask.maskUrl(url),
            hint:
              "The API's rate limit is used up; run again later, or set rate_limit in the source.",
          },
        );
      }
      this.#options.onRetry?.(
        `${failure.message}; retry ${attempt + 1} of ${retries} in ${(wait / 1000).toFixed(1)} s`,
      );
      await sleep(wait);
    }
  }

  /** GETs `url`, following same-origin redirects (bounded); the answer and its URL. */
  async #fetch(url: string): Promise<{ response: Response; url: string }> {
    const signal = AbortSignal.timeout(this.#options.timeoutSeconds * 1000);
    let target = this.#allowed(url, "url");
    for (let redirects = 0;; redirects++) {
      this.#options.onRequest?.();
      const response = await fetch(target, {
        headers: {
          "User-Agent": `Plutus/${VERSION}`,
          Accept: "application/json",
          ...this.#options.headers,
        },
        redirect: "manual",
        signal,
      });
      const location = response.headers.get("location");
      if (!REDIRECT_STATUS.has(response.status) || location === null) {
        return { response, url: target };
      }
      await response.body?.cancel();
      if (redirects >= MAX_REDIRECTS) {
        throw new SourceError(
          `source ${this.#options.source}: more than ${MAX_REDIRECTS} redirects: GET ${
            this.#options.mask.maskUrl(url)
          }`,
          {
            code: "api_redirects",
            location: this.#options.mask.maskUrl(target),
            hint: `Set url under sources.${this.#options.source} to where the API really is.`,
          },
        );
      }
      target = this.#allowed(new URL(location, target).href, "redirect");
    }
  }

  /**
   * `url` with the query key set, if it is http(s) on the source's origin; otherwise a
   * SourceError naming the scheme or origin (never the whole URL: it may carry a key).
   */
  #allowed(url: string, how: "url" | "redirect"): string {
    const { source, origin, query, mask } = this.#options;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new SourceError(`source ${source}: the API pointed to an address that is not a URL`, {
        code: "api_bad_url",
        hint: `Check paginate under sources.${source} in plutus.yaml.`,
      });
    }
    const by = how === "redirect" ? "a redirect" : "a next page";
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
      throw new SourceError(
        `source ${source}: ${by} points to a ${parsed.protocol}// address; Plutus reads APIs only over http and https`,
        {
          code: "api_bad_url",
          location: mask.mask(origin),
          hint:
            `The API's answer is not to be trusted; check url and paginate under sources.${source} in plutus.yaml.`,
        },
      );
    }
    if (parsed.origin !== origin) {
      throw new SourceError(
        `source ${source}: ${by} points to another origin, ${
          mask.mask(parsed.origin)
        }; Plutus sends this source's requests and key only to ${
          mask.mask(origin)
        }, the origin of its url`,
        {
          code: "api_other_origin",
          location: mask.mask(origin),
          hint:
            `If the API really moved there, change url under sources.${source} in plutus.yaml to the new address.`,
        },
      );
    }
    if (query && parsed.searchParams.get(query.name) !== query.value) {
      parsed.searchParams.set(query.name, query.value);
    }
    return parsed.href;
  }

  /** Waits for this request's turn: each one reserves the next free slot at once, so
   * requests made together (a page fetched ahead) keep the rate too. */
  async #pace(): Promise<void> {
    const rate = this.#options.rateLimit;
    if (!rate) return;
    const now = Date.now();
    const slot = Math.max(now, this.#nextSlot);
    this.#nextSlot = slot + 1000 / rate;
    if (slot > now) await sleep(slot - now);
  }
}

/** Retry-After in ms: a number of seconds, or an HTTP date. */
export function retryAfter(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+(\.\d+)?$/.test(header.trim())) return Number(header) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

async function parseJson(
  response: Response,
  url: string,
  mask: SecretMask,
  source: string,
): Promise<JsonResponse> {
  const text = await response.text();
  const type = response.headers.get("content-type") ?? "";
  const where = `GET ${mask.maskUrl(url)}`;
  if (/html/i.test(type) || /^\s*<(!doctype|html)/i.test(text)) {
    throw new SourceError(
      `source ${source}: the API answered with an HTML page, not JSON: ${where}`,
      {
        code: "api_not_json",
        location: mask.maskUrl(url),
        hint:
          `Check the url (an API endpoint, not a web page) and the key: a login page looks like this. It began: ${
            snippet(text, mask)
          }`,
      },
    );
  }
  try {
    return { status: response.status, headers: response.headers, body: parseJsonExact(text), url };
  } catch (error) {
    throw new SourceError(
      `source ${source}: the response is not valid JSON (${(error as Error).message}): ${where}`,
      {
        code: "api_not_json",
        location: mask.maskUrl(url),
        hint:
          `The answer may be cut off (${text.length} characters arrived). Run again; if it repeats, check the API's status. It began: ${
            snippet(text, mask)
          }`,
      },
    );
  }
}

function statusError(
  status: number,
  statusText: string,
  body: string,
  url: string,
  mask: SecretMask,
  source: string,
  attempt: number,
): SourceError {
  const where = `GET ${mask.maskUrl(url)}`;
  const said = body ? ` The API said: ${snippet(body, mask)}` : "";
  if (status === 401 || status === 403) {
    return new SourceError(
      `source ${source}: the API refused the key (HTTP ${status} ${statusText}): ${where}`,
      {
        code: "api_auth",
        location: mask.maskUrl(url),
        hint:
          `Check auth under sources.${source} in plutus.yaml, and that the key in .env is current and allowed to read this.${said}`,
      },
    );
  }
  if (status === 404) {
    return new SourceError(`source ${source}: no such endpoint (HTTP 404): ${where}`, {
      code: "api_not_found",
      location: mask.maskUrl(url),
      hint: `Check the url of sources.${source} in plutus.yaml.${said}`,
    });
  }
  return new SourceError(
    `source ${source}: the API answered HTTP ${status} ${statusText}${
      attempt > 0 ? ` after ${attempt + 1} attempts` : ""
    }: ${where}`,
    {
      code: "api_status",
      location: mask.maskUrl(url),
      hint: status >= 500
        ? `The API has a problem on its side; run again later (plutus rerun).${said}`
        : `Check the params of sources.${source} in plutus.yaml.${said}`,
    },
  );
}

/**
 * The start of an answer for a message: masked before it is cut, so a key that straddles
 * the cut cannot show in part (masking a bounded prefix keeps a huge page cheap).
 */
function snippet(text: string, mask: SecretMask): string {
  const flat = mask.mask(text.slice(0, 64 * 1024).replace(/\s+/g, " ").trim());
  return flat.length > 200 ? `${flat.slice(0, 197)}...` : flat;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
