/**
 * Turns one source row into one table row: map → clean (source rules, then table rules)
 * → validate, collecting every problem of the row rather than stopping at the first.
 *
 * @module
 */
import { createHash } from "node:crypto";
import type { CleanRuleSpec } from "../../config/clean_rule_model.ts";
import type { ColumnSchema, TableSchema } from "../../config/table_schema.ts";
import { type Cell, CellError, emptyToNull, PercentCell } from "./cell.ts";
import { type CleanOptions, compileCleanRules } from "./clean/compile_rules.ts";
import type { ColumnSource } from "./map_columns.ts";
import { compileColumnValidator, type Stored, type ValidatorOptions } from "./validate_column.ts";

/** One thing wrong with a row. */
export interface CellProblem {
  column: string | null;
  /** The value as read from the source, before cleaning. */
  value: string | null;
  reason: string;
}

/** Reads the source value of a column from a row (an array of cells, or an API record). */
export type CellGetter = (row: unknown) => Cell;

interface CompiledColumn {
  name: string;
  get: CellGetter;
  /** Clean and validate: the value to store, or why not. */
  convert: (value: Cell) => Stored | CellError;
}

/** Clean rules, then the column's checks, as one function (a fast one for plain text). */
export function compileConvert(
  rules: readonly CleanRuleSpec[],
  column: ColumnSchema,
  options: ValidatorOptions & CleanOptions,
): (value: Cell) => Stored | CellError {
  const validate = compileColumnValidator(column, options);
  const plainText = rules.length === 0 && column.type === "text" && column.values === undefined &&
    column.pattern === undefined && column.max_length === undefined;
  if (plainText) {
    // Most columns of most exports: text kept as it is. Same result as the general path.
    return (value) =>
      typeof value === "string" && value.length > 0 && value.charCodeAt(0) > 32 &&
        value.indexOf("\u0000") === -1
        ? value
        : validate(emptyToNull(value));
  }
  const clean = compileCleanRules(rules, { date1904: options.date1904 });
  return (value) => {
    const cleaned = clean(value);
    return cleaned instanceof CellError ? cleaned : validate(cleaned);
  };
}

/**
 * What a mapped column does to its source's value: the source's rules first, then the
 * table's (one chain, so the reason names the rule), then the column's checks.
 */
export function compileSourceConvert(
  table: TableSchema,
  source: ColumnSource,
  options: { timeZone: string; date1904?: boolean },
): (value: Cell) => Stored | CellError {
  const schema = table.columns[source.column]!;
  return compileConvert([...source.clean, ...schema.clean], schema, {
    required: table.key?.includes(source.column) === true,
    timeZone: source.timeZone ?? options.timeZone,
    date1904: options.date1904,
  });
}

/**
 * Compiles the table's columns into a function that writes a row's stored values into
 * `out` (at `offset`) and returns the problems found, or undefined when there are none.
 * For a table without a key it also writes the row hash that de-duplicates whole rows.
 * Datetimes without an offset are read in `options.timeZone`, or in the zone their header
 * names (ColumnSource.timeZone). `options.date1904`: the cells come from a workbook that
 * counts serial days from 1904.
 */
export function compileRowPreparer(
  table: TableSchema,
  sources: readonly ColumnSource[],
  getterFor: (source: ColumnSource) => CellGetter,
  options: { timeZone: string; date1904?: boolean },
): {
  width: number;
  prepare: (row: unknown, out: Stored[], offset: number) => CellProblem[] | undefined;
} {
  const columns: CompiledColumn[] = sources.map((source) => ({
    name: source.column,
    get: getterFor(source),
    convert: compileSourceConvert(table, source, options),
  }));
  const hashed = table.key === undefined;
  const width = columns.length + (hashed ? 1 : 0);
  const prepare = (row: unknown, out: Stored[], offset: number): CellProblem[] | undefined => {
    let problems: CellProblem[] | undefined;
    for (let i = 0; i < columns.length; i++) {
      const column = columns[i]!;
      const raw = column.get(row);
      const stored = column.convert(raw);
      if (stored instanceof CellError) {
        // a rule named like its column (phone: [phone]) would read "phone: phone: …"
        const reason = stored.reason.startsWith(`${column.name}: `)
          ? stored.reason.slice(column.name.length + 2)
          : stored.reason;
        (problems ??= []).push({ column: column.name, value: rawText(raw), reason });
      } else out[offset + i] = stored;
    }
    if (hashed && !problems) out[offset + columns.length] = rowHash(columns, out, offset);
    return problems;
  };
  return { width, prepare };
}

/** A value as the analyst saw it in the file, for reject reports. */
export function rawText(value: Cell): string | null {
  if (value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof PercentCell) return value.shown();
  return String(value);
}

/**
 * Identifies a whole row by its non-empty values, named: adding a column to the schema
 * later (empty in old rows) does not change the hash of rows that leave it empty.
 */
function rowHash(columns: readonly CompiledColumn[], out: Stored[], offset: number): string {
  const named: (string | number)[] = [];
  for (let i = 0; i < columns.length; i++) {
    const value = out[offset + i];
    if (value !== null && value !== undefined) named.push(columns[i]!.name, value);
  }
  return hashNamed(named);
}

/**
 * The row hash of stored values by column, in the schema's column order (the order rows
 * are prepared in): for rewriting hashes of rows already stored.
 */
export function storedRowHash(names: readonly string[], values: readonly Stored[]): string {
  const named: (string | number)[] = [];
  for (let i = 0; i < names.length; i++) {
    const value = values[i];
    if (value !== null && value !== undefined) named.push(names[i]!, value);
  }
  return hashNamed(named);
}

function hashNamed(named: (string | number)[]): string {
  return createHash("sha256").update(JSON.stringify(named)).digest("base64").slice(0, 24);
}
