/**
 * Opens any file a source may read, with the reader its content needs: CSV text, an .xlsx
 * workbook (streamed), or .xls / .ods / HTML-as-.xls (SheetJS). The content decides, not
 * only the name: a workbook saved as "export.csv" is still read as a workbook.
 *
 * @module
 */
import { extname } from "node:path";
import { SourceError } from "../../util/errors.ts";
import { type CsvReadOptions, openCsv } from "./csv_reader.ts";
import type { TableReader } from "./table_reader.ts";
import { openWorkbook } from "./workbook_reader.ts";
import { openXlsx, type SheetReadOptions } from "./xlsx_reader.ts";
import { readZipDirectory } from "./zip_archive.ts";

/** Options for every format; each reader takes the ones it knows. */
export type TableReadOptions = CsvReadOptions & SheetReadOptions;

/** What a file holds, from its first bytes and its name. */
export type FileKind = "csv" | "xlsx" | "xls" | "ods" | "html";

/** Opens `path` (shown as `fileName`) with the right reader. */
export async function openTableFile(
  path: string,
  fileName: string,
  options: TableReadOptions = {},
): Promise<TableReader> {
  await assertRegularFile(path, fileName);
  const kind = await detectKind(path, fileName);
  switch (kind) {
    case "xlsx":
      return openXlsx(path, fileName, options);
    case "xls":
    case "ods":
    case "html":
      return openWorkbook(path, fileName, kind, options);
    default:
      return openCsv(path, fileName, options);
  }
}

/**
 * Refuses a path that is not a regular file before it is opened: opening a named pipe
 * blocks until something writes to it, and a device never ends.
 */
export async function assertRegularFile(path: string, shownAs: string): Promise<void> {
  const info = await Deno.stat(path);
  if (info.isFile) return;
  throw new SourceError(
    `${shownAs} is ${
      info.isDirectory ? "a folder" : "not a regular file (a named pipe, socket or device)"
    }: Plutus reads only files`,
    {
      code: "not_a_file",
      location: shownAs,
      hint: "Give the path of a CSV or spreadsheet file saved on disk.",
    },
  );
}

/** Decides the reader from the file's signature, then its extension. */
export async function detectKind(path: string, fileName: string): Promise<FileKind> {
  using file = await Deno.open(path);
  const head = new Uint8Array(512);
  const read = (await file.read(head)) ?? 0;
  const bytes = head.subarray(0, read);
  const extension = extname(fileName).toLowerCase();
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) {
    const names = (await readZipDirectory(file, (await file.stat()).size, fileName)).map((entry) =>
      entry.name
    );
    if (names.includes("xl/workbook.xml")) return "xlsx";
    if (names.includes("content.xml")) return "ods";
    if (names.includes("xl/workbook.bin")) {
      throw new SourceError(
        `${fileName} is an Excel binary workbook (.xlsb), which Plutus does not read`,
        {
          code: "unsupported_format",
          location: fileName,
          hint: "Open it in Excel and save it as .xlsx (File > Save As).",
        },
      );
    }
    throw new SourceError(`${fileName} is a ZIP archive, not a spreadsheet or CSV file`, {
      code: "unsupported_format",
      location: fileName,
      hint: "Unzip it and put the CSV or spreadsheet inside into inbox/.",
    });
  }
  if (bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0) {
    return "xls";
  }
  const text = new TextDecoder().decode(bytes).trimStart().toLowerCase();
  if (
    (extension === ".xls" || extension === ".htm" || extension === ".html") &&
    /^(<!doctype html|<html|<table)/.test(text)
  ) {
    return "html";
  }
  if (extension === ".fods" || (text.startsWith("<?xml") && text.includes("<office:document"))) {
    throw new SourceError(
      `${fileName} is a flat OpenDocument spreadsheet (.fods), which Plutus does not read`,
      {
        code: "unsupported_format",
        location: fileName,
        hint: "Open it in LibreOffice and save it as .ods, .xlsx or CSV.",
      },
    );
  }
  if (extension === ".numbers") {
    throw new SourceError(`${fileName} is an Apple Numbers file, which Plutus does not read`, {
      code: "unsupported_format",
      location: fileName,
      hint: "Export it from Numbers as CSV or Excel (File > Export To).",
    });
  }
  return "csv";
}
