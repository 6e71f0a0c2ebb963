/**
 * What every spreadsheet reader shares: from a sheet's rows (row number and cells), find
 * the header below any title rows, then hand out the data rows in batches, stopping at a
 * footer. The row numbers are the ones the spreadsheet shows.
 *
 * @module
 */
import { normalizeName } from "../../util/closest_match.ts";
import { SourceError } from "../../util/errors.ts";
import { type Cell, PercentCell } from "../transform/cell.ts";
import { countAfterStop, stopInfo } from "./footer_rows.ts";
import type { ReadInfo, ReadOptions, RowBatch, StopInfo, TableReader } from "./table_reader.ts";

/** One row of a sheet as read: its number and its cells by column (A = 0). */
export interface SheetRow {
  row: number;
  cells: Cell[];
}

const SNIFF_ROWS = 60;
const BATCH_ROWS = 2000;

/** Builds a TableReader over the rows of one sheet. */
export async function sheetTableReader(
  fileName: string,
  info: ReadInfo,
  source: AsyncIterator<SheetRow>,
  options: ReadOptions,
  close: () => void,
): Promise<TableReader> {
  const head: SheetRow[] = [];
  let exhausted = false;
  while (head.length < SNIFF_ROWS + (options.skipLines ?? 0)) {
    const next = await source.next();
    if (next.done) {
      exhausted = true;
      break;
    }
    head.push(next.value);
  }
  const nonEmpty = (row: SheetRow) => row.cells.filter((cell) => !isBlank(cell)).length;
  const index = options.skipLines !== undefined
    ? head.findIndex((row) => row.row > options.skipLines!)
    : findHeaderRow(head, head.map(nonEmpty), options.headers ?? []);
  const headerRow = index === -1 ? undefined : head[index];
  if (!headerRow || nonEmpty(headerRow) === 0) {
    close();
    throw new SourceError(
      `${fileName} has no header row${info.sheet ? ` in sheet "${info.sheet}"` : ""}`,
      {
        code: "no_header",
        location: fileName,
        hint: info.sheets && info.sheets.length > 1
          ? `The sheets are: ${info.sheets.join(", ")}. Pick one with sheet: in its source.`
          : "The first row with values must name the columns; check skip_lines in its source.",
      },
    );
  }
  const header = trimEnd(
    headerRow.cells.map((cell) => (cell === null ? "" : cellText(cell).trim())),
  );
  const state = { stopped: undefined as StopInfo | undefined, blankRows: 0, ignoredCells: 0 };
  info.skippedLines = headerRow.row - 1;

  async function* rows(): AsyncGenerator<RowBatch> {
    let stopping = false;
    let batch: RowBatch = { rows: [], lines: [], broken: [] };
    const take = (sheetRow: SheetRow) => {
      const { row, cells } = sheetRow;
      if (cells.every(isBlank)) {
        state.blankRows++;
        return;
      }
      if (stopping) {
        countAfterStop(state.stopped!, cells, false);
        return;
      }
      const first = cells[0] ?? null;
      if (options.stopAt && first !== null && options.stopAt.test(cellText(first))) {
        stopping = true;
        state.stopped = stopInfo(row, cellText(first), cells);
        return;
      }
      if (cells.length > header.length) {
        state.ignoredCells += cells.slice(header.length).filter((cell) => !isBlank(cell)).length;
        cells.length = header.length;
      }
      batch.rows.push(cells);
      batch.lines.push(row);
    };
    try {
      for (const row of head.slice(index + 1)) take(row);
      while (!exhausted) {
        if (batch.rows.length >= BATCH_ROWS) {
          yield batch;
          batch = { rows: [], lines: [], broken: [] };
        }
        const next = await source.next();
        if (next.done) break;
        take(next.value);
      }
      if (batch.rows.length > 0) yield batch;
    } finally {
      close();
    }
  }

  return {
    fileName,
    header,
    headerLine: headerRow.row,
    info,
    rows,
    get stopped() {
      return state.stopped;
    },
    get blankRows() {
      return state.blankRows;
    },
    get ignoredCells() {
      return state.ignoredCells;
    },
    close,
  };
}

/**
 * The header: the first of the first rows that names every header the source needs (as
 * map_columns matches them), else the row the shape of the rows points at.
 */
function findHeaderRow(
  head: readonly SheetRow[],
  counts: number[],
  wanted: readonly (readonly string[])[],
): number {
  const guess = modalRow(counts);
  if (wanted.length === 0) return guess;
  const spellings = wanted.map((names) => names.map(normalizeName));
  const namesAll = (row: SheetRow) => {
    const names = new Set(row.cells.map((cell) => normalizeName(cellText(cell).trim())));
    return spellings.every((any) => any.some((name) => names.has(name)));
  };
  if (guess !== -1 && namesAll(head[guess]!)) return guess;
  const named = head.findIndex(namesAll);
  return named === -1 ? guess : named;
}

/**
 * The first row with as many filled cells as most of the first rows have (report titles,
 * logos and dates above it fill fewer; merged title cells fill one). A title block as wide
 * as rows that leave cells empty is found only by the headers a source needs
 * (findHeaderRow): telling it by shape alone took a first data row of text, wider than a
 * header with an unnamed column, for the header, and its rows were lost.
 */
function modalRow(counts: number[]): number {
  const tally = new Map<number, number>();
  for (const count of counts) if (count >= 2) tally.set(count, (tally.get(count) ?? 0) + 1);
  let modal = 0;
  let times = 0;
  for (const [count, seen] of tally) {
    if (seen > times || (seen === times && count > modal)) [modal, times] = [count, seen];
  }
  if (modal === 0) return counts.findIndex((count) => count > 0);
  return counts.findIndex((count) => count >= modal);
}

function isBlank(cell: Cell | undefined): boolean {
  return cell === null || cell === undefined || (typeof cell === "string" && cell.trim() === "");
}

function trimEnd(header: string[]): string[] {
  let end = header.length;
  while (end > 0 && header[end - 1] === "") end--;
  return header.slice(0, end);
}

/** A cell as text, for headers and stop_at. */
export function cellText(cell: Cell): string {
  if (cell === null) return "";
  if (cell instanceof PercentCell) return cell.shown(); // 1.23%, as the sheet shows it
  if (cell instanceof Date) {
    // as a sheet shows it: the date, and the time when there is one
    return cell.toISOString().replace(/T00:00:00\.000Z$/, "").replace(
      /T(\d\d:\d\d:\d\d)\.000Z$/,
      " $1",
    );
  }

  return String(cell);
}
