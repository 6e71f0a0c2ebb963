/**
 * What every file reader gives the pipeline: a header, then rows in batches, each row
 * with the place it came from so that a reject can say `leads.csv:2031`.
 *
 * @module
 */
import type { Cell } from "../transform/cell.ts";

/** Rows read from a file, with where each one stands. */
export interface RowBatch {
  rows: Cell[][];
  /** `lines[i]` is the line (CSV) or row number (sheet) of `rows[i]`. */
  lines: number[];
  /** Rows the reader could not split into fields properly; they become rejects. */
  broken: BrokenRow[];
}

/** A row whose shape is wrong: a ragged row, a stray quote. */
export interface BrokenRow {
  line: number;
  reason: string;
  cells: Cell[];
}

/** What a reader found out about a file, for the log and `plutus preview`. */
export interface ReadInfo {
  format: "csv" | "xlsx" | "xls" | "ods" | "api";
  encoding?: string;
  delimiter?: string;
  /** Lines (or sheet rows) before the header that were skipped, e.g. report titles. */
  skippedLines: number;
  /**
   * CSV: the header stands on a later table of the file than the first (GA4's main table
   * after a chart's), so the lines above it may be more or fewer in the next export.
   */
  laterTable?: boolean;
  sheet?: string;
  sheets?: string[];
  /**
   * .xlsx: the workbook counts serial days from 1904 (Excel for Mac's old default), so
   * `{parse_date: excel}` reads its number cells in that system.
   */
  date1904?: boolean;
}

/** Where reading stopped early, because a row matched `stop_at`. */
export interface StopInfo {
  line: number;
  text: string;
  /** Non-blank rows after the stop row that were not read as data. */
  ignoredRows: number;
  /** Those of them that look like data rows, not a footer: stop_at may match too much. */
  dataRowsAfter: number;
  /** The stop row itself looks like a row of data, not a total or a line of text. */
  looksLikeData: boolean;
  /**
   * Not stop_at but a comment line after a blank one (`# ----`): another table of the
   * export starts there (GA4, Looker Studio).
   */
  tableEnd?: boolean;
}

/** A file opened for reading: the header is known, the rows come on demand. */
export interface TableReader {
  /** Shown in every location: the file's name in inbox/. */
  fileName: string;
  header: string[];
  /** The line (or sheet row) the header stands on. */
  headerLine: number;
  info: ReadInfo;
  /** Reads the data rows; call once. */
  rows(): AsyncGenerator<RowBatch>;
  /** Set once rows() is done, if reading stopped at a footer. */
  readonly stopped: StopInfo | undefined;
  /** Blank rows that were skipped while reading. */
  readonly blankRows: number;
  /** Spreadsheets: filled cells right of the last header, which no column can read. */
  readonly ignoredCells?: number;
  /**
   * .xlsx: formula cells saved without their computed value (a program that wrote the
   * formula but never calculated it), read as empty.
   */
  readonly uncomputedFormulas?: number;
  /**
   * CSV: the SHA-256 (hex) of all the file's bytes, set once rows() has read it to its end,
   * so that a step can tell the bytes it parsed are the ones it fingerprinted.
   */
  readonly sha256?: string;
  close(): void;
}

/** Options every file reader honours. */
export interface ReadOptions {
  /** Lines to skip before the header; found automatically when absent. */
  skipLines?: number;
  /** Stop at the first row whose first cell matches (a linear-time pattern from config). */
  stopAt?: { test(text: string): boolean };
  /**
   * Spreadsheets: the headers the source cannot do without, each as its spellings (see
   * headersNeeded): when the header row is found automatically, a row naming them all is it.
   */
  headers?: readonly (readonly string[])[];
}
