/**
 * `plutus query SQL`: read-only SQL, printed as a table, CSV or JSON.
 *
 * @module
 */
import { UsageError } from "../../util/errors.ts";
import { csvLine } from "../../core/export/csv_text.ts";
import { readQueryTimeout } from "../../core/query/query_off_thread.ts";
import { firstRows } from "../../core/query/first_rows.ts";
import type { SqlValue } from "../../core/store/mod.ts";
import { openDriver } from "../../core/store/open_driver.ts";
import { locateProject } from "../../core/project/project_paths.ts";
import type { GlobalOptions } from "../args.ts";
import { parseCommandArgs } from "../args.ts";
import { count, dim, print, table, writeAll } from "../output.ts";

export const help = `Usage: plutus query SQL [--csv | --json] [--limit N]

Runs one read-only SQL statement (SELECT, WITH …) against the project database and prints
the rows: as a table (the first 200 unless --limit), or every row as CSV or JSON for other
tools. Nothing can be changed through this command. A query that works longer than
query_timeout_seconds (plutus.yaml, default 30) before its next rows is stopped.

Options:
      --csv        every row as CSV (RFC 4180, with a header) on standard output
      --json       every row as a JSON array of objects
  -l, --limit N    rows to show in the table (default 200)

Examples:
  plutus query "SELECT channel, sum(spend) FROM ad_spend GROUP BY channel"
  plutus query "SELECT * FROM leads WHERE stage = 'sql'" --csv > sql_leads.csv
  plutus query "SELECT name FROM sqlite_schema WHERE type = 'table'"`;

export async function run(args: string[], globals: GlobalOptions): Promise<number> {
  const { values, positionals } = parseCommandArgs("query", args, {
    csv: { type: "boolean" },
    json: { type: "boolean" },
    limit: { type: "string", short: "l" },
  }, { min: 1, max: 1, names: "the SQL to run, in quotes" });
  if (values.csv && values.json) throw new UsageError("choose --csv or --json, not both");
  const limit = values.limit === undefined ? 200 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1) {
    throw new UsageError(`--limit takes a whole number; got "${values.limit}"`);
  }
  const paths = await locateProject(globals.project);
  const sql = positionals[0]!;
  // On a worker, so that a query without end is stopped after the project's time limit.
  const limits = { timeoutSeconds: await readQueryTimeout(paths.config) };
  const driver = openDriver(paths.database);
  if (values.csv || values.json) {
    const cursor = await driver.openQuery(sql, limits);
    try {
      if (values.csv) {
        writeAll(Deno.stdout, csvLine(cursor.columns, true));
        for await (const page of cursor.pages()) {
          writeAll(Deno.stdout, page.map((row) => csvLine(row, true)).join(""));
        }
      } else {
        let first = true;
        writeAll(Deno.stdout, "[");
        for await (const page of cursor.pages()) {
          const text = page.map((row) => `\n  ${JSON.stringify(asObject(cursor.columns, row))}`)
            .join(",");
          writeAll(Deno.stdout, first ? text : `,${text}`);
          first = false;
        }
        writeAll(Deno.stdout, first ? "]\n" : "\n]\n");
      }
    } finally {
      await cursor.close();
    }
    return 0;
  }
  const result = await firstRows(driver, sql, limit, limits);
  print(table(result.columns, result.rows.map((row) => row.map(show)), {
    right: result.columns.filter((_, i) =>
      result.rows.every((row) => typeof row[i] === "number" || row[i] === null)
    ),
  }));
  print(dim(
    result.truncated
      ? `first ${
        count(result.rows.length)
      } rows shown; all of them: add --csv, or plutus export --sql "…"`
      : `${count(result.rows.length)} row(s)`,
  ));
  return 0;
}

function show(value: SqlValue): string {
  if (value === null) return "";
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  return String(value);
}

function asObject(columns: string[], row: SqlValue[]): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  columns.forEach((column, i) => {
    const value = row[i];
    object[column] = typeof value === "bigint"
      ? value.toString()
      : value instanceof Uint8Array
      ? null
      : value;
  });
  return object;
}
