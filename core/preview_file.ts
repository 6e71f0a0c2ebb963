/**
 * What a file holds, as Plutus reads it: format, encoding, delimiter, sheets, the header
 * and the first rows. Used by `plutus preview` and `plutus add-source`.
 *
 * @module
 */
import { basename } from "node:path";
import { openTableFile, type TableReadOptions } from "./read/open_table.ts";
import type { ReadInfo } from "./read/table_reader.ts";
import type { Cell } from "./transform/cell.ts";

/** A look at the start of a file. */
export interface FilePreview {
  fileName: string;
  info: ReadInfo;
  header: string[];
  headerLine: number;
  rows: { line: number; cells: Cell[] }[];
  /** Whether the file has more rows than shown. */
  more: boolean;
}

/** Reads the header and the first `limit` rows of a file. */
export async function previewFile(
  path: string,
  limit = 10,
  options: TableReadOptions = {},
): Promise<FilePreview> {
  const reader = await openTableFile(path, basename(path), options);
  const rows: { line: number; cells: Cell[] }[] = [];
  let more = false;
  try {
    for await (const batch of reader.rows()) {
      for (let i = 0; i < batch.rows.length; i++) {
        if (rows.length === limit) {
          more = true;
          break;
        }
        rows.push({ line: batch.lines[i]!, cells: batch.rows[i]! });
      }
      if (more) break;
    }
  } finally {
    reader.close();
  }
  return {
    fileName: reader.fileName,
    info: reader.info,
    header: reader.header,
    headerLine: reader.headerLine,
    rows,
    more,
  };
}
