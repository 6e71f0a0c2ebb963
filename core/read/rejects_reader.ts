/**
 * Reads a rejects file that comes back fixed (see core/history/rejects_format.ts): header on the
 * first line, encoding and delimiter sniffed (a spreadsheet may save it with `;` or in
 * windows-1252), the marker columns left out, and the formula escape undone.
 *
 * @module
 */
import type { Cell } from "../transform/cell.ts";
import {
  isRejectsHeader,
  MARKER_COLUMNS,
  restoreFormula,
  SOURCE_COLUMN,
} from "../history/rejects_format.ts";
import { detectKind, openTableFile } from "./open_table.ts";
import type { RowBatch, TableReader } from "./table_reader.ts";

/** What a look at a file's first line found: a rejects file, and the source it names. */
export interface RejectsProbe {
  /** The `_source` of its first row, when it has one. */
  source?: string;
}

/**
 * Tells whether `path` is a rejects file: a CSV (or a workbook whose name says "rejects",
 * saved from one) whose first line has the marker columns. Anything unreadable is not.
 */
export async function probeRejectsFile(
  path: string,
  fileName: string,
): Promise<RejectsProbe | undefined> {
  let reader: TableReader;
  try {
    // Opening a large workbook only to look costs seconds: only a CSV, or a name that asks.
    if ((await detectKind(path, fileName)) !== "csv" && !/rejects/i.test(fileName)) return;
    reader = await openTableFile(path, fileName, { skipLines: 0 });
  } catch {
    return undefined; // the real read reports what is wrong with it
  }
  try {
    if (!isRejectsHeader(reader.header)) return undefined;
    const at = reader.header.indexOf(SOURCE_COLUMN);
    if (at === -1) return {};
    for await (const batch of reader.rows()) {
      const first = batch.rows[0] ?? batch.broken[0]?.cells;
      const source = first?.[at];
      return typeof source === "string" && source.trim() !== "" ? { source: source.trim() } : {};
    }
    return {};
  } catch {
    return {};
  } finally {
    reader.close();
  }
}

/** Opens a rejects file as a table of the source's own columns. */
export async function openRejectsFile(path: string, fileName: string): Promise<TableReader> {
  const reader = await openTableFile(path, fileName, { skipLines: 0 });
  const keep = reader.header.flatMap((name, i) =>
    (MARKER_COLUMNS as readonly string[]).includes(name) ? [] : [i]
  );
  const project = (cells: Cell[]): Cell[] =>
    keep.map((i) => {
      const cell = cells[i] ?? null;
      return typeof cell === "string" ? restoreFormula(cell) : cell;
    });
  return {
    fileName,
    header: keep.map((i) => reader.header[i]!),
    headerLine: reader.headerLine,
    info: reader.info,
    async *rows(): AsyncGenerator<RowBatch> {
      for await (const batch of reader.rows()) {
        yield {
          rows: batch.rows.map(project),
          lines: batch.lines,
          broken: batch.broken.map((broken) => ({ ...broken, cells: project(broken.cells) })),
        };
      }
    },
    get stopped() {
      return reader.stopped;
    },
    get blankRows() {
      return reader.blankRows;
    },
    get ignoredCells() {
      return reader.ignoredCells;
    },
    close: () => reader.close(),
  };
}
