/**
 * Matches a file's headers to a table's columns, following the source's `columns:` block:
 * a header name (or several spellings), a constant, or — for columns the block leaves out —
 * a header with the column's own name. Headers match exactly first, then ignoring case,
 * spaces, dashes and underscores ("E-mail Address" matches email_address).
 *
 * @module
 */
import { cutText, listSome } from "../../util/list_text.ts";
import { SourceError } from "../../util/errors.ts";
import { closestMatch, normalizeName } from "../../util/closest_match.ts";
import type { CleanRuleSpec } from "../../config/clean_rule_model.ts";
import type { ColumnMapping } from "../../config/plutus_config.ts";
import type { TableSchema } from "../../config/table_schema.ts";
import type { Cell } from "./cell.ts";
import { headerTimeZone, headerUnit, unitsDiffer } from "./header_unit.ts";

/** Where one table column takes its value from. */
export interface ColumnSource {
  column: string;
  /** Index of the header the value is read from. */
  index?: number;
  /** The header as written in the file. */
  header?: string;
  /** A constant value for every row. */
  constant?: Cell;
  /** Source-level clean rules, run before the table's own. */
  clean: CleanRuleSpec[];
  /** The zone its datetimes without an offset are in, when the header says (headerTimeZone). */
  timeZone?: string;
  /** The header names an offset Plutus does not read from a header (UTC+05:30). */
  zoneUnread?: boolean;
}

/**
 * Marks the datetime columns whose header names a zone ("Created (UTC)") to be read in
 * it: the load of a file, and the rejects file's writer that must read it the same way.
 */
export function applyHeaderZones(table: TableSchema, columns: ColumnSource[]): void {
  for (const column of columns) {
    if (column.header === undefined || table.columns[column.column]?.type !== "datetime") continue;
    const zone = headerTimeZone(column.header);
    if (zone === null) column.zoneUnread = true;
    else column.timeZone = zone;
  }
}

/** The outcome of matching: each column's source, and the headers nothing reads. */
export interface MappingPlan {
  columns: ColumnSource[];
  unusedHeaders: string[];
}

/** Context for messages: which source and which file. */
export interface MappingContext {
  source: string;
  fileName: string;
  headerLine: number;
}

/**
 * The headers `mapColumns` cannot do without, each as its spellings: those mapped with
 * `from`, and those of required and key columns; a reader looks for them to find the header.
 */
export function headersNeeded(
  table: TableSchema,
  mapping: Record<string, ColumnMapping> | undefined,
): string[][] {
  return Object.entries(table.columns).flatMap(([column, schema]) => {
    const written = mapping?.[column];
    if (written?.value !== undefined) return [];
    const needed = written?.from !== undefined || schema.required ||
      (table.key?.includes(column) ?? false);
    return needed ? [written?.from ?? [column]] : [];
  });
}

/**
 * Plans how each table column is filled from `header`. Throws a SourceError, before any
 * row is read, when a mapped header is missing or a required column has no header.
 */
export function mapColumns(
  table: TableSchema,
  mapping: Record<string, ColumnMapping> | undefined,
  header: readonly string[],
  context: MappingContext,
): MappingPlan {
  const used = new Set<number>();
  const problems: string[] = [];
  const hints: string[] = [];
  const columns: ColumnSource[] = [];
  for (const [column, schema] of Object.entries(table.columns)) {
    const written = mapping?.[column];
    if (written?.value !== undefined) {
      columns.push({ column, constant: written.value as Cell, clean: written.clean });
      continue;
    }
    const spellings = written?.from ?? [column];
    const found = findHeader(header, spellings);
    if (typeof found === "number") {
      used.add(found);
      columns.push({ column, index: found, header: header[found], clean: written?.clean ?? [] });
      continue;
    }
    if (found.ambiguous) {
      problems.push(
        `${describe(column, spellings)} matches more than one header: ${
          found.ambiguous.join(", ")
        }`,
      );
      hints.push(
        `map ${column} to one of them by its exact spelling (${column}: {from: "…"}); where they are spelled alike, rename one of them in the file`,
      );
      continue;
    }
    const explicit = written?.from !== undefined;
    const keyColumn = table.key?.includes(column) ?? false;
    if (explicit || schema.required || keyColumn) {
      // "Amount spent (EUR)" is no new spelling of "Amount spent (USD)": other money
      const named = header.filter((h) => h !== "");
      const sameUnit = named.filter((h) => !spellings.some((s) => unitsDiffer(s, h)));
      const closest = closestMatch(spellings[0]!, sameUnit);
      const guess = closest === undefined ? undefined : cutText(closest);
      const other = guess ? undefined : closestMatch(spellings[0]!, named);
      const otherUnit = other === undefined ? undefined : cutText(other);
      problems.push(
        `no header ${spellings.map((s) => `"${s}"`).join(" or ")} for column ${column}` +
          (guess ? ` (closest: "${guess}")` : "") +
          (otherUnit
            ? ` ("${otherUnit}" counts in ${headerUnit(otherUnit)}, not ${
              spellings.map(headerUnit).find(Boolean)
            }: a different column, not a new spelling of it)`
            : ""),
      );
      const units = [headerUnit(otherUnit ?? ""), spellings.map(headerUnit).find(Boolean)];
      hints.push(
        otherUnit
          ? `the export now has ${column} in ${units[0]}: export it in ${units[1]} again, or ` +
            `map ${column} from "${otherUnit}" only where the table may hold ${units[0]} ` +
            `amounts (with a column that says the currency)`
          : explicit
          ? `list the new spelling: ${column}: {from: [${
            [...spellings, guess ?? "New Header"].join(", ")
          }]}`
          : `map it: ${column}: ${guess ?? "Header In The File"}`,
      );
      continue;
    }
    columns.push({ column, clean: written?.clean ?? [] });
  }
  if (problems.length > 0) {
    const explicit = Object.values(mapping ?? {}).filter((m) => m.from !== undefined).length;
    const wrongFile = problems.length >= 3 && problems.length * 2 > Math.max(explicit, 1);
    // "Kampagnenbericht;;;": a title line padded to the header's width was taken as the header
    const title = header.length > 1 && header.filter((h) => h.trim() !== "").length <= 1;
    throw new SourceError(
      `${context.fileName}:${context.headerLine}: ${problems.join("; ")}. Headers found: ${
        listSome(header.map((h) => (h === "" ? "(blank)" : h)))
      }`,
      {
        code: "missing_header",
        location: `${context.fileName}:${context.headerLine}`,
        hint: title
          ? `Line ${context.headerLine} looks like a title, not the header (one filled cell of ` +
            `${header.length}): in plutus.yaml, set skip_lines: N under sources.${context.source}, ` +
            `N the number of lines above the header (plutus preview ${context.fileName} shows them).`
          : wrongFile
          ? `Most mapped headers are missing: is this the right file for source ${context.source}? ` +
            `If the export changed, update sources.${context.source}.columns in plutus.yaml (plutus check shows the headers).`
          : `In plutus.yaml, under sources.${context.source}.columns, ${hints.join("; ")}.`,
      },
    );
  }
  return {
    columns,
    unusedHeaders: header.filter((h, i) => h !== "" && !used.has(i)),
  };
}

function findHeader(
  header: readonly string[],
  spellings: readonly string[],
): number | { ambiguous?: string[] } {
  for (const spelling of spellings) {
    const exact = indexesOf(header, (h) => h === spelling);
    if (exact.length === 1) return exact[0]!;
  }
  for (const spelling of spellings) {
    const wanted = normalizeName(spelling);
    const loose = indexesOf(header, (h) => normalizeName(h) === wanted);
    if (loose.length === 1) return loose[0]!;
    if (loose.length > 1) {
      return { ambiguous: loose.map((i) => `"${cutText(header[i]!)}" (column ${i + 1})`) };
    }
  }
  return {};
}

function indexesOf(header: readonly string[], test: (h: string) => boolean): number[] {
  const out: number[] = [];
  header.forEach((h, i) => {
    if (test(h)) out.push(i);
  });
  return out;
}

function describe(column: string, spellings: readonly string[]): string {
  return `column ${column} (from ${spellings.map((s) => `"${s}"`).join(" or ")})`;
}
