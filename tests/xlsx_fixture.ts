/**
 * .xlsx files written by hand for tests: cells in the exact XML a given program writes
 * (openpyxl's `<v></v>`, a 1904 workbook, duration formats), which SheetJS would not.
 *
 * @module
 */
import { deflateRawSync } from "node:zlib";
import { zipOf } from "./zip_fixture.ts";

/** What goes into the workbook: the sheet's <row> elements, and optional parts. */
export interface XlsxParts {
  /** The <row>…</row> elements of the one sheet, "Data". */
  rows: string;
  /** <numFmt …/> elements; cell style i uses numFmtId styles[i]. */
  numFmts?: string;
  styles?: number[];
  date1904?: boolean;
}

/** The bytes of an .xlsx file with one sheet named "Data". */
export function xlsxOf(parts: XlsxParts): Uint8Array {
  const workbook =
    `<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">${
      parts.date1904 ? '<workbookPr date1904="1"/>' : "<workbookPr/>"
    }<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>`;
  const rels =
    `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`;
  const sheet =
    `<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${parts.rows}</sheetData></worksheet>`;
  const styles = `<?xml version="1.0"?><styleSheet><numFmts>${
    parts.numFmts ?? ""
  }</numFmts><cellXfs>${
    (parts.styles ?? [0]).map((id) => `<xf numFmtId="${id}" applyNumberFormat="1"/>`).join("")
  }</cellXfs></styleSheet>`;
  return zipOf(
    [
      ["xl/workbook.xml", workbook],
      ["xl/_rels/workbook.xml.rels", rels],
      ["xl/worksheets/sheet1.xml", sheet],
      ["xl/styles.xml", styles],
    ].map(([name, text]) => {
      const bytes = new TextEncoder().encode(text);
      return { name: name!, data: new Uint8Array(deflateRawSync(bytes)), size: bytes.length };
    }),
  );
}

/** A <row> of inline-string and number cells, in columns A, B, …; null leaves a cell out. */
export function rowXml(row: number, cells: (string | number | null)[]): string {
  return `<row r="${row}">${
    cells.map((cell, i) => {
      const ref = `${String.fromCharCode(65 + i)}${row}`;
      if (cell === null) return "";
      return typeof cell === "number"
        ? `<c r="${ref}"><v>${cell}</v></c>`
        : `<c r="${ref}" t="inlineStr"><is><t>${cell}</t></is></c>`;
    }).join("")
  }</row>`;
}
