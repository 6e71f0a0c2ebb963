/**
 * `plutus preview FILE`: how Plutus reads a file, before any source is written for it.
 *
 * @module
 */
import { previewFile } from "../../core/propose/preview_file.ts";
import { sheetWithTable } from "../../core/propose/sheet_choice.ts";
import { cellText } from "../../core/read/sheet_reader.ts";
import type { GlobalOptions } from "../args.ts";
import { parseCommandArgs } from "../args.ts";
import { bold, dim, print, table, yellow } from "../output.ts";

export const help = `Usage: plutus preview FILE [--rows N] [--sheet NAME] [--skip-lines N]

Shows how Plutus reads FILE — CSV, .xlsx, .xls or .ods: the format, encoding and
delimiter it found, the sheets, the header and the first rows, each with its line (or
sheet row) number. Needs no project and changes nothing.

Options:
  -n, --rows N        rows to show (default 10)
      --sheet NAME    a spreadsheet's sheet, by name or number (default: the first)
      --skip-lines N  lines above the header (default: found automatically)

Examples:
  plutus preview ~/Downloads/google_ads_report.csv
  plutus preview budget.xlsx --sheet 2`;

export async function run(args: string[], _globals: GlobalOptions): Promise<number> {
  const { values, positionals } = parseCommandArgs("preview", args, {
    rows: { type: "string", short: "n" },
    sheet: { type: "string" },
    "skip-lines": { type: "string" },
  }, { min: 1, max: 1, names: "a FILE" });
  const sheet = values.sheet === undefined
    ? undefined
    : /^\d+$/.test(values.sheet)
    ? Number(values.sheet)
    : values.sheet;
  const preview = await previewFile(
    positionals[0]!,
    values.rows === undefined ? 10 : Number(values.rows),
    {
      sheet,
      skipLines: values["skip-lines"] === undefined ? undefined : Number(values["skip-lines"]),
    },
  );
  const { info } = preview;
  const unit = info.sheet ? "row" : "line";
  print(
    `${bold(preview.fileName)}: ${info.format.toUpperCase()}` +
      (info.encoding ? `, ${info.encoding}` : "") +
      (info.delimiter
        ? `, delimiter ${info.delimiter === "\t" ? "tab" : JSON.stringify(info.delimiter)}`
        : ""),
  );
  if (info.sheets) {
    print(
      `Sheets: ${
        info.sheets.map((name, i) => `${i + 1}. ${name}${name === info.sheet ? " (shown)" : ""}`)
          .join(", ")
      }`,
    );
  }
  print(
    `Header on ${unit} ${preview.headerLine}${
      info.skippedLines > 0 ? ` (${info.skippedLines} ${unit}(s) above it skipped)` : ""
    }: ${preview.header.length} columns`,
  );
  if (info.laterTable) {
    print(dim(
      "The file holds several tables: this is the one with the most rows (--skip-lines N reads another).",
    ));
  }
  print("");
  const rows = preview.rows.filter((row) => row.broken === undefined);
  print(table(
    [unit, ...preview.header.map((h, i) => h || `(column ${i + 1})`)],
    rows.map((
      row,
    ) => [String(row.line), ...preview.header.map((_, i) => cellText(row.cells[i] ?? null))]),
    { maxWidth: 24, right: [unit] },
  ));
  if (preview.more) print(dim(`… more rows follow`));
  if (rows.length === 0) print(dim("(no data rows)"));
  // footers and broken lines: what a load would reject, shown before it does
  const broken = preview.rows.filter((row) => row.broken !== undefined);
  if (broken.length > 0) {
    print("");
    print(
      yellow(`Not rows (a load rejects them, unless they end the file or stop_at stops before):`),
    );
    for (const row of broken) {
      const text = row.cells.map((cell) => cellText(cell)).join(info.delimiter ?? " | ");
      print(`  ${unit} ${row.line}: ${text.length > 80 ? `${text.slice(0, 79)}…` : text}`);
      print(dim(`    ${row.broken}`));
    }
  }
  // the first sheet of a workbook may be a "Read me": say where the table is
  const better = sheet === undefined ? await sheetWithTable(positionals[0]!, preview) : undefined;
  if (better) {
    print("");
    print(yellow(
      `Sheet "${info.sheet}" holds no table (only ${better.instead}); sheet ${better.number}, ` +
        `"${better.name}", has one: plutus preview FILE --sheet ${better.number}`,
    ));
  }
  return 0;
}
