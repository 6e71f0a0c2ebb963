/**
 * A report's footer is not data: the totals rows and lines of text that end many exports
 * (Google Ads' "Total: Account", Salesforce's "Grand Totals (125 records)", "Generated
 * By: …", "Confidential Information …"). Without `stop_at` they would be read as rows and
 * rejected, and a 3-row file would report "7 of 7 rows rejected". The rows that end a file
 * and look like a footer are held back, not read, and said in a note.
 *
 * @module
 */
import { type Cell, emptyToNull } from "../transform/cell.ts";
import type { RowBatch, StopInfo } from "./table_reader.ts";

/** "Total", "Total: Account", "Grand Totals (125 records)" — but not a campaign "Total Wine". */
export const TOTALS = /^\s*((grand\s+)?totals?|sum|summe|gesamt)(?=\s*(:|\(|$))/iu;

/** At most this many rows end a file as its footer; a longer run of such rows is data. */
export const FOOTER_MAX_ROWS = 10;

/** The footer found at the end of a file. */
export interface FooterInfo {
  /** The line (or sheet row) it starts on. */
  line: number;
  /** Its non-blank rows. */
  rows: number;
  /** Its first text, for the note. */
  text: string;
  /** Its totals label stands right of the first column with a header (see lateLabel). */
  lateLabel?: boolean;
}

/**
 * Whether a row may belong to a footer: a totals row, a row with nothing filled, or a line
 * with one filled cell that does not split into the header's columns (a line of text). A
 * well-formed data row with only its first column filled is data — unless a totals row
 * came before it in the footer (`afterTotals`): a sheet's "Confidential Information" line
 * under "Grand Totals" is a row of one cell, not a line that did not split.
 */
export function footerLike(cells: readonly Cell[], broken: boolean, afterTotals = false): boolean {
  if (totalsRow(cells)) return true;
  // it runs on every row: stop at the filled cell that makes the row data
  const most = broken || afterTotals ? 1 : 0;
  let filled = 0;
  for (let i = 0; i < cells.length; i++) {
    if (emptyToNull(cells[i]!) !== null && ++filled > most) return false;
  }
  return true;
}

/**
 * Whether a row is a total: its first filled cell says so. A report may start in column B
 * (Salesforce's XLSX), or leave its first column (a row number, a date) empty on the totals
 * row.
 */
export function totalsRow(cells: readonly Cell[]): boolean {
  const first = cells.find((cell) => emptyToNull(cell) !== null);
  return typeof first === "string" && TOTALS.test(first);
}

/** The first column with a header: where a totals row usually writes its label. */
export function labelColumn(header: readonly string[]): number {
  return Math.max(0, header.findIndex((name) => name.trim() !== ""));
}

/**
 * A totals row whose label stands right of the first column with a header, all before it
 * empty: a footer most likely (a row number's column left empty), but it could be a row of
 * data with its first fields missing — held back all the same, and said as a warning.
 */
function lateLabel(cells: readonly Cell[], labelAt: number): boolean {
  return totalsRow(cells) && cells.findIndex((cell) => emptyToNull(cell) !== null) > labelAt;
}

/**
 * Where reading stops at a row `stop_at` matched, and whether that row looks like data. The
 * stop row and the rows after it are a footer as a totals row and its lines are: a row
 * with one cell filled at most is a line of text (padded to the header's width or not).
 */
export function stopInfo(line: number, text: string, cells: readonly Cell[]): StopInfo {
  return {
    line,
    text: text.slice(0, 120),
    ignoredRows: 0,
    dataRowsAfter: 0,
    looksLikeData: !footerLike(cells, true, true),
  };
}

/** Counts a non-blank row after the stop row, and whether it looks like data. */
export function countAfterStop(stopped: StopInfo, cells: readonly Cell[], broken: boolean): void {
  stopped.ignoredRows++;
  if (!footerLike(cells, broken, true)) stopped.dataRowsAfter++;
}

interface Entry {
  line: number;
  cells: Cell[];
  broken?: string;
}

/**
 * Passes the batches on without the run of footer-like rows that ends the file, when data
 * rows come before it; `found` hears of that footer once the batches are done.
 */
export async function* withoutFooter(
  batches: AsyncIterable<RowBatch>,
  found: (footer: FooterInfo) => void,
  labelAt = 0,
  isData: (cells: readonly Cell[]) => boolean = () => false,
): AsyncGenerator<RowBatch> {
  // a line of text is footer-like; a row of one cell that holds a value of its column's
  // type (an e-mail address in an e-mail column) is data with its other fields left out —
  // but not under a totals row: a report's date line there ("2026-12-01") is footer
  const footerRow = (cells: readonly Cell[], broken: boolean, afterTotals = false) =>
    footerLike(cells, broken, afterTotals) &&
    (afterTotals || totalsRow(cells) || !isData(cells));
  let pending: Entry[] = [];
  let longRun = false;
  // a totals row is among the pending ones: a row of one filled cell after it is footer too
  let totalsPending = false;
  let dataSeen = false;
  for await (const batch of batches) {
    // most batches hold no footer-like row: pass them on as they are
    if (
      pending.length === 0 && !longRun &&
      !batch.rows.some((cells) => footerRow(cells, false)) &&
      !batch.broken.some((row) => footerRow(row.cells, true))
    ) {
      if (batch.rows.length > 0 || batch.broken.length > 0) dataSeen = true;
      yield batch;
      continue;
    }
    const out: Entry[] = [];
    for (const entry of inLineOrder(batch)) {
      if (!footerRow(entry.cells, entry.broken !== undefined, totalsPending)) {
        out.push(...pending, entry);
        pending = [];
        longRun = totalsPending = false;
      } else if (longRun) out.push(entry);
      else if (pending.push(entry) > FOOTER_MAX_ROWS) {
        out.push(...pending);
        pending = [];
        longRun = true;
        totalsPending = false;
      } else totalsPending ||= totalsRow(entry.cells);
    }
    if (out.length > 0) {
      dataSeen = true;
      yield toBatch(out);
    }
  }
  if (pending.length === 0) return;
  // nothing but footer-like rows: not a report with a footer; they are read as rows
  if (!dataSeen) {
    yield toBatch(pending);
    return;
  }
  const first = pending[0]!;
  found({
    line: first.line,
    rows: pending.length,
    text: String(first.cells.find((cell) => emptyToNull(cell) !== null) ?? "").slice(0, 120),
    lateLabel: pending.some((entry) => lateLabel(entry.cells, labelAt)),
  });
}

/** A batch's rows and broken rows, merged in file order. */
function inLineOrder(batch: RowBatch): Entry[] {
  const entries: Entry[] = batch.rows.map((cells, i) => ({ line: batch.lines[i]!, cells }));
  for (const broken of batch.broken) {
    entries.push({ line: broken.line, cells: broken.cells, broken: broken.reason });
  }
  return batch.broken.length === 0 ? entries : entries.sort((a, b) => a.line - b.line);
}

function toBatch(entries: Entry[]): RowBatch {
  const batch: RowBatch = { rows: [], lines: [], broken: [] };
  for (const entry of entries) {
    if (entry.broken === undefined) {
      batch.rows.push(entry.cells);
      batch.lines.push(entry.line);
    } else batch.broken.push({ line: entry.line, reason: entry.broken, cells: entry.cells });
  }
  return batch;
}
