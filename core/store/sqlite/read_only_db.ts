/**
 * The only way ad hoc SQL reaches the database: a read-only connection on which an
 * authorizer lets through reading and nothing else — no writes, no ATTACH of other
 * files, no extensions, no PRAGMA that changes anything.
 *
 * @module
 */
import { constants as sqliteConstants, DatabaseSync } from "node:sqlite";
import { existsSync } from "node:fs";
import { PlutusError, UsageError } from "../../../util/errors.ts";
import { manyStatements, readOnlyQuery } from "../query_refusals.ts";

// Deno's node:sqlite has these at run time; its bundled types do not list them yet.
const constants = sqliteConstants as unknown as Record<
  | "SQLITE_OK"
  | "SQLITE_DENY"
  | "SQLITE_PRAGMA"
  | "SQLITE_READ"
  | "SQLITE_SELECT"
  | "SQLITE_FUNCTION"
  | "SQLITE_RECURSIVE"
  | "SQLITE_TRANSACTION",
  number
>;
type GuardedDatabase = DatabaseSync & {
  limits: { attach: number };
  setAuthorizer(
    callback: (action: number, first: string | null, second: string | null) => number,
  ): void;
};

const ALLOWED = new Set([
  constants.SQLITE_SELECT,
  constants.SQLITE_READ,
  constants.SQLITE_FUNCTION,
  constants.SQLITE_RECURSIVE,
  // BEGIN/COMMIT of the read transaction that gives a consistent snapshot; a statement
  // of the analyst's that is only BEGIN returns no rows and is refused for that.
  constants.SQLITE_TRANSACTION,
]);

const READ_PRAGMAS = new Set([
  "table_info",
  "table_xinfo",
  "table_list",
  "index_list",
  "index_info",
  "index_xinfo",
  "foreign_key_list",
]);
// Functions that could reach outside the database, refused even though SQLite knows them.
const REFUSED_FUNCTIONS = new Set([
  "load_extension",
  "readfile",
  "writefile",
  "edit",
  "fts3_tokenizer",
]);

/** Opens the database for reading only. */
export function openReadOnly(path: string): DatabaseSync {
  if (!existsSync(path)) {
    throw new PlutusError(`there is no database yet at ${path}`, {
      code: "no_database",
      hint: "Load some data first: plutus run (or plutus upload FILE).",
    });
  }
  const db = new DatabaseSync(path, { readOnly: true, timeout: 5000 }) as GuardedDatabase;
  db.limits.attach = 0;
  db.setAuthorizer((action: number, first: string | null, second: string | null) => {
    if (action === constants.SQLITE_PRAGMA) {
      return READ_PRAGMAS.has(String(first).toLowerCase())
        ? constants.SQLITE_OK
        : constants.SQLITE_DENY;
    }
    if (
      action === constants.SQLITE_FUNCTION && REFUSED_FUNCTIONS.has(String(second).toLowerCase())
    ) {
      return constants.SQLITE_DENY;
    }
    return ALLOWED.has(action) ? constants.SQLITE_OK : constants.SQLITE_DENY;
  });
  return db;
}

/**
 * Refuses text holding more than one statement: SQLite would run the first and ignore the
 * rest without a word.
 */
export function assertSingleStatement(sql: string): void {
  const end = statementEnd(sql);
  if (end !== -1 && stripComments(sql.slice(end + 1)).trim() !== "") {
    throw manyStatements();
  }
}

/** The statement without its closing `;` (and whatever comment follows it). */
export function withoutTerminator(sql: string): string {
  const end = statementEnd(sql);
  return end === -1 ? sql : sql.slice(0, end);
}

/** Index of the first `;` outside quotes and comments, or -1. */

function statementEnd(sql: string): number {
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (c === "'" || c === '"' || c === "`") i = skipQuoted(sql, i, c);
    else if (c === "[") i = endOf(sql, "]", i);
    else if (c === "-" && sql[i + 1] === "-") i = endOf(sql, "\n", i);
    else if (c === "/" && sql[i + 1] === "*") i = endOf(sql, "*/", i + 2) + 1;
    else if (c === ";") return i;
  }
  return -1;
}

function endOf(sql: string, text: string, from: number): number {
  const at = sql.indexOf(text, from);
  return at === -1 ? sql.length : at;
}

function skipQuoted(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i;
    } else i++;
  }
  return sql.length;
}

function stripComments(sql: string): string {
  return sql.replace(/--[^\n]*/g, "").replace(/\/\*[\s\S]*?\*\//g, "");
}

/** Turns SQLite's refusal into an error that says what is allowed (exit code 2: the SQL is wrong). */
export function queryError(error: unknown, sql: string): PlutusError {
  const message = (error as Error).message ?? String(error);
  if (/not authorized|authorization denied|readonly|read-only/i.test(message)) {
    return readOnlyQuery(message);
  }
  return new UsageError(`the query failed: ${message}`, {
    code: "query_failed",
    hint: `Check the SQL: ${
      sql.length > 80 ? `${sql.slice(0, 77)}...` : sql
    }. List the tables with: plutus query "SELECT name FROM sqlite_schema WHERE type = 'table'"`,
    cause: error,
  });
}
