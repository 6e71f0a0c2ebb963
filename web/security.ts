/**
 * The GUI is local, but it holds API keys and can run the pipeline, so it defends itself
 * like a public site: only requests for 127.0.0.1/localhost at its port (no DNS
 * rebinding), a secret token in a cookie on every request, and on every change a POST
 * with a CSRF token from a page of its own origin. Every answer gets a strict
 * Content-Security-Policy.
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { getCookie, setCookie } from "hono/cookie";

/** The secrets of one server run. */
export interface Secrets {
  /** Printed in the URL once; then kept in an HttpOnly cookie. */
  token: string;
  /** Put in every form and page; required on every POST. */
  csrf: string;
  port: number;
}

/** A random hex token. */
export function randomToken(bytes = 24): string {
  return [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) =>
    b.toString(16).padStart(2, "0")
  ).join("");
}

/**
 * The cookie holding the token, one name per port: cookies are shared by every port of a
 * host, and a second GUI (another project, on --port 8766) would log the first one out.
 */
function cookieName(port: number): string {
  return `plutus_token_${port}`;
}

/** Compares two texts in constant time. */
function same(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** The origins the GUI answers at. */
export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

/** Refuses requests for any other host name: a page on evil.com resolving to 127.0.0.1. */
export function hostCheck(secrets: Secrets): MiddlewareHandler {
  const hosts = allowedHosts(secrets.port);
  return async (c, next) => {
    if (!hosts.includes(c.req.header("host") ?? "")) {
      return c.text("This address is not served here. Open the URL plutus serve printed.", 403);
    }
    await next();
  };
}

/**
 * Asks for the token: `?token=` once (it becomes a cookie, and the address bar loses it),
 * then the cookie on every request.
 */
export function tokenCheck(secrets: Secrets): MiddlewareHandler {
  return async (c, next) => {
    const offered = c.req.query("token");
    if (offered !== undefined && same(offered, secrets.token)) {
      setCookie(c, cookieName(secrets.port), secrets.token, {
        httpOnly: true,
        sameSite: "Strict",
        path: "/",
      });
      const url = new URL(c.req.url);
      url.searchParams.delete("token");
      // one leading slash: "//evil.example/x" would send the browser to another site
      return c.redirect(`/${url.pathname.replace(/^\/+/, "")}${url.search}`, 303);
    }
    const cookie = getCookie(c, cookieName(secrets.port));
    if (cookie === undefined || !same(cookie, secrets.token)) {
      return c.text(
        "Plutus needs its access token: open the full URL that plutus serve printed (http://127.0.0.1:…/?token=…).",
        401,
      );
    }
    await next();
  };
}

/** The largest form the GUI reads: a schema or plutus.yaml is a few KB, a query less. */
export const FORM_LIMIT_BYTES = 4 << 20;

/**
 * Refuses a POST body over FORM_LIMIT_BYTES before anything reads it (a 300 MB form field
 * ran the server out of memory); /upload streams files to disk under its own limit.
 */
export function formLimit(): MiddlewareHandler {
  const limit = bodyLimit({
    maxSize: FORM_LIMIT_BYTES,
    onError: (c) =>
      c.text(
        `Refused: a form of more than ${FORM_LIMIT_BYTES >> 20} MB. Files go through Upload.`,
        413,
      ),
  });
  return (c, next) => c.req.method === "POST" && c.req.path !== "/upload" ? limit(c, next) : next();
}

/** On POST: the CSRF token (form field or header) and a same-origin Origin. Other methods may not change anything. */
export function csrfCheck(secrets: Secrets): MiddlewareHandler {
  const origins = allowedHosts(secrets.port).map((host) => `http://${host}`);
  return async (c, next) => {
    const method = c.req.method;
    if (method === "GET" || method === "HEAD") return await next();
    if (method !== "POST") return c.text("Only GET and POST are served.", 405);
    const origin = c.req.header("origin");
    if (!origin || !origins.includes(origin)) {
      return c.text("Refused: this request did not come from a Plutus page.", 403);
    }
    const offered = c.req.header("x-csrf-token") ?? (await formField(c, "_csrf"));
    if (!offered || !same(offered, secrets.csrf)) {
      return c.text("Refused: the form is out of date. Reload the page and try again.", 403);
    }
    await next();
  };
}

async function formField(c: Context, name: string): Promise<string | undefined> {
  const type = c.req.header("content-type") ?? "";
  if (
    !type.includes("application/x-www-form-urlencoded") && !type.includes("multipart/form-data")
  ) return undefined;
  const body = await c.req.parseBody();
  const value = body[name];
  return typeof value === "string" ? value : undefined;
}

/** Headers for every answer: a strict CSP and friends. */
export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    c.header(
      "Content-Security-Policy",
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
    );
    c.header("X-Content-Type-Options", "nosniff");
    c.header("X-Frame-Options", "DENY");
    // "same-origin", not "no-referrer": with no-referrer, browsers send "Origin: null" on
    // form posts, and the same-origin check would refuse our own forms.
    c.header("Referrer-Policy", "same-origin");
    c.header("Cache-Control", "no-store");
  };
}
