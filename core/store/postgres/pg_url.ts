/**
 * `database: postgres://…` in plutus.yaml: the URL checked part by part, `${VAR}`s put in
 * (percent-encoded, so a password with `@`, `/` or `:` stays a password), and a label for
 * people with the password removed. Every message here names the part that is wrong, never
 * the password.
 *
 * @module
 */
import { inlineUrlPassword, noValueMessage, resolveDatabaseVars } from "../../../config/env.ts";
import type { YamlFile } from "../../../config/yaml_file.ts";
import { ConfigError } from "../../../util/errors.ts";

/** The `sslmode` values libpq knows, weakest first. */
export const SSL_MODES = [
  "disable",
  "allow",
  "prefer",
  "require",
  "verify-ca",
  "verify-full",
] as const;

/** How the connection uses TLS (libpq's `sslmode`). */
export type SslMode = typeof SSL_MODES[number];

/** The schema Plutus uses when `database_schema:` is absent. */
export const DEFAULT_SCHEMA = "public";

/** The variable that holds the password in .env, as `plutus init` and the GUI write it. */
export const PASSWORD_VARIABLE = "PG_PASSWORD";

/**
 * What a URL may carry after `?`; anything else is most likely a typo. `options` (as
 * libpq: `-c name=value` server settings) goes to the server when Plutus connects.
 */
const KNOWN_PARAMS = ["sslmode", "application_name", "connect_timeout", "options"];

/** A PostgreSQL URL taken apart. */
export interface PostgresTarget {
  /** The URL to connect with, password included: never shown. */
  url: string;
  /** The URL for people: no password. */
  label: string;
  host: string;
  port: number;
  database: string;
  user: string;
  /** The password, when the URL (after `${VAR}`s) has one. */
  password?: string;
  sslmode: SslMode;
  /** `application_name`, `connect_timeout` as written. */
  params: Record<string, string>;
  /** The schema the tables live in (`database_schema:`). */
  schema: string;
}

/** Where `${VAR}` values come from. */
export type VarLookup = (name: string) => string | undefined;

/** Options of parsePostgresUrl(). */
export interface ParsePostgresOptions {
  /** Where the URL was written, for errors: `plutus.yaml:3` (the default: `plutus.yaml`). */
  where?: string;
  /** The values of `${VAR}`s in the URL. */
  lookup?: VarLookup;
  /** `database_schema:` as written; `public` when absent. */
  schema?: string;
}

/** Whether `database:` names a PostgreSQL server rather than a SQLite file. */
export function isPostgresUrl(text: string): boolean {
  return /^postgres(?:ql)?:\/\//i.test(text.trim());
}

/**
 * Takes a `postgres://` or `postgresql://` URL apart. `${VAR}`s are replaced from `lookup`,
 * percent-encoded; an unknown variable, a missing host, user or database, an unknown
 * parameter or `sslmode` is a ConfigError at `where` that quotes no password.
 */
export function parsePostgresUrl(
  written: string,
  options: ParsePostgresOptions = {},
): PostgresTarget {
  const where = options.where ?? "plutus.yaml";
  const fail = (message: string, hint = URL_HINT): never => {
    throw new ConfigError([{ location: where, path: "database", message }], {
      code: "database_url",
      hint,
    });
  };
  const missing: string[] = [];
  const text = resolveDatabaseVars(written.trim(), (name) => options.lookup?.(name), missing);
  if (missing.length > 0) {
    fail(
      noValueMessage(missing[0]!),
      `Put the password in .env as ${PASSWORD_VARIABLE}=… (the GUI's Database page does it for you).`,
    );
  }
  if (!isPostgresUrl(text)) fail("a PostgreSQL URL starts with postgres:// or postgresql://");
  const authority = /^[^:]+:\/\/([^/?#]*)/.exec(text)?.[1] ?? "";
  const hostPort = authority.slice(authority.lastIndexOf("@") + 1);
  if (hostPort === "" || hostPort.startsWith(":")) fail("the URL names no host");
  const portText = /:(\d*)$/.exec(hostPort)?.[1];
  if (
    portText !== undefined && !hostPort.endsWith("]") &&
    !(Number(portText) >= 1 && Number(portText) <= 65535)
  ) {
    fail(`the port must be a number from 1 to 65535; got "${portText}"`);
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail("this is not a valid URL");
  }
  const host = url.hostname;
  if (host === "") fail("the URL names no host");
  if (host.includes(",")) fail(`one host only; got "${host}"`);
  const port = url.port === "" ? 5432 : Number(url.port);
  const user = decodePart(url.username);
  if (user === "") {
    fail("the URL names no user: write postgres://USER:${PG_PASSWORD}@HOST/DATABASE");
  }
  const database = decodePart(url.pathname.replace(/^\//, ""));
  if (database === "" || database.includes("/")) {
    fail("the URL names no database: write postgres://USER:${PG_PASSWORD}@HOST/DATABASE");
  }
  const params: Record<string, string> = {};
  let sslmode: SslMode = "prefer";
  for (const [name, value] of url.searchParams) {
    if (name === "password") {
      fail(
        "the password does not belong in the URL's parameters",
        `Put it in .env as ${PASSWORD_VARIABLE}=… and write :\${${PASSWORD_VARIABLE}}@ before the host.`,
      );
    }
    if (name === "sslmode") {
      if (!(SSL_MODES as readonly string[]).includes(value)) {
        fail(`sslmode must be one of ${SSL_MODES.join(", ")}; got "${value}"`);
      }
      sslmode = value as SslMode;
    } else if (KNOWN_PARAMS.includes(name)) {
      params[name] = value;
    } else {
      fail(`unknown parameter "${name}"; Plutus knows ${KNOWN_PARAMS.join(", ")}`);
    }
  }
  if (params.connect_timeout !== undefined && !/^\d{1,6}$/.test(params.connect_timeout)) {
    fail(`connect_timeout is a number of seconds; got "${params.connect_timeout}"`);
  }
  const schema = options.schema ?? DEFAULT_SCHEMA;
  const schemaProblem = schemaNameProblem(schema);
  if (schemaProblem) {
    throw new ConfigError([{ location: where, path: "database_schema", message: schemaProblem }]);
  }
  const password = url.password === "" ? undefined : decodePart(url.password);
  return {
    url: url.href,
    label: postgresLabel({ host, port, database, user, sslmode, params }),
    host,
    port,
    database,
    user,
    password,
    sslmode,
    params,
    schema,
  };
}

const URL_HINT =
  "Write it as postgres://USER:${PG_PASSWORD}@HOST:5432/DATABASE?sslmode=require, with the password in .env (docs/postgres.md).";

/** Why a schema name cannot be used, or undefined when it can. */
export function schemaNameProblem(name: string): string | undefined {
  if (/^[a-z_][a-z0-9_]{0,62}$/.test(name)) return undefined;
  return `a schema name uses lowercase letters, digits and _ (at most 63), starting with a letter or _; got ${
    JSON.stringify(name)
  }`;
}

/** The parts of a URL that people may see. */
export interface PostgresParts {
  host: string;
  port: number;
  database: string;
  user: string;
  sslmode: SslMode;
  params?: Record<string, string>;
}

/** The URL without a password: what screens, logs and errors show. */
export function postgresLabel(parts: PostgresParts): string {
  return buildPostgresUrl(parts, undefined);
}

/**
 * A URL from its parts, as plutus.yaml stores it: the password as a `${VAR}` reference
 * (`passwordRef`, e.g. `${PG_PASSWORD}`), never the password itself.
 */
export function buildPostgresUrl(parts: PostgresParts, passwordRef?: string): string {
  const host = parts.host.includes(":") && !parts.host.startsWith("[")
    ? `[${parts.host}]`
    : parts.host;
  const query = new URLSearchParams({ ...parts.params });
  if (parts.sslmode !== "prefer") query.set("sslmode", parts.sslmode);
  const search = query.size > 0 ? `?${query}` : "";
  return `postgres://${encodeURIComponent(parts.user)}${
    passwordRef ? `:${passwordRef}` : ""
  }@${host}${parts.port === 5432 ? "" : `:${parts.port}`}/${
    encodeURIComponent(parts.database)
  }${search}`;
}

/**
 * A URL with its password written inline, split: the URL with `${PG_PASSWORD}` in its
 * place, and the password (decoded) for .env. A URL without an inline password, or with a
 * `${VAR}` already, comes back as it is.
 */
export function moveInlinePassword(written: string): { url: string; password?: string } {
  const text = written.trim();
  if (!isPostgresUrl(text)) return { url: text };
  const password = inlineUrlPassword(text);
  if (password === undefined) return { url: text };
  // Rebuild the authority by hand: URL.password would percent-encode `${` `}`.
  const scheme = text.slice(0, text.indexOf("//") + 2);
  const rest = text.slice(scheme.length);
  const authority = rest.slice(0, firstOf(rest, ["/", "?", "#"]));
  const userinfo = authority.slice(0, authority.lastIndexOf("@"));
  const user = userinfo.slice(0, userinfo.indexOf(":"));
  return {
    url: `${scheme}${user}:\${${PASSWORD_VARIABLE}}${rest.slice(userinfo.length)}`,
    password,
  };
}

/**
 * A URL with a user but no password, given `:${PG_PASSWORD}` after the user, so that the
 * password put into .env later is the one used; any other URL comes back as it is.
 */
export function withPasswordReference(written: string): string {
  const text = written.trim();
  if (!isPostgresUrl(text)) return text;
  const scheme = text.slice(0, text.indexOf("//") + 2);
  const rest = text.slice(scheme.length);
  const authority = rest.slice(0, firstOf(rest, ["/", "?", "#"]));
  const at = authority.lastIndexOf("@");
  if (at <= 0 || authority.slice(0, at).includes(":")) return text;
  return `${scheme}${authority.slice(0, at)}:\${${PASSWORD_VARIABLE}}${rest.slice(at)}`;
}

/** The first index of any of `chars` in `text`, else text.length. */
function firstOf(text: string, chars: string[]): number {
  const found = chars.map((c) => text.indexOf(c)).filter((i) => i >= 0);
  return found.length > 0 ? Math.min(...found) : text.length;
}

function decodePart(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** What projectPostgresTarget() reads of a loaded project. */
export interface WrittenDatabase {
  /** plutus.yaml as parsed: `database:` is read as written, before `${VAR}`s. */
  configFile: YamlFile;
  config: { database: string; database_schema?: string };
  env: VarLookup;
}

/**
 * The PostgreSQL server a loaded project names in `database:`, or undefined when it names a
 * SQLite file. Errors point at the line of `database:` in plutus.yaml.
 */
export function projectPostgresTarget(project: WrittenDatabase): PostgresTarget | undefined {
  const { configFile, config } = project;
  const written = configFile.document.get("database");
  const text = typeof written === "string" ? written : config.database;
  if (!isPostgresUrl(text)) return undefined;
  return parsePostgresUrl(text, {
    where: `${configFile.name}:${configFile.lineOf(["database"])}`,
    lookup: project.env,
    schema: config.database_schema,
  });
}

/** The URL for people: without its password (as plutus check and the GUI show it). */
export function pgLabel(url: string): string {
  try {
    return parsePostgresUrl(url).label;
  } catch {
    // a URL too broken to parse: everything between the user and the last @ goes (a
    // password may hold / or @ that the URL did not encode)
    return url.replace(/^([a-z]+:\/\/[^:@/]*):.*@/i, "$1@");
  }
}
