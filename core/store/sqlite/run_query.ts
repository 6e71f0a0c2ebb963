/**
 * Ad hoc read-only SQL: the rows of one statement, read in pages inside one read
 * transaction (a consistent snapshot, even while a run is loading).
 *
 * A query runs once, its rows taken one by one with `iterate()` (re-running it for each
 * page with LIMIT/OFFSET made a sorted export of a million rows take many minutes). Deno's
 * node:sqlite iterator ends quietly when SQLite fails mid-way, which would turn a failed
 * export into a short one without a word: so a row of Plutus's own follows the query's
 * rows (UNION ALL), and only a query that ran to its end reaches it.
 *
 * @module
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { PlutusError, UsageError } from "../../../util/errors.ts";
import type { SqlValue } from "../mod.ts";
import { ident } from "./dialect.ts";
import {
  assertSingleStatement,
  openReadOnly,
  queryError,
  withoutTerminator,
} from "./read_only_db.ts";

/** An open query: its column names, and its rows page by page, on this thread. */
export interface RowCursor {
  columns: string[];
  /** Each column's table and column of origin (both null for an expression). */
  origins: { table: string | null; column: string | null }[];
  pages(): Generator<SqlValue[][]>;
  close(): void;
}

const PAGE_ROWS = 20_000;

/** A statement set to return rows as arrays. */
interface ArrayStatement {
  all(...params: (string | number)[]): SqlValue[][];
  iterate(...params: (string | number)[]): IterableIterator<SqlValue[]>;
  columns(): {
    name: string;
    table: string | null;
    column: string | null;
    database: string | null;
  }[];
}

/** Where each result column comes from; only this database's tables count. */
function originsOf(statement: ArrayStatement): RowCursor["origins"] {
  return statement.columns().map(({ table, column, database }) =>
    database === "main" ? { table, column } : { table: null, column: null }
  );
}

function prepareArrays(db: DatabaseSync, sql: string, bigInts = false): ArrayStatement {
  const statement = db.prepare(sql) as StatementSync & { setReturnArrays(on: boolean): void };
  // Arrays are ~20% faster than objects, and keep duplicate column names apart.
  statement.setReturnArrays(true);
  if (bigInts) statement.setReadBigInts(true);
  return statement as unknown as ArrayStatement;
}

/**
 * node:sqlite refuses to read an integer beyond 2^53 as a number. Plutus never stores one
 * (it rejects such values), but another SQL tool may have: the rows are then read again
 * with integers as bigints, and those a number holds exactly are made numbers again.
 */
function isTooLargeForNumber(error: unknown): boolean {
  return error instanceof Error && /too large to be represented as a JavaScript number/
    .test(error.message);
}

function withSafeNumbers(row: SqlValue[]): SqlValue[] {
  for (let i = 0; i < row.length; i++) {
    const value = row[i];
    if (
      typeof value === "bigint" && value <= BigInt(Number.MAX_SAFE_INTEGER) &&
      value >= BigInt(Number.MIN_SAFE_INTEGER)
    ) row[i] = Number(value);
  }
  return row;
}

/** Prepares `sql` on a read-only connection. */
export function openQuery(
  databasePath: string,
  sql: string,
  pageRows = PAGE_ROWS,
  /** At most this many rows: lets SQLite sort only what it returns. */
  limit?: number,
): RowCursor {
  assertSingleStatement(sql);
  const db = openReadOnly(databasePath);
  try {
    const text = withoutTerminator(sql);
    const statement = prepareArrays(db, text);
    const columns = statement.columns().map((column) => column.name);
    const origins = originsOf(statement);
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
    if (/^\s*pragma\b/i.test(text)) {
      return {
        columns,
        origins,
        pages: () => inSnapshot(db, sql, () => [statement.all()]),
        close: () => db.close(),
      };
    }
    // The query's rows end in 0, and one last row of NULLs ends in 1.
    const rows = limit === undefined ? text : `SELECT * FROM (\n${text}\n) LIMIT ${limit}`;
    const markedSql = `SELECT *, 0 FROM (\n${rows}\n) UNION ALL SELECT ${
      "NULL, ".repeat(columns.length)
    }1`;
    const marked = prepareArrays(db, markedSql);
    return {
      columns,
      origins,
      pages: () =>
        inSnapshot(db, sql, function* () {
          let rows: SqlValue[][] = [];
          let read = 0;
          let bigInts = false;
          while (true) {
            // The same statement on the same snapshot gives the same rows in the same
            // order: after an integer too large for a number, it runs again reading
            // bigints, past the rows already taken.
            let skip = read;
            try {
              const statement = bigInts ? prepareArrays(db, markedSql, true) : marked;
              for (const row of statement.iterate()) {
                if (skip > 0) {
                  skip--;
                  continue;
                }
                const mark = row.pop();
                if (mark === 1 || mark === 1n) {
                  if (rows.length > 0) yield rows;
                  return;
                }
                read++;
                rows.push(bigInts ? withSafeNumbers(row) : row);
                if (rows.length === pageRows) {
                  yield rows;
                  rows = [];
                }
              }
            } catch (error) {
              if (bigInts || !isTooLargeForNumber(error)) throw error;
              bigInts = true;
              continue;
            }
            // the closing row never came: the iterator ends quietly on an error
            const failure = failureOf(db, text, sql, read);
            if (bigInts || !isTooLargeForNumber(failure.cause)) throw failure;
            bigInts = true;
          }
        }),
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
): RowCursor {
  const db = openReadOnly(databasePath);
  try {
    const columns = prepareArrays(db, `SELECT * FROM ${ident(table)}`).columns().map((column) =>
      column.name
    );
    // rowid last, taken off each row in place (no copy of a million rows)
    const pageSql = `SELECT *, rowid FROM ${ident(table)} WHERE rowid > ? ORDER BY rowid LIMIT ?`;
    const page = prepareArrays(db, pageSql);
    let bigPage: ArrayStatement | undefined;
    let last = Number.MIN_SAFE_INTEGER;
    return {
      columns,
      origins: columns.map((column) => ({ table, column })),
      pages: () =>
        inSnapshot(db, table, function* () {
          while (true) {
            let rows: SqlValue[][];
            try {
              rows = page.all(last, pageRows);
            } catch (error) {
              if (!isTooLargeForNumber(error)) throw error;
              bigPage ??= prepareArrays(db, pageSql, true);
              rows = bigPage.all(last, pageRows).map(withSafeNumbers);
            }
            for (const row of rows) last = Number(row.pop());
            if (rows.length > 0) yield rows;
            if (rows.length < pageRows) return;
          }
        }),
      close: () => db.close(),
    };
  } catch (error) {
    db.close();
    throw error instanceof PlutusError ? error : queryError(error, `SELECT * FROM ${table}`);
  }
}

/**
 * Why a query stopped before its end. The iterator does not say; reading the rows from
 * where it stopped, a large page at a time, meets the same error (a sorted query may fail
 * while sorting, before its first row, so every later row is read, not only the next one).
 */
function failureOf(db: DatabaseSync, text: string, sql: string, rowsRead: number): Error {
  const page = prepareArrays(db, `SELECT * FROM (\n${text}\n) LIMIT ? OFFSET ?`);
  const size = 100_000;
  try {
    for (let offset = rowsRead; page.all(size, offset).length === size; offset += size) {
      // only the error matters
    }
  } catch (error) {
    return queryError(error, sql);
  }
  return new PlutusError(
    "the query stopped before its last row, for a reason SQLite did not give",
    {
      code: "query_failed",
      hint: "Run it again; if it stops again, simplify it to find the part that fails.",
    },
  );
}

/** The pages `read` gives, inside one read transaction: one consistent snapshot. */
function* inSnapshot(
  db: DatabaseSync,
  sql: string,
  read: () => Iterable<SqlValue[][]>,
): Generator<SqlValue[][]> {
  db.exec("BEGIN");
  try {
    yield* read();
  } catch (error) {
    throw error instanceof PlutusError ? error : queryError(error, sql);
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
  const cursor = Number.isFinite(limit)
    ? openQuery(databasePath, sql, limit + 1, limit + 1)
    : openQuery(databasePath, sql);
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
