/**
 * Ad hoc read-only SQL: the rows of one statement, read in pages inside one read
 * transaction (a consistent snapshot, even while a run is loading).
 *
 * Rows are read with `all()` page by page, never with `iterate()`: Deno's node:sqlite
 * iterator ends quietly when SQLite reports an error mid-way, which would turn a failed
 * export into a short one without a word.
 *
 * @module
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { PlutusError, UsageError } from "../../config/errors.ts";
import { ident } from "../store/sql.ts";
import {
  assertSingleStatement,
  openReadOnly,
  queryError,
  withoutTerminator,
} from "./read_only_db.ts";

/** A value as SQLite returns it. */
export type SqlValue = string | number | bigint | Uint8Array | null;

/** An open query: its column names, and its rows page by page. */
export interface QueryCursor {
  columns: string[];
  pages(): Generator<SqlValue[][]>;
  close(): void;
}

const PAGE_ROWS = 20_000;

/** A statement set to return rows as arrays. */
interface ArrayStatement {
  all(...params: (string | number)[]): SqlValue[][];
  columns(): { name: string }[];
}

function prepareArrays(db: DatabaseSync, sql: string): ArrayStatement {
  const statement = db.prepare(sql) as StatementSync & { setReturnArrays(on: boolean): void };
  // Arrays are ~20% faster than objects, and keep duplicate column names apart.
  statement.setReturnArrays(true);
  return statement as unknown as ArrayStatement;
}

/** Prepares `sql` on a read-only connection. */
export function openQuery(databasePath: string, sql: string, pageRows = PAGE_ROWS): QueryCursor {
  assertSingleStatement(sql);
  const db = openReadOnly(databasePath);
  try {
    const text = withoutTerminator(sql);
    const columns = prepareArrays(db, text).columns().map((column) => column.name);
    if (columns.length === 0) {
      throw new UsageError(
        "the statement returns no rows: only queries (SELECT, WITH …) can run here",
        {
          code: "query_readonly",
          hint:
            "plutus query and export run SELECT statements only; data changes come from plutus run.",
        },
      );
    }
    // PRAGMA table_info(x) cannot be wrapped in a sub-query; its few rows come in one page.
    const paged = !/^\s*pragma\b/i.test(text);
    const page = paged
      ? prepareArrays(db, `SELECT * FROM (\n${text}\n) LIMIT ? OFFSET ?`)
      : prepareArrays(db, text);
    return {
      columns,
      *pages() {
        const read = (
          offset: number,
        ) => (paged ? page.all(pageRows, offset) : offset === 0 ? page.all() : []);
        yield* readPages(db, sql, read, pageRows);
      },
      close: () => db.close(),
    };
  } catch (error) {
    db.close();
    throw error instanceof PlutusError ? error : queryError(error, sql);
  }
}

/** Reads a whole table in rowid order, a page at a time, without re-running a query. */
export function openTableScan(
  databasePath: string,
  table: string,
  pageRows = PAGE_ROWS,
): QueryCursor {
  const db = openReadOnly(databasePath);
  try {
    const columns = prepareArrays(db, `SELECT * FROM ${ident(table)}`).columns().map((column) =>
      column.name
    );
    const page = prepareArrays(
      db,
      `SELECT rowid, * FROM ${ident(table)} WHERE rowid > ? ORDER BY rowid LIMIT ?`,
    );
    let last = Number.MIN_SAFE_INTEGER;
    return {
      columns,
      *pages() {
        yield* readPages(db, table, () => {
          const rows = page.all(last, pageRows);
          if (rows.length > 0) last = Number(rows.at(-1)![0]);
          return rows.map((row) => row.slice(1));
        }, pageRows);
      },
      close: () => db.close(),
    };
  } catch (error) {
    db.close();
    throw error instanceof PlutusError ? error : queryError(error, `SELECT * FROM ${table}`);
  }
}

/** Pages until one comes back short, all inside one read transaction. */
function* readPages(
  db: DatabaseSync,
  sql: string,
  read: (offset: number) => SqlValue[][],
  pageRows: number,
): Generator<SqlValue[][]> {
  db.exec("BEGIN");
  try {
    for (let offset = 0;; offset += pageRows) {
      let rows: SqlValue[][];
      try {
        rows = read(offset);
      } catch (error) {
        throw queryError(error, sql);
      }
      if (rows.length > 0) yield rows;
      if (rows.length < pageRows) return;
    }
  } finally {
    if (db.isTransaction) db.exec("COMMIT");
  }
}

/** The first `limit` rows of a query, and whether there were more. */
export function runQuery(
  databasePath: string,
  sql: string,
  limit = Infinity,
): { columns: string[]; rows: SqlValue[][]; truncated: boolean } {
  const cursor = openQuery(databasePath, sql, Number.isFinite(limit) ? limit + 1 : PAGE_ROWS);
  try {
    const rows: SqlValue[][] = [];
    for (const page of cursor.pages()) {
      rows.push(...page);
      if (rows.length > limit) {
        return { columns: cursor.columns, rows: rows.slice(0, limit), truncated: true };
      }
    }
    return { columns: cursor.columns, rows, truncated: false };
  } finally {
    cursor.close();
  }
}
