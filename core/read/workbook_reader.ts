/**
 * Reads the other spreadsheet formats — .xls (Excel 97–2003), .ods (OpenDocument, what
 * "Download as" gives from Google Sheets and LibreOffice) and HTML tables saved as .xls —
 * with SheetJS. These files are read whole, which is fine for their usual sizes; .xlsx
 * has its own streaming reader. SheetJS is loaded only when such a file comes.
 *
 * @module
 */
import { SourceError } from "../../util/errors.ts";
import { type Cell, PercentCell } from "../transform/cell.ts";
import { checkOdsBounds } from "./ods_bounds.ts";
import { checkXlsBounds } from "./xls_bounds.ts";
import { type SheetRow, sheetTableReader } from "./sheet_reader.ts";
import type { TableReader } from "./table_reader.ts";
import { chooseSheet, type SheetReadOptions } from "./xlsx_reader.ts";
import { paddedDigits } from "./xlsx_parts.ts";

/** "html": an HTML table saved as .xls, read as an .xls is. */
type Format = "xls" | "ods" | "xlsx" | "html";

/** Opens a worksheet of a workbook SheetJS can read. */
export async function openWorkbook(
  path: string,
  fileName: string,
  format: Format,
  options: SheetReadOptions = {},
): Promise<TableReader> {
  // SheetJS reads a file whole (and expands repeated cells): check its size first.
  if (format === "ods") await checkOdsBounds(path, fileName);
  if (format === "xls" || format === "html") await checkXlsBounds(path, fileName);
  const XLSX = await import("@e965/xlsx");
  const bytes = await Deno.readFile(path);
  // SheetJS would read an HTML file as UTF-8 and keep most entities: it gets the text to read
  const html = format === "html" ? (await import("./html_text.ts")).htmlText(bytes) : undefined;
  let workbook;
  try {
    workbook = XLSX.read(html ?? bytes, {
      type: html === undefined ? "array" : "string",
      dense: true,
      cellDates: true,
      UTC: true,
      cellFormula: false,
      cellHTML: false,
      cellNF: true, // the format code: 00000 pads a ZIP code
    });
  } catch (error) {
    throw readError(error, fileName);
  }
  const sheets = workbook.SheetNames.map((name, i) => ({
    name,
    hidden: (workbook.Workbook?.Sheets?.[i]?.Hidden ?? 0) !== 0,
  }));
  const sheet = chooseSheet(sheets, options.sheet, fileName);
  const data = (workbook.Sheets[sheet.name] as {
    "!data"?: ({ t: string; v: unknown; w?: string } | undefined)[][];
  })[
    "!data"
  ] ?? [];
  async function* rows(): AsyncGenerator<SheetRow> {
    for (let r = 0; r < data.length; r++) {
      const row = data[r];
      if (!row) continue;
      const cells: Cell[] = [];
      for (let c = 0; c < row.length; c++) cells[c] = cellOf(row[c]);
      while (cells.length > 0 && cells[cells.length - 1] === null) cells.pop();
      yield { row: r + 1, cells };
    }
  }
  return sheetTableReader(
    fileName,
    {
      format: format === "html" ? "xls" : format,
      skippedLines: 0,
      sheet: sheet.name,
      sheets: sheets.map((s) => s.name),
    },
    rows(),
    options,
    () => {},
  );
}

function cellOf(cell: { t: string; v: unknown; w?: string; z?: unknown } | undefined): Cell {
  if (!cell || cell.v === undefined || cell.t === "z") return null;
  // a repeated .ods cell is a copy SheetJS made through JSON (see dateOf), where NaN is null
  if (cell.t === "d") return dateOf(cell.v);
  if (cell.t === "n" && cell.v === null) return NaN;
  if (cell.v instanceof Date) return cell.v;
  // A number shown as a percentage holds the fraction (1.23% is 0.0123). SheetJS keeps the
  // shown text for every format it reads (.ods gives no format code), so that tells.
  if (typeof cell.v === "number" && cell.w?.trimEnd().endsWith("%")) return new PercentCell(cell.v);
  // a ZIP code 01234 is the number 1234 shown with its zero (format 00000): read as shown
  const digits = typeof cell.z === "string" ? paddedDigits(cell.z) : 0;
  if (typeof cell.v === "number" && Number.isSafeInteger(cell.v) && cell.v >= 0 && digits > 0) {
    return String(cell.v).padStart(digits, "0");
  }
  if (typeof cell.v === "number" || typeof cell.v === "boolean" || typeof cell.v === "string") {
    return cell.v;
  }
  return String(cell.v);
}

/**
 * A date cell's value as a Date, however SheetJS holds it. SheetJS copies each repeated cell
 * of an .ods (number-rows-repeated, number-columns-repeated) through JSON, which turns its
 * Date into an ISO text ending in Z, and an invalid one into null: read as text, the copy
 * was taken for a UTC instant instead of a time on the project's clock, and a date in a
 * text column kept a time. Every copy must read exactly as the cell it copies.
 */
function dateOf(value: unknown): Date {
  if (value instanceof Date) return value;
  return new Date(typeof value === "string" ? value : NaN);
}

function readError(error: unknown, fileName: string): SourceError {
  const message = (error as Error).message ?? String(error);
  if (/password|encrypt/i.test(message)) {
    return new SourceError(`${fileName} is password-protected`, {
      code: "encrypted_file",
      location: fileName,
      hint:
        "Save a copy without a password (in Excel: File > Info > Protect Workbook), then load that copy.",
    });
  }
  return new SourceError(`${fileName} is not a readable workbook: ${message}`, {
    code: "corrupt_file",
    location: fileName,
    hint:
      "The file may be damaged or in a format Plutus does not read (.xlsb, .numbers): save it as .xlsx or .csv.",
  });
}
