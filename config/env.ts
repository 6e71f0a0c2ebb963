/**
 * Secrets: the project's .env file, `${VAR}` references in plutus.yaml, and the mask that
 * keeps every secret value out of logs, errors and output.
 *
 * @module
 */
import { parseEnv } from "node:util";
import { ConfigError } from "../util/errors.ts";

/** Values from .env, over which the process environment wins. */
export type EnvValues = Readonly<Record<string, string>>;

const VAR_REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Reads .env (absent is fine). A malformed file is a ConfigError naming it. */
export function parseEnvFile(text: string): Record<string, string> {
  try {
    return { ...parseEnv(text) } as Record<string, string>;
  } catch (error) {
    throw new ConfigError([{ location: ".env", path: "", message: (error as Error).message }], {
      hint: "Each line of .env is NAME=value; lines starting with # are comments.",
    });
  }
}

/** The names of the variables a text refers to as `${NAME}`. */
export function referencedVars(text: string): string[] {
  return [...text.matchAll(VAR_REFERENCE)].map((match) => match[1]!);
}

/**
 * Replaces each `${NAME}` with its value from the environment or .env. `missing` collects
 * the names that have no value; they are left as written.
 */
export function resolveVars(
  text: string,
  lookup: (name: string) => string | undefined,
  missing: string[] = [],
): string {
  return text.replace(VAR_REFERENCE, (whole, name: string) => {
    const value = lookup(name);
    if (value === undefined) {
      missing.push(name);
      return whole;
    }
    return value;
  });
}

/** What a `${NAME}` without a value is told as, wherever it is met. */
export function noValueMessage(name: string): string {
  return `\${${name}} has no value; add ${name}=… to the project's .env file, or set it in the environment`;
}

/**
 * resolveVars for `database:`: in a PostgreSQL URL each value is put in percent-encoded, as
 * a part of a URL must be, so that a password with `/ # ? @ %` in it stays that password (a
 * SQLite path takes its values as they are).
 */
export function resolveDatabaseVars(
  text: string,
  lookup: (name: string) => string | undefined,
  missing: string[] = [],
): string {
  if (!/^\s*postgres(ql)?:\/\//i.test(text)) return resolveVars(text, lookup, missing);
  return resolveVars(text, (name) => {
    const value = lookup(name);
    return value === undefined ? undefined : encodeURIComponent(value);
  }, missing);
}

/**
 * resolveVars for an API source's `url:`: each value is encoded for its place, so that it
 * arrives as written. In the query (after `?`) a value is one component — a key's `+`
 * would else reach the server as a space, `&` would start another parameter (as
 * `auth: query` and `params:` send it). In the path a value keeps its `/` but `? # %` and
 * spaces are encoded; in `user:password@` all is. A value before any `://`, or in the host,
 * is the address itself (`${CRM_URL}`, `https://${SUBDOMAIN}.example.com`): as written.
 */
export function resolveUrlVars(
  text: string,
  lookup: (name: string) => string | undefined,
  missing: string[] = [],
): string {
  // The place of a value is judged from the URL as resolved so far: a `?` that an earlier
  // value brought (`${CRM_URL}` ending in `?format=json`) puts a later one in the query.
  let resolved = "";
  let from = 0;
  for (const match of text.matchAll(VAR_REFERENCE)) {
    const [whole, name] = match;
    resolved += text.slice(from, match.index);
    from = match.index + whole.length;
    const value = lookup(name!);
    if (value === undefined) {
      missing.push(name!);
      resolved += whole;
    } else resolved += encodeForPlace(value, resolved, text.slice(from));
  }
  return resolved + text.slice(from);
}

/** Whether a value's place in plutus.yaml is a source's `url` (`sources.NAME.url`). */
export function isSourceUrl(path: readonly (string | number)[]): boolean {
  return path.length === 3 && path[0] === "sources" && path[2] === "url";
}

/** `value` encoded for where it stands in a URL template, between `before` and `after`. */
function encodeForPlace(value: string, before: string, after: string): string {
  if (/[?#]/.test(before)) return encodeURIComponent(value);
  const scheme = before.indexOf("://");
  if (scheme === -1) return value;
  const rest = before.slice(scheme + 3);
  if (/[/\\]/.test(rest)) return value.replace(/[%?#\\\s]/g, (char) => encodeURIComponent(char));
  // still in the authority: a password or user if an @ follows before the path starts
  const authority = /^[^/?#\\]*/.exec(after)![0];
  return authority.includes("@") ? encodeURIComponent(value) : value;
}

/** The `${NAME}`s one source uses, and those of them without a value. */
export interface SourceVars {
  used: string[];
  missing: string[];
}

/**
 * For each source as written in plutus.yaml (`sources` unresolved), the variables it
 * refers to and which of them have no value — so one missing key marks its own source
 * and no other.
 */
export function varsBySource(
  sources: unknown,
  lookup: (name: string) => string | undefined,
): Record<string, SourceVars> {
  const out: Record<string, SourceVars> = {};
  if (sources === null || typeof sources !== "object") return out;
  for (const [name, source] of Object.entries(sources)) {
    const used = [...new Set(referencedVars(JSON.stringify(source ?? null)))];
    out[name] = { used, missing: used.filter((variable) => lookup(variable) === undefined) };
  }
  return out;
}

/**
 * The password written inline in a URL (`scheme://user:password@host/…`), decoded; none
 * when the URL has no password or holds a `${VAR}` there. Such a password is a secret.
 */
export function inlineUrlPassword(text: string): string | undefined {
  const trimmed = text.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) return undefined;
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return undefined;
  }
  if (url.password === "" || /^\$(?:\{|%7B)/i.test(url.password)) return undefined;
  return safeDecode(url.password);
}

/**
 * Hides secret values in any text about to be shown or written. Values shorter than 4
 * characters are not masked: they would turn ordinary words and numbers into stars.
 *
 * A key reaches text in many spellings — raw, percent-encoded by encodeURIComponent or by
 * URLSearchParams (`%7E`, `%28`, `+` for a space, in either case of hex), encoded twice
 * (`%257E`), by JS escape() (`%E9`, `%u20AC`), JSON-escaped,
 * as an HTML character reference — and in mixtures of them. Each secret becomes one
 * pattern that accepts every spelling of every character, so all of them are caught.
 */
export class SecretMask {
  /** Longest first: a secret that contains another is masked whole. */
  #patterns: { secret: string; pattern: RegExp }[] = [];

  /** Adds a value to hide. */
  add(secret: string | undefined): void {
    if (!secret || secret.length < 4 || this.#patterns.some((p) => p.secret === secret)) return;
    this.#patterns.push({ secret, pattern: secretPattern(secret) });
    this.#patterns.sort((a, b) => b.secret.length - a.secret.length);
  }

  /** The text with every known secret, in any of its spellings, replaced by `***`. */
  mask(text: string): string {
    let out = text;
    for (const { pattern } of this.#patterns) out = out.replace(pattern, "***");
    return out;
  }

  /**
   * A URL as text, its secrets masked part by part (user, password, each query name and
   * value as decoded) before it is written out, then as a whole.
   */
  maskUrl(url: string | URL): string {
    let parsed: URL;
    try {
      parsed = new URL(String(url));
    } catch {
      return this.mask(String(url));
    }
    if (parsed.username) parsed.username = this.mask(safeDecode(parsed.username));
    if (parsed.password) parsed.password = this.mask(safeDecode(parsed.password));
    const params = [...parsed.searchParams];
    const masked = params.map(([name, value]) => [this.mask(name), this.mask(value)]);
    if (masked.some(([name, value], i) => name !== params[i]![0] || value !== params[i]![1])) {
      parsed.search = new URLSearchParams(masked).toString();
    }
    return this.mask(parsed.href);
  }

  /** How a key is shown in forms: the last four characters only. */
  static preview(secret: string): string {
    return secret.length <= 8 ? "****" : `****${secret.slice(-4)}`;
  }
}

const HTML_ENTITIES: Record<string, string> = {
  '"': "&quot;",
  "&": "&amp;",
  "'": "&apos;",
  "<": "&lt;",
  ">": "&gt;",
};

/** One secret as a pattern matching each of its characters in any spelling. */
function secretPattern(secret: string): RegExp {
  let source = "";
  for (const char of secret) {
    const code = char.codePointAt(0)!;
    const spellings = [char.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")];
    spellings.push(
      [...new TextEncoder().encode(char)].map((byte) => `%${hexPattern(byte, 2)}`).join(""),
    );
    if (char === " ") spellings.push("\\+");
    // encoded twice (the % itself encoded: %2520 for a space), and JS escape(): the code
    // point itself up to U+00FF (%E9 for é), %uXXXX above it (%u20AC for €)
    spellings.push(
      [...new TextEncoder().encode(char)].map((byte) => `%25${hexPattern(byte, 2)}`).join(""),
    );
    if (code >= 0x80 && code <= 0xff) spellings.push(`%${hexPattern(code, 2)}`);
    if (code > 0xff) {
      spellings.push(
        char.split("").map((unit) => `%[uU]${hexPattern(unit.charCodeAt(0), 4)}`).join(""),
      );
    }
    // JSON: \uXXXX (a surrogate pair above U+FFFF), and the short escapes
    spellings.push(
      char.split("").map((unit) => `\\\\u${hexPattern(unit.charCodeAt(0), 4)}`).join(""),
    );
    if (char === '"' || char === "\\" || char === "/") spellings.push(`\\\\\\${char}`);
    // HTML character references: &#39; &#x27; &quot;
    spellings.push(`&#0*${code};`, `&#[xX]0*${hexPattern(code, 0)};`);
    const entity = HTML_ENTITIES[char];
    if (entity) spellings.push(entity);
    source += `(?:${spellings.join("|")})`;
  }
  return new RegExp(source, "g");
}

/** `n` in hex, either case, padded to `width` digits. */
function hexPattern(n: number, width: number): string {
  return n.toString(16).padStart(width, "0").replace(/[a-f]/g, (d) => `[${d}${d.toUpperCase()}]`);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
