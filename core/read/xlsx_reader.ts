/**
 * Streams the rows of an .xlsx (or .xlsm) worksheet: the sheet's XML is inflated and
 * scanned as it arrives, so a 100,000-row sheet never sits whole in memory. Numbers stay
 * numbers, cells formatted as dates become dates, cells formatted as percentages say so
 * (PercentCell), formulas give their last computed value.
 *
 * @module
 */
import { SourceError } from "../../util/errors.ts";
import { cutText, listSome } from "../../util/list_text.ts";
import { type Cell, PercentCell } from "../transform/cell.ts";
import { type SheetRow, sheetTableReader } from "./sheet_reader.ts";
import type { ReadOptions, TableReader } from "./table_reader.ts";
import {
  attribute,
  decodeXml,
  type DurationKind,
  itemText,
  readDateStyles,
  readDurationStyles,
  readPaddedStyles,
  readPercentStyles,
  readSharedStrings,
  readWorkbook,
} from "./xlsx_parts.ts";
import {
  asSourceError,
  entryStream,
  entryText,
  partTooLarge,
  readZipDirectory,
  type ZipEntry,
} from "./zip_archive.ts";
import { piecesEndingWith } from "./xml_pieces.ts";
import { collectSoon } from "../../util/gc.ts";

/** Options for spreadsheets: which sheet (a name, or a number from 1). */
export interface SheetReadOptions extends ReadOptions {
  sheet?: string | number;
}

/** Opens a worksheet of an .xlsx file and reads its header; rows() streams the rest. */
export async function openXlsx(
  path: string,
  fileName: string,
  options: SheetReadOptions = {},
): Promise<TableReader> {
  const file = await Deno.open(path);
  try {
    const size = (await file.stat()).size;
    const entries = new Map(
      (await readZipDirectory(file, size, fileName)).map((entry) => [entry.name, entry]),
    );
    const part = (name: string) => entries.get(name);
    const workbookEntry = part("xl/workbook.xml");
    if (!workbookEntry) {
      throw new SourceError(
        `${fileName} is a ZIP archive but not an Excel workbook (no xl/workbook.xml)`,
        {
          code: "not_workbook",
          location: fileName,
          hint: entries.has("content.xml")
            ? "It looks like an OpenDocument spreadsheet: name it .ods."
            : "Export the data from its program as .xlsx or .csv.",
        },
      );
    }
    const { sheets, date1904 } = readWorkbook(
      await entryText(file, workbookEntry, fileName),
      await textOf(file, part("xl/_rels/workbook.xml.rels"), fileName),
    );
    const sheet = chooseSheet(sheets, options.sheet, fileName);
    const sheetEntry = part(sheet.path);
    if (!sheetEntry) throw missingPart(fileName, sheet.path);
    const strings = await sharedStrings(file, part("xl/sharedStrings.xml"), fileName);
    const styles = await textOf(file, part("xl/styles.xml"), fileName);
    const dateStyles = readDateStyles(styles);
    const durationStyles = readDurationStyles(styles);
    const percentStyles = readPercentStyles(styles);
    const paddedStyles = readPaddedStyles(styles);
    const context: CellContext = {
      strings,
      dateStyles,
      durationStyles,
      percentStyles,
      paddedStyles,
      date1904,
      fileName,
      sheet: sheet.name,
      uncomputed: 0,
    };
    const rows = scanRows(
      await entryStream(file, sheetEntry, fileName),
      context,
      fileName,
      sheetEntry,
    );
    const reader = await sheetTableReader(
      fileName,
      {
        format: "xlsx",
        skippedLines: 0,
        sheet: sheet.name,
        sheets: sheets.map((s) => s.name),
        ...(date1904 ? { date1904 } : {}),
      },
      rows,
      options,
      () => closeQuietly(file),
    );
    return Object.defineProperty(reader, "uncomputedFormulas", { get: () => context.uncomputed });
  } catch (error) {
    closeQuietly(file);
    throw error;
  }
}

/** The sheet asked for (by name, or by number from 1), or the first visible one. */
export function chooseSheet<T extends { name: string; hidden?: boolean }>(
  sheets: readonly T[],
  wanted: string | number | undefined,
  fileName: string,
): T {
  const names = sheets.map((sheet) => sheet.name);
  const found = wanted === undefined
    ? sheets.find((sheet) => !sheet.hidden) ?? sheets[0]
    : typeof wanted === "number"
    ? sheets[wanted - 1]
    : sheets.find((sheet) => sheet.name === wanted) ??
      sheets.find((sheet) => sheet.name.toLowerCase() === wanted.toLowerCase());
  if (!found) {
    throw new SourceError(
      wanted === undefined
        ? `${fileName} has no worksheets`
        : `${fileName} has no sheet ${
          typeof wanted === "number" ? `number ${wanted}` : `"${wanted}"`
        }`,
      {
        code: "no_sheet",
        location: fileName,
        hint: names.length > 0
          ? `Its sheets are: ${
            listSome(names.map((name, i) => `${i + 1}. ${name}`))
          }. Set sheet: in its source.`
          : "It may hold only macros or charts; export the data sheet as .xlsx or .csv.",
      },
    );
  }
  return found;
}

interface CellContext {
  strings: string[];
  dateStyles: boolean[];
  /** Styles that show a time without a date: [h]:mm:ss, mm:ss, h:mm (see readDurationStyles). */
  durationStyles: (DurationKind | undefined)[];
  percentStyles: boolean[];
  /** Digits a style pads whole numbers to (see readPaddedStyles). */
  paddedStyles: number[];
  date1904: boolean;
  fileName: string;
  sheet: string;
  /** Formula cells without a computed value, so far. */
  uncomputed: number;
}

/** Excel's own limits: a cell beyond them is not from a spreadsheet program. */
export const MAX_COLUMNS = 16_384; // A … XFD
export const MAX_ROWS = 1_048_576;

/**
 * What the shared strings may take in memory, estimated as their XML (each text is a
 * slice of it and keeps it alive) plus 40 bytes a string: 1.5 million distinct 20-character
 * texts fit; a "strings bomb" does not.
 */
const MAX_SHARED_STRINGS_BYTES = 128 << 20;

/** The shared strings table, parsed as it inflates, within MAX_SHARED_STRINGS_BYTES. */
async function sharedStrings(
  file: Deno.FsFile,
  entry: ZipEntry | undefined,
  fileName: string,
): Promise<string[]> {
  if (!entry) return [];
  const strings: string[] = [];
  let bytes = 0;
  const take = (xml: string) => {
    const texts = readSharedStrings(xml);
    const before = bytes;
    bytes += xml.length + 40 * texts.length;
    // the bytes each piece was decoded from are garbage V8 puts off collecting: a table
    // of 12 MB strings peaked at 410 MB in `plutus upload` before the limit refused it
    if (Math.floor(bytes / (32 << 20)) > Math.floor(before / (32 << 20))) collectSoon();
    for (const text of texts) strings.push(text);
    if (bytes > MAX_SHARED_STRINGS_BYTES) {
      throw new SourceError(
        `${fileName} is not a normal workbook: its shared strings (xl/sharedStrings.xml) take more than ${
          MAX_SHARED_STRINGS_BYTES >> 20
        } MB`,
        {
          code: "workbook_too_large",
          location: fileName,
          hint:
            "Check where the file came from; if it is a real export, save it as CSV and load that.",
        },
      );
    }
  };
  try {
    const stream = await entryStream(file, entry, fileName);
    for await (
      const xml of piecesEndingWith(
        stream,
        "</si>",
        MAX_ROW_CHARS,
        () => partTooLarge(fileName, entry, MAX_ROW_CHARS),
      )
    ) take(xml);
  } catch (error) {
    throw asSourceError(error, fileName, entry);
  }
  return strings;
}

/** A cell or row past Excel's limits, named where it stands, refused before any allocation. */
function beyondLimits(context: CellContext, where: string, what: string): SourceError {
  return new SourceError(
    `${context.fileName}: sheet "${context.sheet}", ${where} is beyond Excel's ${what}: it is not a normal workbook`,
    {
      code: "workbook_too_large",
      location: `${context.fileName}`,
      hint:
        "Check where the file came from; if it is a real export, open it in a spreadsheet program and save it again.",
    },
  );
}

/** A row's XML longer than this is not a spreadsheet row: the reader stops, memory bounded. */
const MAX_ROW_CHARS = 32 << 20;

function oversizedRow(fileName: string, row: number): SourceError {
  return new SourceError(
    `${fileName} is not a readable workbook: after row ${
      row - 1
    }, its sheet holds more than 32 MB without a complete row`,
    {
      code: "corrupt_file",
      location: fileName,
      hint: "The file is damaged or was not made by a spreadsheet program. Export it again.",
    },
  );
}

/** Reads rows from the sheet's XML as it inflates. */
async function* scanRows(
  stream: ReadableStream<Uint8Array>,
  context: CellContext,
  fileName: string,
  entry: ZipEntry,
): AsyncGenerator<SheetRow> {
  let nextRow = 1;
  try {
    for await (
      const xml of piecesEndingWith(
        stream,
        "</row>",
        MAX_ROW_CHARS,
        () => oversizedRow(fileName, nextRow),
      )
    ) {
      for (const row of rowsIn(xml, context, nextRow)) {
        nextRow = row.row + 1;
        yield row;
      }
    }
  } catch (error) {
    throw asSourceError(error, fileName, entry);
  }
}

/** The rows in a piece of sheet XML holding only whole <row> elements. */
function* rowsIn(xml: string, context: CellContext, firstRow: number): Generator<SheetRow> {
  let next = firstRow;
  for (let at = xml.indexOf("<row"); at !== -1; at = xml.indexOf("<row", at + 4)) {
    const tagEnd = xml.indexOf(">", at);
    const tag = xml.slice(at, tagEnd + 1);
    const number = Number(attribute(tag, "r") ?? next);
    if (!(number <= MAX_ROWS)) {
      throw beyondLimits(
        context,
        `row ${cutText(String(attribute(tag, "r")), 20)}`,
        "last row 1,048,576",
      );
    }
    next = number + 1;
    if (tag.endsWith("/>")) continue; // an empty, formatted row
    const end = xml.indexOf("</row>", tagEnd);
    yield { row: number, cells: cellsIn(xml, tagEnd + 1, end, context) };
    at = end;
  }
}

function cellsIn(xml: string, from: number, to: number, context: CellContext): Cell[] {
  const cells: Cell[] = [];
  let column = 0;
  let at = xml.indexOf("<c", from);
  while (at !== -1 && at < to) {
    const tagEnd = xml.indexOf(">", at);
    if (xml[at + 2] !== " " && xml[at + 2] !== ">" && xml[at + 2] !== "/") {
      at = xml.indexOf("<c", at + 2); // <col…> or another tag starting with c
      continue;
    }
    const tag = xml.slice(at, tagEnd + 1);
    const reference = attribute(tag, "r");
    if (reference) column = columnIndex(reference);
    if (column >= MAX_COLUMNS) {
      throw beyondLimits(
        context,
        `cell ${cutText(reference ?? `in column ${column + 1}`, 20)}`,
        "last column XFD (16,384 columns)",
      );
    }
    let value: Cell = null;
    let after = tagEnd + 1;
    if (!tag.endsWith("/>")) {
      const close = xml.indexOf("</c>", tagEnd);
      value = cellValue(tag, xml.slice(tagEnd + 1, close), context);
      after = close + 4;
    }
    while (cells.length < column) cells.push(null);
    cells[column] = value;
    column++;
    at = xml.indexOf("<c", after);
  }
  while (cells.length > 0 && cells[cells.length - 1] === null) cells.pop();
  return cells;
}

function cellValue(tag: string, inner: string, context: CellContext): Cell {
  const type = attribute(tag, "t");
  if (type === "inlineStr") return itemText(inner);
  const start = inner.indexOf("<v>");
  if (start === -1) {
    // a formula never computed (said in the step's notes), or only a style
    if (inner.includes("<f")) context.uncomputed++;
    return null;
  }
  const raw = inner.slice(start + 3, inner.indexOf("</v>", start));
  if (raw === "" && type !== "str") {
    // <v></v>: no value, not 0 (openpyxl writes every formula so, never calculated)
    if (inner.includes("<f")) context.uncomputed++;
    return null;
  }
  switch (type) {
    case "s":
      return context.strings[Number(raw)] ?? null;
    case "str":
    case "e":
      return decodeXml(raw);
    case "b":
      return raw === "1";
    case "d": {
      // an ISO date written as text; without a zone it is wall-clock time, like serials
      const date = new Date(
        /[zZ]|[+-]\d\d:?\d\d$/.test(raw) || raw.length === 10 ? raw : `${raw}Z`,
      );
      return Number.isNaN(date.getTime()) ? decodeXml(raw) : date;
    }

    default: {
      const number = Number(raw);
      const style = attribute(tag, "s");
      // 25:30:00 is 1.0625 days, not 1900-01-01 01:30: its seconds, which a number column
      // takes. A clock format (h:mm) on a number of a day or more shows a timestamp's time:
      // that stays the date it is (seconds would be 3942136800, 2094 read as epoch time).
      const duration = style === undefined ? undefined : context.durationStyles[Number(style)];
      if (
        duration !== undefined && Number.isFinite(number) &&
        (duration === "elapsed" || (number >= 0 && number < 1))
      ) {
        return durationSeconds(number);
      }
      if (style !== undefined && context.dateStyles[Number(style)] && Number.isFinite(number)) {
        return serialToDate(number, context.date1904);
      }
      // 1.23% is stored as 0.0123: say so, or parse_percent would divide it again
      if (style !== undefined && context.percentStyles[Number(style)] && Number.isFinite(number)) {
        return new PercentCell(number);
      }
      // a ZIP code 01234 is the number 1234 shown as 00000: read as the sheet shows it
      const digits = style === undefined ? 0 : context.paddedStyles[Number(style)] ?? 0;
      if (digits > 0 && Number.isSafeInteger(number) && number >= 0) {
        return String(number).padStart(digits, "0");
      }
      return number;
    }
  }
}

/** A time in days (Excel's form), as seconds to the millisecond: 0.0625 is 5400. */
export function durationSeconds(days: number): number {
  return Math.round(days * 86_400_000) / 1000;
}

/** An Excel serial day as a Date whose UTC fields are the wall-clock time the cell shows. */
export function serialToDate(serial: number, date1904 = false): Date {
  const days = date1904 ? serial + 1462 : serial;
  // Excel counts 1900-02-29, which never was: serials before March 1900 are one day ahead.
  const epoch = Date.UTC(1899, 11, days < 61 && !date1904 ? 31 : 30);
  return new Date(epoch + Math.round(days * 86_400_000));
}

/** "B7" → 1, "AA3" → 26. */
export function columnIndex(reference: string): number {
  let index = 0;
  for (let i = 0; i < reference.length; i++) {
    const code = reference.charCodeAt(i);
    if (code < 65 || code > 90) break;
    index = index * 26 + (code - 64);
  }
  return index - 1;
}

async function textOf(
  file: Deno.FsFile,
  entry: ZipEntry | undefined,
  fileName: string,
): Promise<string> {
  return entry ? await entryText(file, entry, fileName) : "";
}

function missingPart(fileName: string, path: string): SourceError {
  return new SourceError(`${fileName} is not a readable workbook: ${path} is missing`, {
    code: "corrupt_file",
    location: fileName,
    hint: "Open it in a spreadsheet program and save it again as .xlsx.",
  });
}

function closeQuietly(file: Deno.FsFile): void {
  try {
    file.close();
  } catch {
    // closed already
  }
}
