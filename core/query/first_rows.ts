/**
 * The first rows of an ad hoc query, as `plutus query` and the GUI's Query page show
 * them: off the main thread, within the project's time limit, whatever the backend.
 *
 * @module
 */
import type { QueryLimits, SqlValue, StoreDriver } from "../store/mod.ts";

/** The first `limit` rows of a query, and whether there were more. */
export async function firstRows(
  driver: StoreDriver,
  sql: string,
  limit: number,
  limits: QueryLimits,
): Promise<{ columns: string[]; rows: SqlValue[][]; truncated: boolean }> {
  // one row more than shown says whether there are more; the database sorts only those
  const cursor = await driver.openQuery(sql, limits, { pageRows: limit + 1, limit: limit + 1 });
  try {
    const rows: SqlValue[][] = [];
    for await (const page of cursor.pages()) {
      rows.push(...page);
      if (rows.length > limit) {
        return { columns: cursor.columns, rows: rows.slice(0, limit), truncated: true };
      }
    }
    return { columns: cursor.columns, rows, truncated: false };
  } finally {
    await cursor.close();
  }
}
