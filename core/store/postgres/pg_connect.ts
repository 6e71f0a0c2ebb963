/**
 * Connecting to PostgreSQL with Postgres.js (npm `postgres`, pure JavaScript): the options
 * from a `postgres://` URL, and the client's errors as PlutusErrors an analyst can act on.
 *
 * Every option is given explicitly, so that no PG* environment variable changes what the
 * URL in plutus.yaml says (and the client reads no environment it is not allowed to:
 * `--allow-net=host:port --allow-env=PGAPPNAME,PGTARGETSESSIONATTRS` is all it needs).
 *
 * @module
 */
import postgres from "postgres";
import { connect as netConnect, type Socket } from "node:net";
import { ConfigError, errorMessage, PlutusError, StoreError } from "../../../util/errors.ts";
import { parsePostgresUrl, pgLabel, type PostgresTarget } from "./pg_url.ts";
import { ident } from "./pg_sql.ts";

export { pgLabel };

/** A Postgres.js client. */
export type Sql = postgres.Sql;

/** The parts of a database URL a connection needs; the password is only in `password`. */
export interface PgTarget {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
  sslmode: "disable" | "allow" | "prefer" | "require" | "verify-ca" | "verify-full";
  /** Server settings from the URL's other parameters (application_name, options …). */
  parameters: Record<string, string>;
  connectTimeout: number;
}

/**
 * The parts of a (filled-in) `postgres://` URL a connection needs, read by the one URL
 * parser (pg_url.ts); throws a StoreError naming what is wrong, never the password.
 */
export function pgTarget(url: string): PgTarget {
  let parsed: PostgresTarget;
  try {
    parsed = parsePostgresUrl(url);
  } catch (error) {
    const problem = error instanceof ConfigError ? error.problems[0]?.message : undefined;
    throw new StoreError(
      `the database URL ${pgLabel(url)} is not usable: ${problem ?? "not a valid URL"}`,
      {
        code: "db_url",
        // the parser's own hint speaks of the part that is wrong
        hint: (error instanceof ConfigError ? error.hint : undefined) ??
          "Write it as postgres://USER:${PG_PASSWORD}@HOST:5432/DATABASE (the database: URL in plutus.yaml; in the GUI: Database).",
      },
    );
  }
  const { application_name: _ours, connect_timeout, ...parameters } = parsed.params;
  return {
    host: parsed.host.replace(/^\[|\]$/g, ""),
    port: parsed.port,
    database: parsed.database,
    user: parsed.user,
    password: parsed.password ?? "",
    sslmode: parsed.sslmode,
    parameters,
    connectTimeout: Math.max(1, Number(connect_timeout) || 15),
  };
}

function sslOption(mode: PgTarget["sslmode"]): postgres.Options<never>["ssl"] {
  switch (mode) {
    case "disable":
      return false;
    case "allow":
    case "prefer":
      return "prefer";
    case "require":
      return "require";
    case "verify-ca": // the certificate's chain, not its host name
      return { rejectUnauthorized: true, checkServerIdentity: () => undefined };
    case "verify-full":
      return "verify-full";
  }
}

// timestamptz as the SQLite backend stores datetimes: 2026-01-02T03:04:05.123Z (the session
// runs in UTC); dates and numerics as text and numbers like SQLite's; booleans as 1/0;
// JSON as its text.
const READ_TYPES = {
  plutusDate: { to: 1082, from: [1082], serialize: (x: string) => x, parse: (x: string) => x },
  plutusTimestamp: {
    to: 1184,
    from: [1114, 1184],
    serialize: (x: string) => x,
    parse: timestampText,
  },
  plutusInt8: {
    to: 20,
    from: [20],
    serialize: (x: number) => String(x),
    parse: (x: string) => {
      const n = Number(x);
      return Number.isSafeInteger(n) ? n : BigInt(x);
    },
  },
  plutusNumeric: {
    to: 1700,
    from: [1700],
    serialize: (x: number) => String(x),
    parse: (x: string) => Number(x),
  },
  // json and jsonb as the server writes them: parsed, an object printed "[object Object]",
  // an array lost its brackets and a JSON null became a NULL (query and export show values)
  plutusJson: {
    to: 3802,
    from: [114, 3802],
    serialize: (x: unknown) => (typeof x === "string" ? x : JSON.stringify(x)),
    parse: (x: string) => x,
  },
  plutusBoolean: {
    to: 16,
    from: [16],
    serialize: (x: unknown) => (x === true || x === 1 ? "t" : "f"),
    parse: (x: string) => (x === "t" ? 1 : 0),
  },
};

const WHOLE_SECONDS = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+00$/;

/**
 * A timestamp as SQLite stores it: `2026-01-02T03:04:05.000Z`, milliseconds always there
 * (one width, so that both backends export the same text); finer digits are kept.
 */
export function timestampText(x: string): string {
  // the usual case, whole seconds in UTC, without a regular expression (an export of 1M rows
  // reads 1M of them)
  if (x.length === 22 && WHOLE_SECONDS.test(x)) return `${x.slice(0, 10)}T${x.slice(11, 19)}.000Z`;
  const match = /^(\d{4,}-\d\d-\d\d) (\d\d:\d\d:\d\d)(?:\.(\d+))?(\+00)?$/.exec(x);
  if (!match) return x.replace(" ", "T").replace(/\+00$/, "Z");
  const [, day, time, fraction = "", utc] = match;
  return `${day}T${time}.${fraction.padEnd(3, "0")}${utc ? "Z" : ""}`;
}

/** Opens a client for `url` (connections are made on first use). */
export function connectPg(
  url: string,
  options: { max?: number; applicationName?: string; onClose?: () => void } = {},
): Sql {
  const target = pgTarget(url);
  return postgres({
    host: target.host,
    port: target.port,
    database: target.database,
    user: target.user,
    pass: target.password,
    ssl: sslOption(target.sslmode),
    max: options.max ?? 1,
    idle_timeout: 0,
    connect_timeout: target.connectTimeout,
    max_lifetime: 0,
    max_pipeline: 100,
    backoff: () => 0,
    keep_alive: 60,
    prepare: true,
    debug: false,
    fetch_types: false,
    publications: "alltables",
    sslnegotiation: null,
    target_session_attrs: null,
    onnotice: () => {},
    socket: () => openSocket(target.host, target.port, target.connectTimeout),
    onclose: options.onClose,
    types: READ_TYPES,
    connection: {
      application_name: options.applicationName ?? "plutus",
      TimeZone: "UTC",
      DateStyle: "ISO",
      ...target.parameters,
    },
  } as unknown as postgres.Options<typeof READ_TYPES>) as unknown as Sql;
}

/** A connection of its own, for a session (transactions, temporary tables, locks). */
export async function reserveConnection(sql: Sql): Promise<Awaited<ReturnType<Sql["reserve"]>>> {
  // Postgres.js 3.4.9 (fetch_types off) never hands out a reserved connection that is its
  // first: open one with a query before reserving it
  await sql.unsafe("SELECT 1");
  return await sql.reserve();
}

/**
 * A TCP connection with Nagle's algorithm off: COPY ends with two small messages in a row,
 * and with it on, each COPY waited ~40 ms for the server's delayed acknowledgement
 * (measured here: 97 ms per COPY of two rows with it, 6.5 ms without). The client's
 * connect_timeout starts only once it has the socket, so connecting has its own limit.
 */
function openSocket(host: string, port: number, timeoutSeconds: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host, port });
    socket.setNoDelay(true);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(Object.assign(new Error(`connect ETIMEDOUT ${host}:${port}`), { code: "ETIMEDOUT" }));
    }, timeoutSeconds * 1000);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.off("error", fail);
      // Connected is not answered: a port that is no PostgreSQL (a web server on 8080)
      // takes the start-up message and waits for more, and so would the client, for ever.
      // Its first answer must come within the same limit; an idle session later may idle.
      socket.setTimeout(timeoutSeconds * 1000, () =>
        socket.destroy(
          Object.assign(new Error(`no answer from ${host}:${port}`), { code: "ETIMEDOUT" }),
        ));
      socket.once("data", (data: Uint8Array) => {
        socket.setTimeout(0);
        // PostgreSQL answers with a message type (R, E, N, S, v); "H" is a web server's
        // "HTTP/1.1 400": tried again and again, the client never gave up
        if (!"RENSv".includes(String.fromCharCode(data[0] ?? 0))) {
          socket.destroy(
            Object.assign(new Error(`${host}:${port} answers, but not as PostgreSQL does`), {
              code: "NOT_POSTGRES",
            }),
          );
        }
      });
      resolve(socket);
    });
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    socket.once("error", fail);
  });
}

/** SQLSTATE classes and codes Plutus explains. */
const CONNECTION_LOST = new Set([
  "CONNECTION_CLOSED",
  "CONNECTION_DESTROYED",
  "CONNECTION_ENDED",
  "ECONNRESET",
  "EPIPE",
]);

/**
 * The client's error as a StoreError naming the cause and the next step; the password
 * appears in no message. `label` is the URL without its password.
 */
export function explainPgError(error: unknown, url: string): PlutusError {
  // Plutus's own errors (a reject limit, a schema problem) pass as they are
  if (error instanceof PlutusError) return error;
  const label = pgLabel(url);
  const target = safeTarget(url);
  const where = target ? `${target.host}:${target.port}` : label;
  const code = String((error as { code?: unknown })?.code ?? "");
  const raw = masked(errorMessage(error), target?.password);
  const make = (message: string, hint: string, name = "db_error") =>
    new StoreError(masked(message, target?.password), { code: name, hint, cause: error });
  switch (code) {
    case "28P01":
      return make(
        `PostgreSQL at ${where} refused the password of user "${target?.user}"`,
        "Check the password in .env (the variable plutus.yaml's database: URL names, PG_PASSWORD as init writes it; in the GUI: Database) and the user name in the URL, then test again.",
        "db_auth",
      );
    case "28000":
      // "no encryption": no pg_hba.conf line lets this unencrypted connection in. Only when
      // the client did not ask for TLS can TLS be the way in (with prefer, a server that
      // offers TLS would have had it: this user is simply not allowed)
      return /SSL off|no encryption/i.test(raw) &&
          (target?.sslmode === "disable" || target?.sslmode === "allow")
        ? make(
          `PostgreSQL at ${where} refused this unencrypted connection: ${raw}`,
          "If the server accepts only encrypted connections, use sslmode=require (in the database: URL in plutus.yaml: ?sslmode=require; in the GUI: Database, SSL mode); otherwise ask its administrator to allow this user from this machine (pg_hba.conf).",
          "db_tls",
        )
        : make(
          `PostgreSQL at ${where} refused user "${target?.user}": ${raw}`,
          "Ask the server's administrator to allow this user to connect from this machine (pg_hba.conf).",
          "db_auth",
        );
    case "3D000":
      return make(
        `PostgreSQL at ${where} has no database "${target?.database}"`,
        `Create it (createdb ${target?.database}) or correct the database name (the database: URL in plutus.yaml; in the GUI: Database).`,
        "db_missing",
      );
    case "42501": {
      if (/permission denied to create temporary tables/i.test(raw)) {
        return make(
          `user "${target?.user}" may not create temporary tables in database "${target?.database}" (PostgreSQL at ${where}): Plutus stages each file's rows in one before it merges them`,
          `Ask the server's administrator: GRANT TEMPORARY ON DATABASE ${target?.database} TO ${target?.user}; (docs/postgres.md, least privileges).`,
          "db_privilege",
        );
      }
      const detail = String((error as { detail?: unknown })?.detail ?? "");
      if (/^permission denied for database/i.test(raw) && !/CONNECT/i.test(detail)) {
        return make(
          `user "${target?.user}" may not create the schema Plutus keeps its tables in, in database "${target?.database}" (PostgreSQL at ${where}): ${raw}`,
          `Ask the server's administrator to create it for this user (CREATE SCHEMA … AUTHORIZATION ${target?.user}; the name is database_schema: in plutus.yaml, public by default), or to GRANT CREATE ON DATABASE ${target?.database} TO ${target?.user}; (docs/postgres.md).`,
          "db_privilege",
        );
      }
      // the missing CONNECT privilege: 'permission denied for database "x"' (the server
      // names CONNECT only in its detail; CREATE SCHEMA without CREATE says the same)
      if (/^permission denied for database/i.test(raw)) {
        return make(
          `PostgreSQL at ${where} does not let user "${target?.user}" connect to database "${target?.database}": ${raw}`,
          "Ask the server's administrator to allow this user to connect (GRANT CONNECT ON DATABASE …; docs/postgres.md shows the SQL).",
          "db_auth",
        );
      }
      return make(
        `user "${target?.user}" may not do this in PostgreSQL at ${where}: ${raw}`,
        `Plutus needs to create and change tables in its schema: GRANT CREATE, USAGE ON SCHEMA … TO ${target?.user}; with the schema plutus.yaml names in database_schema: (public by default; docs/postgres.md, least privileges).`,
        "db_privilege",
      );
    }
    case "25006":
      return make(
        `PostgreSQL at ${where} refused a write: ${raw}`,
        "The server or this user is read-only (a replica, or default_transaction_read_only): point database: at the primary server, or use a user that may write.",
        "db_read_only",
      );
    case "57014":
      if (!/statement timeout/i.test(raw)) {
        // cancelled, not timed out: no limit to raise
        return make(
          `PostgreSQL at ${where} stopped the statement: ${raw}`,
          "Someone or something cancelled it on the server (pg_cancel_backend, or a tool that stops long queries): run the command again. A run keeps nothing of a stopped step.",
          "db_cancelled",
        );
      }
      return make(
        `PostgreSQL at ${where} stopped a statement that ran longer than its statement_timeout`,
        // the limit the URL itself sets is changed there, not on the server
        /statement[-_]timeout/.test(target?.parameters.options ?? "")
          ? "The database: URL in plutus.yaml sets statement_timeout (options=-c statement_timeout=…): raise it there or take it out, then run again; nothing of the stopped step was kept."
          : `The server or this user limits how long a statement may run: raise it for this user (ALTER ROLE ${
            target ? ident(target.user) : "<user>"
          } SET statement_timeout = 0), then run again; nothing of the stopped step was kept.`,
        "db_timeout",
      );
    case "57P03":
    case "53300":
      return make(
        `PostgreSQL at ${where} cannot take the connection now: ${raw}`,
        "The server is starting up or has no free connection: try again in a minute.",
        "db_busy",
      );
    case "57P01":
    case "57P02":
      return make(
        `PostgreSQL at ${where} ended the connection: ${raw}`,
        "The server was stopped or restarted, or an administrator ended the session: run again once it is up; nothing of the interrupted step was kept.",
        "db_connection_lost",
      );
    case "53100":
      return make(
        `PostgreSQL at ${where} has no disk space left: ${raw}`,
        "Free space on the database server, then run again; nothing of the failed step was kept.",
        "db_disk_full",
      );
    case "ECONNREFUSED":
      return make(
        `nothing accepts connections at ${where}: is PostgreSQL running there?`,
        "Start the server, or correct the host and port (the database: URL in plutus.yaml; in the GUI: Database).",
        "db_unreachable",
      );
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return make(
        `the database host "${target?.host}" was not found`,
        "Check the host name (the database: URL in plutus.yaml; in the GUI: Database) and this machine's network or VPN.",
        "db_unreachable",
      );
    case "CONNECT_TIMEOUT":
    case "ETIMEDOUT":
      return make(
        `no answer from PostgreSQL at ${where} within ${target?.connectTimeout ?? 15} s`,
        "Check the host and port, and that a firewall lets this machine reach the server.",
        "db_unreachable",
      );
  }
  if (/failed to lookup address|getaddrinfo/i.test(raw)) {
    return make(
      `the database host "${target?.host}" was not found`,
      "Check the host name (the database: URL in plutus.yaml; in the GUI: Database) and this machine's network or VPN.",
      "db_unreachable",
    );
  }
  if (CONNECTION_LOST.has(code)) {
    return make(
      `the connection to PostgreSQL at ${where} was lost`,
      "Check that the server is running and reachable, then run again; nothing of the interrupted step was kept.",
      "db_connection_lost",
    );
  }
  if (
    /certificate|SSL|TLS|handshake/i.test(raw) || code.startsWith("ERR_TLS") ||
    code.startsWith("ERR_SSL")
  ) {
    const verifying = target?.sslmode === "verify-ca" || target?.sslmode === "verify-full";
    return make(
      verifying
        ? `the TLS certificate of PostgreSQL at ${where} could not be verified (sslmode ${target?.sslmode}): ${raw}`
        : `an encrypted connection to PostgreSQL at ${where} failed: ${raw}`,
      verifying
        ? "Use sslmode=require to encrypt without checking the certificate, or install the server's CA certificate on this machine (DENO_CERT or the system store); for verify-full the certificate must also name the host."
        : "If the server does not offer TLS, use sslmode=prefer (the database: URL in plutus.yaml; in the GUI: Database).",
      "db_tls",
    );
  }
  if (error instanceof postgres.PostgresError) {
    return make(
      `PostgreSQL at ${where}: ${raw}`,
      "See the PostgreSQL message above; docs/postgres.md lists common causes.",
    );
  }
  return make(
    `cannot talk to PostgreSQL at ${where}: ${raw}`,
    "Check the server's address (the database: URL in plutus.yaml; in the GUI: Database) and that the server is reachable.",
  );
}

/**
 * Like explainPgError, but when a connection that requires TLS failed without a word from
 * PostgreSQL, asks the server whether it offers TLS at all (an SSLRequest, answered with
 * one byte), so that the message names the cause instead of "connection lost".
 */
export async function explainPgConnectError(error: unknown, url: string): Promise<PlutusError> {
  const target = safeTarget(url);
  const requires = target && ["require", "verify-ca", "verify-full"].includes(target.sslmode);
  if (requires && !(error instanceof postgres.PostgresError) && !(error instanceof PlutusError)) {
    const offered = await offersTls(target.host, target.port).catch(() => undefined);
    if (offered === false) {
      return new StoreError(
        `PostgreSQL at ${target.host}:${target.port} does not offer encrypted connections (TLS), but the database URL asks for sslmode=${target.sslmode}`,
        {
          code: "db_tls",
          hint:
            "Turn on ssl in the server's postgresql.conf, or (on a trusted network only) use sslmode=prefer (the database: URL in plutus.yaml; in the GUI: Database).",
          cause: error,
        },
      );
    }
  }
  return explainPgError(error, url);
}

/** Whether the server answers an SSLRequest with "S" (yes) or "N" (no). */
function offersTls(host: string, port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host, port });
    const timer = setTimeout(() => socket.destroy(new Error("no answer")), 5000);
    socket.once("connect", () => socket.write(new Uint8Array([0, 0, 0, 8, 4, 210, 22, 47])));
    socket.once("data", (data: Uint8Array) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(data[0] === 83); // "S"
    });
    socket.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

function safeTarget(url: string): PgTarget | undefined {
  try {
    return pgTarget(url);
  } catch {
    return undefined;
  }
}

/** The text without the password, as written or percent-encoded as in a URL. */
function masked(text: string, password: string | undefined): string {
  if (!password) return text;
  let out = text;
  for (const form of new Set([password, encodeURIComponent(password), encodeURI(password)])) {
    out = out.replaceAll(form, "***");
  }
  return out;
}
