/**
 * Connecting to a project's PostgreSQL server with Postgres.js: the client's options from a
 * checked URL (its parts, never the URL text, so no PG* variable changes what plutus.yaml
 * says), and the client's failures as errors that name the cause and the next step, never
 * the password.
 *
 * @module
 */
import type postgres from "postgres";
import { PlutusError } from "../../util/errors.ts";
import type { PostgresTarget } from "./postgres/pg_url.ts";

/** The connection could not be made, or the server refused it: `code` names the cause. */
export class ConnectionError extends PlutusError {}

/** How long a connection attempt waits for the server before it gives up, in seconds. */
const CONNECT_TIMEOUT_SECONDS = 10;

/** The options Postgres.js connects with: the URL's parts, never the URL text itself. */
export function clientOptions(target: PostgresTarget): postgres.Options<Record<string, never>> {
  const timeout = Number(target.params.connect_timeout ?? CONNECT_TIMEOUT_SECONDS);
  return {
    host: target.host,
    port: target.port,
    database: target.database,
    username: target.user,
    password: target.password,
    ssl: sslOption(target.sslmode),
    max: 1,
    connect_timeout: timeout > 0 ? timeout : CONNECT_TIMEOUT_SECONDS,
    idle_timeout: 5,
    onnotice: () => {},
    connection: { application_name: target.params.application_name ?? "plutus" },
  };
}

/**
 * libpq's sslmode as Postgres.js understands it. verify-ca checks the host name too:
 * stricter than libpq, never weaker.
 */
function sslOption(mode: PostgresTarget["sslmode"]): postgres.Options<never>["ssl"] {
  switch (mode) {
    case "disable":
      return false;
    case "allow":
    case "prefer":
      return "prefer";
    case "require":
      return "require";
    default:
      return { rejectUnauthorized: true };
  }
}

/** Why a connection failed, in words, with what to do next. */
export function connectionError(error: unknown, target: PostgresTarget): ConnectionError {
  const code = String((error as { code?: unknown })?.code ?? "");
  const text = error instanceof Error ? error.message : String(error);
  const where = `${target.host}:${target.port}`;
  const fail = (cause: string, message: string, hint: string) =>
    new ConnectionError(`${message} (${target.label})`, { code: cause, hint, cause: error });
  if (code === "28P01" || /password authentication failed/i.test(text)) {
    return fail(
      "wrong_password",
      `the server refused the password of user "${target.user}"`,
      "Check PG_PASSWORD in the project's .env (in the GUI: Database), then test again.",
    );
  }
  if (/pg_hba\.conf.*(no encryption|SSL off)/i.test(text)) {
    return fail(
      "tls_required",
      `the server accepts only encrypted connections, and sslmode is ${target.sslmode}`,
      "Add ?sslmode=require to the URL in database: (in the GUI: SSL mode require).",
    );
  }
  if (code === "28000" || code === "42501" && /connect/i.test(text)) {
    return fail(
      "not_allowed",
      `the server does not let user "${target.user}" connect to database "${target.database}": ${
        serverMessage(text)
      }`,
      "Ask the server's administrator to allow this user from this machine (docs/postgres.md shows the SQL).",
    );
  }
  if (code === "3D000") {
    return fail(
      "no_database",
      `there is no database "${target.database}" on ${where}`,
      "Check the database name in the URL, or create it: CREATE DATABASE … OWNER … (docs/postgres.md).",
    );
  }
  if (
    code === "ENOTFOUND" || code === "EAI_AGAIN" ||
    /failed to lookup address|getaddrinfo|dns/i.test(text)
  ) {
    return fail(
      "unknown_host",
      `no host named "${target.host}" was found`,
      "Check the host name in the URL (and this machine's network or VPN).",
    );
  }
  if (code === "ECONNREFUSED" || /connection refused/i.test(text)) {
    return fail(
      "refused",
      `nothing accepts connections at ${where}`,
      "Check the host and port, and that the server is running and listens on the network.",
    );
  }
  if (code === "CONNECT_TIMEOUT" || code === "ETIMEDOUT") {
    return fail(
      "timeout",
      `${where} did not answer within ${
        target.params.connect_timeout ?? CONNECT_TIMEOUT_SECONDS
      } seconds`,
      "Check the host and port, and that a firewall lets this machine reach the server.",
    );
  }
  if (
    /certificate|self[- ]signed|unknown ?issuer|cert_|tls|ssl|handshake/i.test(`${code} ${text}`)
  ) {
    return fail(
      "tls_refused",
      target.sslmode === "verify-ca" || target.sslmode === "verify-full"
        ? `the server's TLS certificate could not be verified (sslmode ${target.sslmode}): ${
          serverMessage(text)
        }`
        : `the TLS connection was refused (sslmode ${target.sslmode}): ${serverMessage(text)}`,
      target.sslmode === "verify-ca" || target.sslmode === "verify-full"
        ? "Use sslmode=require to encrypt without checking the certificate, or install the server's CA certificate on this machine (DENO_CERT or the system store)."
        : "The server may not offer TLS: use sslmode=prefer, or turn on ssl in the server's postgresql.conf.",
    );
  }
  if (code === "57P03" || code === "53300") {
    return fail(
      "server_busy",
      `the server cannot take the connection now: ${serverMessage(text)}`,
      "Try again in a minute.",
    );
  }
  return fail(
    "connection_failed",
    `could not connect to ${where}: ${serverMessage(text)}`,
    "Check the URL in database: and the server (docs/postgres.md, Troubleshooting).",
  );
}

/** The first line of a driver's message, without stack or host noise. */
function serverMessage(text: string): string {
  return text.split("\n")[0]!.trim();
}
