/**
 * "Test connection" (the GUI's Database page, `plutus check`): connects to the project's
 * PostgreSQL server once and reports what a run needs to know — the server's version,
 * whether TLS is in use, whether the schema exists and the user may create tables in it —
 * or, when it cannot connect, the cause in words and the next step. The password is in no
 * message.
 *
 * @module
 */
import { PlutusError } from "../../util/errors.ts";
import type { DatabaseLocation } from "../store/mod.ts";
import { parsePostgresUrl, type PostgresTarget } from "../store/postgres/pg_url.ts";
import { connectPg, explainPgConnectError, type Sql } from "../store/postgres/pg_connect.ts";

/** What a successful connection found. */
export interface ConnectionReport {
  /** The server, for people: the URL without its password. */
  label: string;
  /** "PostgreSQL 15.18", as the server names itself. */
  serverVersion: string;
  /** The full version() text: the distribution (Citus, CockroachDB…) shows there. */
  versionText: string;
  user: string;
  database: string;
  schema: string;
  schemaExists: boolean;
  /** Whether the user may create tables in the schema (or create the schema, when missing). */
  canCreate: boolean;
  /** Whether the connection is encrypted; undefined when the server does not say. */
  tls: boolean | undefined;
}

/**
 * Connects to the PostgreSQL server of `location` and reports what it found; when it
 * cannot, throws the StoreError that names the cause and the next step (the same words a
 * run uses).
 */
export async function testConnection(
  location: DatabaseLocation | PostgresTarget,
): Promise<ConnectionReport> {
  const target = "kind" in location
    ? location.kind === "postgres"
      ? parsePostgresUrl(location.url, { schema: location.schema })
      : undefined
    : location;
  if (!target) {
    throw new PlutusError("this project keeps its data in a SQLite file, not on a server", {
      code: "not_postgres",
      hint: "Nothing to test: SQLite needs no connection.",
    });
  }
  const sql = connectPg(target.url, { max: 1 });
  try {
    const [row] = await sql<
      {
        version: string;
        server_version: string;
        user: string;
        database: string;
        schema_exists: number; // booleans arrive as 1/0, as SQLite gives them
        can_create: number;
      }[]
    >`
      select version() as version,
             current_setting('server_version') as server_version,
             current_user as user,
             current_database() as database,
             exists (select 1 from pg_namespace where nspname = ${target.schema}) as schema_exists,
             case when exists (select 1 from pg_namespace where nspname = ${target.schema})
                  then has_schema_privilege(${target.schema}, 'CREATE')
                  else has_database_privilege(current_database(), 'CREATE') end as can_create`;
    return {
      label: target.label,
      serverVersion: serverName(row!.version, row!.server_version),
      versionText: row!.version,
      user: row!.user,
      database: row!.database,
      schema: target.schema,
      schemaExists: row!.schema_exists === 1,
      canCreate: row!.can_create === 1,
      tls: await tlsInUse(sql),
    };
  } catch (error) {
    throw await explainPgConnectError(error, target.url);
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}

/** "PostgreSQL 15.18", or the distribution's own name where version() gives one. */
function serverName(version: string, serverVersion: string): string {
  const known = /^(CockroachDB|YugabyteDB)\S*\s+\S+/.exec(version);
  if (known) return known[0];
  return `PostgreSQL ${serverVersion.split(" ")[0]}`;
}

async function tlsInUse(sql: Sql): Promise<boolean | undefined> {
  try {
    const [row] = await sql<{ ssl: number | null }[]>`
      select ssl from pg_stat_ssl where pid = pg_backend_pid()`;
    return row?.ssl === undefined || row.ssl === null ? undefined : row.ssl === 1;
  } catch {
    return undefined; // a PostgreSQL-compatible server without pg_stat_ssl
  }
}
