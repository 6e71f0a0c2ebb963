/**
 * The one format of a rejects file (`plutus rejects --csv`, the GUI's download): UTF-8
 * CSV with the source's own columns, then the marker columns `_reason`, `_location` and
 * `_source`. The markers are how a fixed rejects file is recognised when it comes back
 * through `upload` or `run`: it is read as written here, not as the source's raw export
 * (no skip_lines, stop_at, sheet or encoding of the source), the markers are not loaded,
 * and `_source` names the source that loads it.
 *
 * Text a spreadsheet would run as a formula gets a leading `'` in the file, and loses it
 * again on the way back, so `=SUM(A1)` is loaded as that text.
 *
 * @module
 */

/** Why the row was refused. */
export const REASON_COLUMN = "_reason";
/** Where the row was: `leads.csv:12`, `orders.xlsx:Sheet2!7`, `hubspot page 2 record 5`. */
export const LOCATION_COLUMN = "_location";
/** The source that read the row, and that loads the fixed file. */
export const SOURCE_COLUMN = "_source";
/** The marker columns, in the order they follow the source's own columns. */
export const MARKER_COLUMNS = [REASON_COLUMN, LOCATION_COLUMN, SOURCE_COLUMN] as const;

/** `leads.csv` of run 16 → `leads.rejects-run-16.csv`. */
export function rejectsFileName(stem: string, runId: number): string {
  return `${stem}.rejects-run-${runId}.csv`;
}

/** True when a header is a rejects file's: it has the `_reason` and `_location` columns. */
export function isRejectsHeader(header: readonly string[]): boolean {
  return header.includes(REASON_COLUMN) && header.includes(LOCATION_COLUMN);
}

// What a spreadsheet reads as a formula, after any ' already there: "'=x" is escaped too,
// so that undoing the escape never takes a ' the value had.
const FORMULA_START = /^'*[=+\-@\t\r]/;
const ESCAPED = /^'+[=+\-@\t\r]/;
// "-12.50" and "+5" are numbers to a spreadsheet, not formulas: left alone.
const PLAIN_NUMBER = /^[+-]?\d+(?:[.,]\d+)*$/;

/** Text with a leading `'` when a spreadsheet would run it as a formula. */
export function neutralizeFormula(text: string): string {
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
}

/** Undoes neutralizeFormula(): the text as it was before it was written. */
export function restoreFormula(text: string): string {
  return ESCAPED.test(text) ? text.slice(1) : text;
}
