/**
 * A read-only query on PostgreSQL: its own connection, a READ ONLY transaction that is
 * always rolled back, a statement_timeout, one statement only (the extended protocol
 * refuses more), rows page by page through a cursor. Aborting cancels the statement on
 * the server (a CancelRequest), so a stopped query uses no server CPU after.
 *
 * @module
 */
import type { QueryCursor, QueryLimits, SqlValue } from "../mod.ts";
import { connectPg, explainPgConnectError, explainPgError, type Sql } from "./pg_connect.ts";
import { ident } from "./pg_sql.ts";
import { StoreError, type UsageError } from "../../../util/errors.ts";
import { manyStatements, readOnlyQuery } from "../query_refusals.ts";

/** Opens `sql` read-only in the schema `dbSchema` of the database at `url`. */
export async function openPgQuery(
  url: string,
  dbSchema: string,
  sql: string,
  limits: QueryLimits,
  options: { pageRows?: number; limit?: number } = {},
): Promise<QueryCursor> {
  // no limit (0): an export of the command line, stopped by Ctrl-C
  const timeoutMs = limits.timeoutSeconds > 0
    ? Math.max(1, Math.round(limits.timeoutSeconds * 1000))
    : 0;
  const { client, close } = readOnlyClient(url, "plutus query");
  try {
    await beginReadOnly(client, dbSchema, timeoutMs);
    const described = await client.unsafe(sql, [], { prepare: false, simple: false } as never)
      .describe();
    const shape = (described.columns ?? []) as DescribedColumn[];
    const columns = shape.map((column) => column.name);
    const origins = await columnOrigins(client, dbSchema, shape);
    const pageRows = options.pageRows ?? 500;
    const limit = options.limit ?? Infinity;
    return {
      columns,
      origins,
      async *pages(): AsyncGenerator<SqlValue[][]> {
        const query = client.unsafe(sql, [], { prepare: false, simple: false } as never)
          .values();
        const abort = () => query.cancel();
        limits.signal?.addEventListener("abort", abort);
        // the server's statement_timeout stops the statement; this stops a client that
        // no longer hears from the server at all
        const guard = timeoutMs === 0 ? undefined : setTimeout(() => {
          query.cancel();
          close();
        }, timeoutMs + 10_000);
        let sent = 0;
        // Without a limit (an export) the next page is asked for before this one is
        // handed on: the server reads it while the caller writes this one (two pages held
        // at most; before, server and client took turns)
        const ahead = limit === Infinity;
        const cursor = query.cursor(pageRows)[Symbol.asyncIterator]();
        let next: Promise<IteratorResult<unknown>> | undefined;
        // Postgres.js answers with a plain result, not a promise, once the query has ended
        const nextPage = () => Promise.resolve(cursor.next());
        let finished = false;
        try {
          if (limits.signal?.aborted) throw limits.signal.reason ?? new Error("aborted");
          while (true) {
            const read = await (next ?? nextPage());
            if (read.done) {
              finished = true;
              break;
            }
            next = ahead ? nextPage() : undefined;
            next?.catch(() => {}); // its failure is thrown where it is awaited
            const page = read.value as unknown as SqlValue[][];
            if (sent + page.length >= limit) {
              yield page.slice(0, limit - sent);
              return;
            }
            sent += page.length;
            yield page;
          }
        } catch (error) {
          if (limits.signal?.aborted) throw limits.signal.reason ?? error;
          const refused = queryRefusal(error);
          if (refused) throw refused;
          const explained = explainPgError(error, url);
          if (explained.code !== "db_timeout") throw explained;
          throw new StoreError(
            `the query ran longer than ${limits.timeoutSeconds} s and was stopped`,
            {
              code: "query_timeout",
              hint:
                "Make the query cheaper (filter rows, add LIMIT), or raise query_timeout_seconds in plutus.yaml.",
              cause: error,
            },
          );
        } finally {
          // stopped early: the page asked for ahead comes, then the cursor is closed
          // (or the connection would wait for the page to be taken)
          const pending = await next?.catch(() => undefined);
          if (!finished && !pending?.done) await cursor.return?.();
          clearTimeout(guard);
          limits.signal?.removeEventListener("abort", abort);
        }
      },
      close,
    };
  } catch (error) {
    await close();
    throw queryRefusal(error) ?? await explainPgConnectError(error, url);
  }
}

/** A client of its own for a read, and its close (once, never failing). */
export function readOnlyClient(
  url: string,
  applicationName: string,
): { client: Sql; close: () => Promise<void> } {
  const client = connectPg(url, { applicationName });
  let closed = false;
  return {
    client,
    close: async () => {
      if (closed) return;
      closed = true;
      await client.end({ timeout: 1 }).catch(() => {});
    },
  };
}

/**
 * Begins the READ ONLY transaction a read runs in, within `timeoutMs` (0: no limit), with
 * `dbSchema` first on the search path. It must be the connection's first query: a query
 * after it can no longer switch the transaction to read-write (a snapshot has been taken).
 */
export async function beginReadOnly(client: Sql, dbSchema: string, timeoutMs: number) {
  await client.unsafe(
    `BEGIN READ ONLY; SET LOCAL statement_timeout = ${timeoutMs}; ` +
      `SET LOCAL search_path = ${ident(dbSchema)}; SELECT 1`,
  );
}

/** A result column as the server describes it: its table's oid and column number, or 0. */
interface DescribedColumn {
  name: string;
  table?: number;
  number?: number;
}

/**
 * Each column's table and column of origin, where it is a column of a table in the
 * project's schema (as the SQLite backend says for its tables); null for expressions.
 */
export async function columnOrigins(
  client: Sql,
  dbSchema: string,
  columns: DescribedColumn[],
): Promise<{ table: string | null; column: string | null }[]> {
  const oids = [...new Set(columns.map((c) => c.table ?? 0).filter((oid) => oid > 0))];
  const names = new Map<string, { table: string; column: string }>();
  if (oids.length > 0) {
    const rows = await client.unsafe<{ oid: number; num: number; tbl: string; col: string }[]>(
      `SELECT c.oid::int8 AS oid, a.attnum::int8 AS num, c.relname AS tbl, a.attname AS col
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
       WHERE c.oid IN (${oids.map((oid) => Number(oid)).join(", ")}) AND n.nspname = $1`,
      [dbSchema],
    );
    for (const row of rows) {
      names.set(`${row.oid}:${row.num}`, { table: row.tbl, column: row.col });
    }
  }
  return columns.map((c) =>
    names.get(`${c.table ?? 0}:${c.number ?? 0}`) ?? { table: null, column: null }
  );
}

/**
 * A query refused for what it asks, said as the SQLite backend says it (exit code 2: the
 * SQL is wrong): a write in the read-only transaction a query runs in, or several
 * statements. Undefined for any other failure.
 */
export function queryRefusal(error: unknown): UsageError | undefined {
  const code = String((error as { code?: unknown })?.code ?? "");
  const message = (error as Error)?.message ?? String(error);
  if (code === "25006") return readOnlyQuery(message);
  if (/cannot insert multiple commands into a prepared statement/i.test(message)) {
    return manyStatements();
  }
  return undefined;
}
