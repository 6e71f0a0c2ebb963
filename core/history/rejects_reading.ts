/**
 * How a rejects file is read back through its source: a file source's own mapping, an API
 * source's table columns by their names (the rejects file has them as headers), and every
 * `parse_date` with the source's own formats reading the ISO dates the file has for a
 * spreadsheet's date cells too. The load (run_file_step.ts) and the rejects file's writer
 * (rejects_cells.ts) both read it so.
 *
 * @module
 */
import type { CleanRuleSpec } from "../../config/clean_rule_model.ts";
import type { ColumnMapping, SourceConfig } from "../../config/plutus_config.ts";
import type { TableSchema } from "../../config/table_schema.ts";
import { isNumberFormat } from "../transform/clean/parse_date.ts";

/** The table and the mapping a rejects file of `source` is read with. */
export function rejectsReading(
  source: SourceConfig,
  table: TableSchema,
): {
  table: TableSchema;
  columns: Record<string, ColumnMapping> | undefined;
  headerZones: boolean;
} {
  return {
    // an API source's columns are read in its zone, whatever their names say, as the first time
    headerZones: source.kind === "file",
    // the table's own parse_date rules read the ISO dates of a sheet's date cells too
    table: source.kind === "file" ? withIsoDateColumns(table) : table,
    columns: rejectsMapping(source, table),
  };
}

function rejectsMapping(
  source: SourceConfig,
  table: TableSchema,
): Record<string, ColumnMapping> | undefined {
  if (source.kind === "file") {
    if (!source.columns) return undefined;
    return withIsoDatesIn(source.columns);
  }
  return Object.fromEntries(
    Object.keys(table.columns).map((column) => {
      const mapping = source.columns?.[column];
      return [
        column,
        mapping?.value !== undefined
          ? mapping
          : { from: [column], value: undefined, clean: mapping?.clean ?? [] },
      ];
    }),
  );
}

function withIsoDateColumns(table: TableSchema): TableSchema {
  return { ...table, columns: withIsoDatesIn(table.columns) };
}

/** Columns (a source's mapping or a table's) whose `parse_date` rules read ISO dates too. */
function withIsoDatesIn<T extends { clean: CleanRuleSpec[] }>(
  columns: Record<string, T>,
): Record<string, T> {
  return Object.fromEntries(
    Object.entries(columns).map((
      [name, column],
    ) => [name, { ...column, clean: column.clean.map(withIsoDates) }]),
  );
}

// How a rejects file writes a spreadsheet's date and time cells (as the sheet shows them).
const ISO_FORMATS = ["YYYY-MM-DD", "YYYY-MM-DDTHH:mm:ss", "YYYY-MM-DDTHH:mm:ss.SSS"];

/**
 * A `parse_date` with the source's own formats, which also reads the ISO dates a rejects
 * file has for a spreadsheet's date cells: a fixed row's untouched date is not refused.
 */
function withIsoDates(rule: CleanRuleSpec): CleanRuleSpec {
  if (rule.name !== "parse_date" || rule.arg === null || rule.arg === undefined) return rule;
  const formats = Array.isArray(rule.arg) ? rule.arg : [rule.arg as string];
  if (formats.some(isNumberFormat)) return rule;
  return { ...rule, arg: [...formats, ...ISO_FORMATS.filter((iso) => !formats.includes(iso))] };
}
