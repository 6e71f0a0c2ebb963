/**
 * `plutus export TABLE | --sql SQL`: write CSV into exports/.
 *
 * @module
 */
import { ConfigError, PlutusError, UsageError } from "../../util/errors.ts";
import { closestMatch } from "../../util/closest_match.ts";
import { exportCsv, removeUnfinishedExports } from "../../core/export/export_csv.ts";
import { exportPath } from "../../core/export/export_path.ts";
import { locateProject } from "../../core/project/project_paths.ts";
import { openDriver } from "../../core/store/open_driver.ts";
import type { GlobalOptions } from "../args.ts";
import { parseCommandArgs } from "../args.ts";
import { loadSchemas } from "../../config/load_table_schemas.ts";
import { count, dim, print } from "../output.ts";
import { relativePath } from "../run_report.ts";

export const help = `Usage: plutus export TABLE [-o FILE]
       plutus export --sql SQL [-o FILE]

Writes a whole table, or the rows of a read-only query, to a CSV file (UTF-8, comma
separated, with a header line). By default the file goes into exports/ with the time in
its name, e.g. exports/leads-2026-11-26T15-30-02.csv. -o names the file, in exports/
too, whatever folder you are in; a path outside exports/ is refused.

Text starting with = + - @ gets a leading ' so that a spreadsheet does not run it as a
formula. Values that passed a typed rule are written as they are: numbers (-12.5), dates,
emails, URLs, and phone numbers in a text column whose schema clean rules include phone
(+14155555874). --raw turns the protection off for all text.

Options:
      --sql SQL     export the rows of this query instead of a table
  -o, --output F    the file's name in exports/ (default: TABLE-TIME.csv)
      --excel       start the file with a byte order mark, so Excel shows accents right
      --semicolon   separate fields with ; and write decimals with a comma (12,5), as
                    Excel opens a CSV in Germany, France, Spain, Italy …
      --raw         no formula protection

Examples:
  plutus export leads
  plutus export --sql "SELECT * FROM orders WHERE order_date >= '2026-11-01'" -o november.csv
  plutus export ad_spend --excel
  plutus export ad_spend --excel --semicolon`;

export async function run(args: string[], globals: GlobalOptions): Promise<number> {
  const { values, positionals } = parseCommandArgs("export", args, {
    sql: { type: "string" },
    output: { type: "string", short: "o" },
    raw: { type: "boolean" },
    excel: { type: "boolean" },
    semicolon: { type: "boolean" },
  }, { max: 1 });
  const table = positionals[0];
  if ((table === undefined) === (values.sql === undefined)) {
    throw new UsageError("give a TABLE or --sql SQL (one of them)", {
      hint: "See: plutus export --help",
    });
  }
  const paths = await locateProject(globals.project);
  const driver = openDriver(paths.database);
  if (table !== undefined) {
    // no database yet: no tables, and the hint says to load some data first
    const tables = await driver.readHistory((history) => history.dataTables()) ?? [];
    if (!tables.includes(table)) {
      const guess = closestMatch(table, tables);
      throw new PlutusError(
        `there is no table "${table}" in the database${guess ? ` (did you mean "${guess}"?)` : ""}`,
        {
          code: "no_table",
          hint: tables.length > 0
            ? `Tables: ${tables.join(", ")}`
            : "No data is loaded yet: plutus run",
        },
      );
    }
  }
  // the schema says which columns hold typed values; without it every text is protected
  let tables;
  try {
    tables = values.raw ? undefined : await loadSchemas(paths.schema);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    print(dim("schema/ has errors (plutus check shows them): every text value is protected"));
  }
  // Ctrl-C: the half-written file goes, then the process (130: stopped by SIGINT)
  const stop = () => {
    removeUnfinishedExports();
    Deno.exit(130);
  };
  Deno.addSignalListener("SIGINT", stop);
  let result;
  try {
    result = await exportCsv(driver, paths.exports, {
      table,
      tables,
      sql: values.sql,
      output: values.output === undefined ? undefined : exportPath(paths.exports, values.output),
      raw: values.raw,
      bom: values.excel,
      semicolon: values.semicolon,
    });
  } finally {
    Deno.removeSignalListener("SIGINT", stop);
  }
  print(
    `Exported ${count(result.rows)} row(s) × ${result.columns.length} column(s) to ${
      relativePath(result.path)
    }`,
  );
  return 0;
}
