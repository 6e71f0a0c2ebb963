/**
 * A read-only query on PostgreSQL: its own connection, a READ ONLY transaction that is
 * always rolled back, a statement_timeout, one statement only (the extended protocol
 * refuses more), rows page by page through a cursor. Aborting cancels the statement on
 * the server (a CancelRequest), so a stopped query uses no server CPU after.
 *
 * @module
 */
import type { QueryCursor, QueryLimits, SqlValue } from "../mod.ts";
import { connectPg, explainPgConnectError, explainPgError } from "./pg_connect.ts";
import { ident } from "./pg_sql.ts";
import { StoreError } from "../../../util/errors.ts";

/** Opens `sql` read-only in the schema `dbSchema` of the database at `url`. */
export async function openPgQuery(
  url: string,
  dbSchema: string,
  sql: string,
  limits: QueryLimits,
  options: { pageRows?: number; limit?: number } = {},
): Promise<QueryCursor> {
  const client = connectPg(url, { applicationName: "plutus query" });
  const timeoutMs = Math.max(1, Math.round(limits.timeoutSeconds * 1000));
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await client.end({ timeout: 1 }).catch(() => {});
  };
  try {
    // the first query of the connection sets everything up; a query after it can no
    // longer switch the transaction to read-write (a snapshot has been taken)
    await client.unsafe(
      `BEGIN READ ONLY; SET LOCAL statement_timeout = ${timeoutMs}; ` +
        `SET LOCAL search_path = ${ident(dbSchema)}; SELECT 1`,
    );
    const described = await client.unsafe(sql, [], { prepare: false, simple: false } as never)
      .describe();
    const columns = (described.columns ?? []).map((column: { name: string }) => column.name);
    const pageRows = options.pageRows ?? 500;
    const limit = options.limit ?? Infinity;
    return {
      columns,
      async *pages(): AsyncGenerator<SqlValue[][]> {
        const query = client.unsafe(sql, [], { prepare: false, simple: false } as never).values();
        const abort = () => query.cancel();
        limits.signal?.addEventListener("abort", abort);
        // the server's statement_timeout stops the statement; this stops a client that
        // no longer hears from the server at all
        const guard = setTimeout(() => {
          query.cancel();
          close();
        }, timeoutMs + 10_000);
        let sent = 0;
        try {
          if (limits.signal?.aborted) throw limits.signal.reason ?? new Error("aborted");
          for await (const rows of query.cursor(pageRows)) {
            const page = rows as unknown as SqlValue[][];
            if (sent + page.length >= limit) {
              yield page.slice(0, limit - sent);
              return;
            }
            sent += page.length;
            yield page;
          }
        } catch (error) {
          if (limits.signal?.aborted) throw limits.signal.reason ?? error;
          const explained = explainPgError(error, url);
          if (explained.code !== "db_timeout") throw explained;
          throw new StoreError(
            `the query ran longer than ${limits.timeoutSeconds} s and was stopped`,
            {
              code: "query_timeout",
              hint: "Make the query cheaper (filter rows, add LIMIT), or raise the time limit.",
              cause: error,
            },
          );
        } finally {
          clearTimeout(guard);
          limits.signal?.removeEventListener("abort", abort);
        }
      },
      close,
    };
  } catch (error) {
    await close();
    throw await explainPgConnectError(error, url);
  }
}
