/**
 * What a file holds, as Plutus reads it: format, encoding, delimiter, sheets, the header
 * and the first rows. Used by `plutus preview` and `plutus add-source`.
 *
 * @module
 */
import { basename } from "node:path";
import { PlutusError } from "../../util/errors.ts";
import { openTableFile, type TableReadOptions } from "../read/open_table.ts";
import type { ReadInfo } from "../read/table_reader.ts";
import type { Cell } from "../transform/cell.ts";

/** One row of a preview. */
export interface PreviewRow {
  line: number;
  cells: Cell[];
  broken?: string;
}

/** A look at the start of a file. */
export interface FilePreview {
  fileName: string;
  info: ReadInfo;
  header: string[];
  headerLine: number;
  /** In file order; `broken` says why a line is not a row (a footer line, say). */
  rows: PreviewRow[];
  /** Whether the file has more rows than shown. */
  more: boolean;
}

/** Reads the header and the first `limit` rows of a file. */
export async function previewFile(
  path: string,
  limit = 10,
  options: TableReadOptions = {},
): Promise<FilePreview> {
  const reader = await openTableFile(path, basename(path), options).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    throw new PlutusError(`${path}: no such file`, {
      code: "no_file",
      hint: "Check the path; relative paths start from the folder you ran the command in.",
    });
  });
  const rows: PreviewRow[] = [];
  let more = false;
  try {
    for await (const batch of reader.rows()) {
      const inBatch: PreviewRow[] = batch.rows.map((cells, i) => ({
        line: batch.lines[i]!,
        cells,
      }));
      for (const { line, cells, reason } of batch.broken) {
        inBatch.push({ line, cells: cells as Cell[], broken: reason });
      }
      if (batch.broken.length > 0) inBatch.sort((a, b) => a.line - b.line);
      for (const row of inBatch) {
        if (rows.length === limit) {
          more = true;
          break;
        }
        rows.push(row);
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
