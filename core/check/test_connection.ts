/**
 * "Test connection" (the GUI's Database page, `plutus check`): connects to the project's
 * PostgreSQL server once and reports what a run needs to know — the server's version,
 * whether TLS is in use, whether the schema exists and the user may create tables in it —
 * or, when it cannot connect, the cause in words and the next step. The password is in no
 * message.
 *
 * @module
 */
import postgres from "postgres";
import { PlutusError } from "../../util/errors.ts";
import type { DatabaseLocation } from "../store/mod.ts";
import { parsePostgresUrl, type PostgresTarget } from "../store/postgres/pg_url.ts";
import { clientOptions, ConnectionError, connectionError } from "../store/postgres_client.ts";

export { ConnectionError };

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

/** Connects to the PostgreSQL server of `location` and reports what it found. */
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
  const sql = postgres(clientOptions(target));
  try {
    const [row] = await sql<
      {
        version: string;
        server_version: string;
        user: string;
        database: string;
        schema_exists: boolean;
        can_create: boolean;
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
      schemaExists: row!.schema_exists,
      canCreate: row!.can_create,
      tls: await tlsInUse(sql),
    };
  } catch (error) {
    throw connectionError(error, target);
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

async function tlsInUse(sql: postgres.Sql): Promise<boolean | undefined> {
  try {
    const [row] = await sql<{ ssl: boolean | null }[]>`
      select ssl from pg_stat_ssl where pid = pg_backend_pid()`;
    return row?.ssl ?? undefined;
  } catch {
    return undefined; // a PostgreSQL-compatible server without pg_stat_ssl
  }
}
