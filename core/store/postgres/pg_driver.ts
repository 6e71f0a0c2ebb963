/**
 * The PostgreSQL backend: a `StoreDriver` for a `postgres://` database location. Everything
 * a project keeps lives in the server, in the schema `database_schema:` names (default
 * public): the data tables with real types and Plutus's `_plutus_*` records.
 *
 * @module
 */
import type { TableSchema } from "../../../config/table_schema.ts";
import type {
  CsvCopy,
  DatabaseLocation,
  LockHolder,
  QueryCursor,
  QueryLimits,
  RunHistory,
  RunLock,
  Store,
  StoreDriver,
  TableChanges,
} from "../mod.ts";
import { LOCK_CLASS, lockObject } from "./pg_bookkeeping.ts";
import { connectPg, explainPgConnectError, explainPgError, pgLabel } from "./pg_connect.ts";
import { ident, qualified } from "./pg_sql.ts";
import { openPgQuery } from "./pg_query.ts";
import { openPgCopy } from "./pg_copy.ts";
import { PgRunHistory } from "./pg_run_history.ts";
import { finishRunStatement, PgStore } from "./pg_store.ts";
import { planPgTable } from "./pg_table_sync.ts";

/** Who holds a project's run lock, as the server knows it. */
export interface PgLockHolder extends LockHolder {
  /** The client's address, or "local socket". */
  client: string;
}

// the holder's application_name: "plutus lock 4242: the command line (plutus run)"
const LOCK_NAME = /^plutus lock (\d+): (.*)$/s;
/** The backend of a project whose `database:` is a PostgreSQL URL. */
export class PgDriver implements StoreDriver {
  readonly location: DatabaseLocation & { kind: "postgres" };
  readonly label: string;

  constructor(location: DatabaseLocation & { kind: "postgres" }) {
    this.location = location;
    this.label = pgLabel(location.url);
  }

  /**
   * The writer; creates the schema and the bookkeeping tables when missing (for a dry
   * run, inside the transaction the dry run rolls back).
   */
  openWriter(options: { dryRun?: boolean } = {}): Promise<Store> {
    return PgStore.open(this.location, options);
  }

  /**
   * A bare connection with short limits: the run's session may live on in the server after
   * the link to it broke (a Wi-Fi or VPN switch), holding locks until the server notices —
   * hours; setting up a writer waited for them.
   */
  async recordStop(runId: number, cause: string): Promise<void> {
    const sql = connectPg(this.location.url, { max: 1, applicationName: "plutus run" });
    try {
      await sql.unsafe("SET lock_timeout = '5s'; SET statement_timeout = '10s'");
      const { sql: text, values } = finishRunStatement(
        this.location.schema,
        runId,
        "failed",
        cause,
      );
      await sql.unsafe(text, values);
    } catch (error) {
      throw await explainPgConnectError(error, this.location.url);
    } finally {
      await sql.end({ timeout: 1 }).catch(() => {});
    }
  }

  /** Reads the history; undefined for a database without Plutus's tables. */
  async readHistory<T>(read: (history: RunHistory) => Promise<T>): Promise<T | undefined> {
    const sql = connectPg(this.location.url, { applicationName: "plutus history" });
    try {
      const [{ ready }] = await sql<[{ ready: boolean }]>`
        SELECT to_regclass(${`${ident(this.location.schema)}._plutus_runs`}) IS NOT NULL AS ready`;
      if (!ready) return undefined;
      return await read(new PgRunHistory(sql, this.location.schema));
    } catch (error) {
      throw await explainPgConnectError(error, this.location.url);
    } finally {
      await sql.end({ timeout: 1 }).catch(() => {});
    }
  }

  /** What loading into `schema` would change, on a connection of its own. */
  async planTable(schema: TableSchema): Promise<TableChanges> {
    const sql = connectPg(this.location.url, { applicationName: "plutus check" });
    try {
      return await planPgTable(sql, this.location.schema, schema);
    } catch (error) {
      throw await explainPgConnectError(error, this.location.url);
    } finally {
      await sql.end({ timeout: 1 }).catch(() => {});
    }
  }

  /** A read-only query, bounded by `limits`. */
  openQuery(
    sql: string,
    limits: QueryLimits,
    options?: { pageRows?: number; limit?: number },
  ): Promise<QueryCursor> {
    return openPgQuery(this.location.url, this.location.schema, sql, limits, options);
  }

  /**
   * A table (as stored: PostgreSQL keeps no load order, so rows come in the order the
   * table holds them) or a read-only query, read through a cursor page by page: memory
   * stays flat. No time limit: the command line stops it with Ctrl-C. (An export of a
   * table or a query reads it through openCopy(), faster.)
   */
  openExport(what: { table: string } | { sql: string }): Promise<QueryCursor> {
    const sql = "table" in what
      ? `SELECT * FROM ${qualified(this.location.schema, what.table)}`
      : what.sql;
    return openPgQuery(this.location.url, this.location.schema, sql, { timeoutSeconds: 0 }, {
      pageRows: 2000,
    });
  }

  /** A whole table or a query as PostgreSQL's own CSV (COPY … TO STDOUT), read-only. */
  openCopy(what: { table: string } | { sql: string }): Promise<CsvCopy | undefined> {
    return openPgCopy(this.location.url, this.location.schema, what);
  }

  /**
   * Takes the project's run lock: a PostgreSQL advisory lock held by a session kept open for
   * the run, so that a runner on another machine is refused too, and a holder that dies
   * (even killed) lets go with its connection. Undefined when another session holds it.
   */
  async tryLock(what = "plutus"): Promise<RunLock | undefined> {
    // the holder says who it is in its application_name, which pg_stat_activity shows
    // (at most 63 bytes: the server cuts the rest)
    const name = truncateUtf8(`plutus lock ${Deno.pid}: ${what}`, 63);
    const sql = connectPg(this.location.url, { applicationName: name });
    try {
      // The lock goes with this session. When the link to it breaks (a laptop's Wi-Fi or
      // VPN switching), the server keeps the session, and the lock, until its keepalives
      // find the client gone: after two hours by default, a minute or two with these. A
      // server or pooler that refuses the settings keeps its own.
      await sql.unsafe(
        "SET tcp_keepalives_idle = 60; SET tcp_keepalives_interval = 10; SET tcp_keepalives_count = 6",
      ).catch((error) => {
        // a refusal by the server (a SQLSTATE) is let be; no connection at all is said below
        if (!/^[0-9A-Z]{5}$/.test(String((error as { code?: unknown })?.code))) throw error;
      });
      const [{ locked }] = await sql.unsafe<[{ locked: boolean }]>(
        `SELECT pg_try_advisory_lock(${LOCK_CLASS}, ${lockObject(this.location.schema)}) AS locked`,
      );
      if (!locked) {
        await sql.end({ timeout: 1 });
        return undefined;
      }
    } catch (error) {
      await sql.end({ timeout: 1 }).catch(() => {});
      throw await explainPgConnectError(error, this.location.url);
    }
    return {
      release: async () => {
        // closing the session releases the lock too; unlocking first says so at once
        await sql.unsafe(
          `SELECT pg_advisory_unlock(${LOCK_CLASS}, ${lockObject(this.location.schema)})`,
        ).catch(() => {});
        await sql.end({ timeout: 1 }).catch(() => {});
      },
    };
  }

  /**
   * Who holds the run lock now, if anyone. The holder names itself when it connects,
   * before it takes the lock; `waitMs` waits for a lock that is being taken.
   */
  async lockHolder(waitMs = 0): Promise<PgLockHolder | undefined> {
    const until = performance.now() + waitMs;
    for (;;) {
      const holder = await this.#lockHolder();
      if (holder || performance.now() >= until) return holder;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async #lockHolder(): Promise<PgLockHolder | undefined> {
    const sql = connectPg(this.location.url, { applicationName: "plutus status" });
    try {
      const [row] = await sql.unsafe<
        { application_name: string; backend_start: string; client: string | null }[]
      >(
        `SELECT a.application_name, a.backend_start, host(a.client_addr) AS client
         FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
         WHERE l.locktype = 'advisory' AND l.granted AND l.database = (
             SELECT oid FROM pg_database WHERE datname = current_database())
           AND l.classid = ${LOCK_CLASS}::oid AND l.objid = ${lockObject(this.location.schema)}::oid
           AND l.objsubid = 2`,
      );
      if (!row) return undefined;
      const named = LOCK_NAME.exec(row.application_name);
      return {
        pid: named ? Number(named[1]) : 0,
        what: named ? named[2] : row.application_name,
        since: String(row.backend_start).replace(/\.\d+Z$/, "Z"),
        client: row.client ?? "local socket",
      };
    } catch (error) {
      throw explainPgError(error, this.location.url);
    } finally {
      await sql.end({ timeout: 1 }).catch(() => {});
    }
  }
}

/** The longest start of `text` that fits in `bytes` bytes of UTF-8. */
function truncateUtf8(text: string, bytes: number): string {
  const encoder = new TextEncoder();
  let out = text;
  while (encoder.encode(out).length > bytes) out = [...out].slice(0, -1).join("");
  return out;
}
