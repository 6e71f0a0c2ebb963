/**
 * What a rejects file writes for a cell that was not text, so that, left as it is, it loads
 * back as it loaded: a CSV holds only text, and a source's rules read text otherwise than
 * a typed cell. A spreadsheet's 1.5% cell holds 0.015, which parse_percent keeps, but the
 * text "0.015" it divides by 100; its TRUE cell is true to any parse_bool, but "true" is not
 * among the words `parse_bool: {true: [Opted in]}` knows; its date cell is a date to any
 * parse_date, but "2026-03-04" does not match `DD.MM.YYYY`.
 *
 * Each such cell is written as the first of the forms a person would type — its plain
 * text, with a decimal comma, as a percentage, in a parse_bool's words, in a parse_date's
 * format — that the rules and checks of every column its header fills turn into what the
 * cell gave. The load itself is the judge (the same compiled functions), so no rule needs
 * a case of its own here. When no form does, the plain text is written, as before.
 *
 * @module
 */
import type { CleanRuleSpec } from "../../config/clean_rule_model.ts";
import type { SourceConfig } from "../../config/plutus_config.ts";
import type { TableSchema } from "../../config/table_schema.ts";
import { type Cell, CellError, PercentCell, type RecordKind } from "../transform/cell.ts";
import { formatDateAs } from "../transform/clean/parse_date.ts";
import { applyHeaderZones, mapColumns } from "../transform/map_columns.ts";
import { compileConvert } from "../transform/row_preparer.ts";
import { rejectsReading } from "./rejects_reading.ts";
import type { Stored } from "../transform/validate_column.ts";

type Convert = (value: Cell) => Stored | CellError;

/** How one header's cells are read: each column it fills, and the rules of them all. */
interface HeaderReading {
  converts: Convert[];
  /** The same, for a number of a 1904-date-system workbook (RecordKind serial1904). */
  converts1904: Convert[];
  rules: CleanRuleSpec[];
}

/** Writes the cells of one source's rejects file. */
export class RejectsCellWriter {
  readonly #byHeader = new Map<string, HeaderReading>();

  /**
   * For the rejects of `source` into `table`, whose file has `headers` (a file source's
   * own; an API source's table columns).
   */
  constructor(
    source: SourceConfig,
    table: TableSchema,
    headers: readonly string[],
    projectTimeZone = "UTC",
  ) {
    // as the file will be read back: the same mapping, the same rules
    const reading = rejectsReading(source, table);
    let plan;
    try {
      plan = mapColumns(reading.table, reading.columns, headers, {
        source: "",
        fileName: "",
        headerLine: 1,
      });
    } catch {
      return; // a header the source needs is missing: the load will say so
    }
    // in the zones the load reads them in: a sheet's date is a wall-clock time there, an
    // epoch number an instant
    if (reading.headerZones) applyHeaderZones(reading.table, plan.columns);
    const zone = source.timezone ?? projectTimeZone;
    for (const column of plan.columns) {
      if (column.header === undefined) continue;
      const schema = reading.table.columns[column.column]!;
      const rules = [...column.clean, ...schema.clean];
      const byHeader = this.#byHeader.get(column.header) ??
        { converts: [], converts1904: [], rules: [] };
      const timeZone = column.timeZone ?? zone;
      byHeader.converts.push(compileConvert(rules, schema, { timeZone }));
      byHeader.converts1904.push(compileConvert(rules, schema, { timeZone, date1904: true }));
      byHeader.rules.push(...rules);
      this.#byHeader.set(column.header, byHeader);
    }
  }

  /**
   * The value to write for `value` of `header`, recorded as `kind`; `unsure` when no text
   * reads back as the cell did in every column the header fills (their rules disagree:
   * a decimal comma for one, a point for another), for the rejects file to say so.
   */
  cell(header: string, value: unknown, kind?: RecordKind): { value: unknown; unsure?: boolean } {
    const reading = this.#byHeader.get(header);
    const original = typedCell(value, kind);
    if (!reading || original === undefined) return { value };
    // a serial of a 1904 workbook loaded in that system; the rejects file is read in 1900's
    const first = kind === "serial1904" ? reading.converts1904 : reading.converts;
    const wanted = first.map((convert) => convert(original));
    const texts = forms(original, value, reading.rules);
    if (kind === "serial1904" && typeof original === "number") texts.push(String(original + 1462));
    // a date in a column of epoch numbers: the instant it loaded as, counted from 1970
    for (const stored of original instanceof Date ? wanted : []) {
      const ms = typeof stored === "string" ? Date.parse(stored) : NaN;
      if (Number.isFinite(ms)) texts.push(String(ms / 1000), String(ms));
    }
    // When no form gives every column its value (a percentage of 17 digits, which text
    // gives to 15; a header read by two columns with rules that disagree), the one whose
    // misses the load refuses — the analyst sees those — else the one nearest in value:
    // never a value 100 times off, written without a word.
    let best: { text: string; miss: number } | undefined;
    for (const text of texts) {
      let refused = 0;
      let off = 0;
      reading.converts.forEach((convert, i) => {
        const got = convert(text);
        if (sameResult(got, wanted[i]!)) return;
        if (got instanceof CellError) refused++;
        else off += distance(got, wanted[i]!);
      });
      if (refused === 0 && off === 0) return { value: text };
      const miss = off === 0 ? refused : 1e9 + off;
      if (miss < (best?.miss ?? Infinity)) best = { text, miss };
    }
    if (!best) return { value: texts[0] ?? value };
    // beyond the rounding of a 17th digit, a value would load otherwise without a word
    return { value: best.text, ...(best.miss > 1e9 + 1e-9 ? { unsure: true } : {}) };
  }
}

/** The cell a recorded value was, when it was not text; undefined for text and nothing. */
function typedCell(value: unknown, kind: RecordKind | undefined): Cell | undefined {
  if (kind === "percent" && typeof value === "number") return new PercentCell(value);
  if (kind === "date" && typeof value === "string") {
    // recorded as the sheet shows it: its wall-clock time, which a sheet's Date holds as UTC
    const date = new Date(/T/.test(value) ? `${value}Z` : `${value}T00:00:00Z`);
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  if (typeof value === "number" || typeof value === "boolean") return value;
  return undefined;
}

/** The texts a person would write for `cell` (recorded as `value`), most plain first. */
function forms(cell: Cell, value: unknown, rules: readonly CleanRuleSpec[]): string[] {
  const comma = (text: string) => text.replace(".", ",");
  if (cell instanceof PercentCell) {
    const shown = cell.shown();
    return [shown, comma(shown), String(cell.fraction), comma(String(cell.fraction))];
  }
  if (typeof cell === "number") return [String(cell), comma(String(cell))];
  if (typeof cell === "boolean") {
    const words = rules.flatMap((rule) => {
      const arg = rule.name === "parse_bool" ? rule.arg as Record<string, unknown[]> | null : null;
      return (arg?.[String(cell)] ?? []).map(String);
    });
    return [String(cell), ...words];
  }
  if (cell instanceof Date) {
    const formats = rules.flatMap((rule) =>
      rule.name !== "parse_date" || rule.arg === null
        ? []
        : (Array.isArray(rule.arg) ? rule.arg : [rule.arg]).map(String)
    );
    return [String(value), ...formats.flatMap((format) => formatDateAs(cell, format) ?? [])];
  }
  return [];
}

/**
 * How far a value read back is from the one wanted: numbers by their ratio (100 times
 * larger or smaller is 99; another sign, Infinity), another text 1, anything else (a
 * value where a refusal was wanted) Infinity.
 */
function distance(got: Stored, wanted: Stored | CellError): number {
  if (typeof got === "number" && typeof wanted === "number") {
    if (Math.sign(got) !== Math.sign(wanted)) return Infinity;
    return Math.max(Math.abs(got), Math.abs(wanted)) / Math.min(Math.abs(got), Math.abs(wanted)) -
      1;
  }
  return typeof got === "string" && typeof wanted === "string" ? 1 : Infinity;
}

function sameResult(a: Stored | CellError, b: Stored | CellError): boolean {
  if (a instanceof CellError || b instanceof CellError) {
    return a instanceof CellError && b instanceof CellError;
  }
  return Object.is(a, b) || (typeof a === "object" && JSON.stringify(a) === JSON.stringify(b));
}
