/**
 * The value of one cell as it moves through map → clean → validate, and the way a rule
 * says a value is wrong.
 *
 * @module
 */
import { formatCount, MAX_SHOWN_CHARS } from "../../util/list_text.ts";

/** A cell value: text from CSV, typed values from spreadsheets and JSON, or nothing. */
export type Cell = string | number | boolean | Date | PercentCell | null;

/**
 * A number a spreadsheet formats as a percentage: the cell shows 1.23% and holds 0.0123.
 * It is that number to every rule and type, except that parse_percent leaves it as it is
 * instead of dividing by 100 again.
 */
export class PercentCell {
  constructor(readonly fraction: number) {}

  /** The number, as a plain number cell would show. */
  toString(): string {
    return String(this.fraction);
  }

  /** The number, in a reject's record. */
  toJSON(): number {
    return this.fraction;
  }

  /** As the spreadsheet shows it: 1.23%. */
  shown(): string {
    return `${Number((this.fraction * 100).toPrecision(15))}%`;
  }
}

/**
 * Cells that crossed to another thread lost their class (structured clone keeps plain
 * data and Dates only): gives percentages theirs back.
 */
export function reviveCells(rows: Cell[][]): void {
  for (const row of rows) {
    for (let i = 0; i < row.length; i++) {
      const cell = row[i];
      if (typeof cell === "object" && cell !== null && !(cell instanceof Date)) {
        row[i] = new PercentCell((cell as { fraction: number }).fraction);
      }
    }
  }
}

/**
 * The key, in a reject's record (header → cell, as JSON), of the headers whose cells JSON
 * cannot tell apart from others: a percentage (recorded as its number) and a sheet's date
 * (recorded as the text it shows). A rejects file writes them so they load back the same.
 */
export const RECORD_KINDS = "\u0000kinds";

/**
 * What RECORD_KINDS says of a header's cell. `serial1904`: a number of a workbook that
 * counts serial days from 1904, which `{parse_date: excel}` read in that system.
 */
export type RecordKind = "percent" | "date" | "serial1904";

/** A value a rule or a type check refused, with the reason the analyst will read. */
export class CellError {
  constructor(readonly reason: string) {}
}

/**
 * Returns `value`, with empty or blank text turned into null (an empty cell is "no value"),
 * and a percentage cell as its number (what every rule but parse_percent sees).
 */
export function emptyToNull(value: Cell): Exclude<Cell, PercentCell> {
  if (typeof value !== "string") return value instanceof PercentCell ? value.fraction : value;
  // Only text that starts with white space can be blank: skip trim() for the rest.
  if (value.length === 0) return null;
  const first = value.charCodeAt(0);
  return (first <= 32 || first === 0xa0 || first >= 0x2000) && value.trim() === "" ? null : value;
}

/** Shows a cell in a reason: quoted text, plain numbers. */
export function showCell(value: unknown): string {
  if (value === null || value === undefined) return "(empty)";
  if (value instanceof Date) return value.toISOString();
  if (value instanceof PercentCell) return value.shown();
  if (typeof value === "string") {
    if (value.length <= MAX_SHOWN_CHARS) return JSON.stringify(value);
    return `${JSON.stringify(value.slice(0, MAX_SHOWN_CHARS))}… (cut at ${MAX_SHOWN_CHARS} of ${
      formatCount(value.length)
    } characters)`;
  }
  return String(value);
}
