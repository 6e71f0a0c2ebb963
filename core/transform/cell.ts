/**
 * The value of one cell as it moves through map → clean → validate, and the way a rule
 * says a value is wrong.
 *
 * @module
 */
import { formatCount, MAX_SHOWN_CHARS } from "../list_text.ts";

/** A cell value: text from CSV, typed values from spreadsheets and JSON, or nothing. */
export type Cell = string | number | boolean | Date | null;

/** A value a rule or a type check refused, with the reason the analyst will read. */
export class CellError {
  constructor(readonly reason: string) {}
}

/** Returns `value`, with empty or blank text turned into null (an empty cell is "no value"). */
export function emptyToNull(value: Cell): Cell {
  if (typeof value !== "string") return value;
  // Only text that starts with white space can be blank: skip trim() for the rest.
  if (value.length === 0) return null;
  const first = value.charCodeAt(0);
  return (first <= 32 || first === 0xa0 || first >= 0x2000) && value.trim() === "" ? null : value;
}

/** Shows a cell in a reason: quoted text, plain numbers. */
export function showCell(value: unknown): string {
  if (value === null || value === undefined) return "(empty)";
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "string") {
    if (value.length <= MAX_SHOWN_CHARS) return JSON.stringify(value);
    return `${JSON.stringify(value.slice(0, MAX_SHOWN_CHARS))}… (cut at ${MAX_SHOWN_CHARS} of ${
      formatCount(value.length)
    } characters)`;
  }
  return String(value);
}
