/**
 * Writing values as RFC 4180 CSV, safe to open in a spreadsheet: text that a spreadsheet
 * would run as a formula (=, +, -, @, tab, carriage return first) gets a leading `'` —
 * unless it is a value that passed a typed rule (see typed_columns.ts).
 *
 * @module
 */
import { type ColumnKind, isTypedValue } from "./typed_columns.ts";

const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * How fields are separated and decimals written: "," and 12.5, or — as Excel opens a CSV
 * in Germany, France, Spain, Italy and much of Europe — ";" and 12,5.
 */
export interface CsvDialect {
  separator: "," | ";";
  /** Text written as it is: no formula start, nothing to quote. One test instead of two for
   * most values (an export of 1M rows tests some 10M of them). */
  plain: RegExp;
  needsQuotes: RegExp;
  number(value: number | bigint): string;
}

/** RFC 4180: commas, and decimals with a point. */
export const COMMA: CsvDialect = {
  separator: ",",
  plain: /^(?![=+\-@\s])[^",\r\n]*(?<!\s)$/,
  needsQuotes: /[",\r\n]|^\s|\s$/,
  number: String,
};

/** A number written with a decimal comma: 12.5 → 12,5. */
export function decimalComma(value: number | bigint): string {
  return String(value).replace(".", ",");
}

/** Semicolons, and decimals with a comma. */
export const SEMICOLON: CsvDialect = {
  separator: ";",
  plain: /^(?![=+\-@\s])[^";\r\n]*(?<!\s)$/,
  needsQuotes: /[";\r\n]|^\s|\s$/,
  number: decimalComma,
};

/** One field: quoted when needed; text neutralised against formula injection unless `raw`. */
export function csvField(value: unknown, raw = false, dialect = COMMA): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number" || typeof value === "bigint") return dialect.number(value);
  if (value instanceof Uint8Array) return csvField(`<${value.length} bytes>`, raw, dialect);
  let text = typeof value === "string"
    ? value
    : value instanceof Date
    ? value.toISOString()
    : String(value);
  if (dialect.plain.test(text)) return text;
  if (!raw && FORMULA_START.test(text)) text = `'${text}`;
  return dialect.needsQuotes.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One line, with CRLF as RFC 4180 asks. */
export function csvLine(values: readonly unknown[], raw = false, dialect = COMMA): string {
  let line = "";
  for (let i = 0; i < values.length; i++) {
    line += (i === 0 ? "" : dialect.separator) + csvField(values[i], raw, dialect);
  }
  return `${line}\r\n`;
}

/**
 * One line where `kinds[i]` says what column i holds: a value with the shape of its typed
 * column is written as it is (`+14155555874`), any other text is neutralised.
 */
export function csvTypedLine(
  values: readonly unknown[],
  kinds: readonly (ColumnKind | undefined)[],
  dialect = COMMA,
): string {
  let line = "";
  for (let i = 0; i < values.length; i++) {
    if (i > 0) line += dialect.separator;
    line += csvTypedField(values[i], kinds[i], dialect);
  }
  return `${line}\r\n`;
}

/** One field of a column that holds `kind` (see {@link csvTypedLine}). */
export function csvTypedField(value: unknown, kind: ColumnKind | undefined, dialect = COMMA) {
  if (typeof value === "string" && dialect.plain.test(value)) return value;
  // only text that starts like a formula needs its shape checked (most text does not)
  const raw = typeof value === "string" && FORMULA_START.test(value) &&
    isTypedValue(kind, value);
  return csvField(value, raw, dialect);
}
