/**
 * The read → map → clean → validate half of an API step: pages of JSON records become the
 * same messages a file gives, so the load is the same. Columns read dot paths
 * (`properties.email`); a column without a mapping reads the field with its own name.
 *
 * @module
 */
import type { ApiSource } from "../../config/plutus_config.ts";
import type { SecretMask } from "../../config/env.ts";
import type { TableSchema } from "../../config/table_schema.ts";
import { fetchPages } from "../read/api_pages.ts";
import { compilePath, getPath } from "../read/dot_path.ts";
import type { HttpClient } from "../read/http_client.ts";
import type { Cell } from "../transform/cell.ts";
import { loadRuleLibraries } from "../transform/clean/rule_libraries.ts";
import type { ColumnSource } from "../transform/map_columns.ts";
import { compileRowPreparer } from "../transform/row_preparer.ts";
import type { Stored } from "../transform/validate_column.ts";
import type { PreparedReject, PrepareMessage } from "./prepare_file.ts";

/** What the API half needs; `since` is the incremental value to ask from. */
export interface ApiPlan {
  name: string;
  source: ApiSource;
  table: TableSchema;
  client: HttpClient;
  mask: SecretMask;
  since?: string | number;
  /** How datetimes without an offset are read: the project's `timezone:`. */
  timeZone: string;
}

/** What the step learns while reading, besides rows: pages, and the newest incremental value. */
export interface ApiProgress {
  pages: number;
  records: number;
  /** The greatest value of `incremental.field` seen. */
  newest?: string | number;
  /** Mapped paths no record of the first page had. */
  missingPaths: string[];
}

/** Pages through the API and prepares each page's records. */
export async function* prepareApi(
  plan: ApiPlan,
  progress: ApiProgress,
): AsyncGenerator<PrepareMessage> {
  const { source, table } = plan;
  const mapping = source.columns ?? {};
  await loadRuleLibraries([
    ...Object.values(mapping).flatMap((m) => m.clean),
    ...Object.values(table.columns).flatMap((c) => c.clean),
  ]);
  const paths = new Map<string, string[]>();
  const columns: ColumnSource[] = Object.keys(table.columns).map((column) => {
    const written = mapping[column];
    if (written?.value !== undefined) {
      return { column, constant: written.value as Cell, clean: written.clean };
    }
    const from = written?.from ?? [column];
    paths.set(column, from);
    return { column, header: from.join(" | "), clean: written?.clean ?? [] };
  });
  const { width, prepare } = compileRowPreparer(table, columns, (column) => {
    if (column.constant !== undefined) {
      const constant = column.constant;
      return () => constant;
    }
    const getters = (paths.get(column.column) ?? []).map(compilePath);
    return (record) => {
      for (const get of getters) {
        const value = get(record);
        if (value !== undefined) return toCell(value);
      }
      return null;
    };
  }, { timeZone: plan.timeZone });
  yield {
    type: "opened",
    header: [],
    headerLine: 0,
    info: { format: "api", skippedLines: 0 },
    mapped: columns.map(({ column, header, constant }) => ({ column, header, constant })),
    unusedHeaders: [],
  };
  const incremental = source.incremental;
  for await (const page of fetchPages(plan.name, source, plan.client, plan.mask, plan.since)) {
    progress.pages = page.number;
    progress.records += page.records.length;
    if (page.number === 1 && page.records.length > 0) {
      for (const [column, from] of paths) {
        if (
          mapping[column] &&
          !page.records.some((record) => from.some((path) => getPath(record, path) !== undefined))
        ) {
          progress.missingPaths.push(`${column} ← ${from.join(" or ")}`);
        }
      }
    }
    const values: Stored[] = [];
    const rejects: PreparedReject[] = [];
    let rows = 0;
    page.records.forEach((record, index) => {
      if (incremental) progress.newest = newer(progress.newest, getPath(record, incremental.field));
      const problems = prepare(record, values, rows * width);
      if (problems) {
        rejects.push({
          location: `${plan.name} page ${page.number} record ${index + 1}`,
          line: page.number * 1_000_000 + index + 1,
          problems,
          record: JSON.stringify(record),
        });
        values.length = rows * width;
      } else rows++;
    });
    yield { type: "batch", values, rows, read: page.records.length, rejects };
  }
  yield { type: "end", blankRows: 0 };
}

/** JSON values as cells: objects and lists as their JSON text. */
function toCell(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
    return value;
  }
  return JSON.stringify(value);
}

/**
 * The greater of two incremental values: whole numbers by size (also the 19-digit ids a
 * double cannot hold, which arrive as their digits), anything else as text (ISO dates sort).
 */
export function newer(
  current: string | number | undefined,
  value: unknown,
): string | number | undefined {
  if (value === null || value === undefined || value === "") return current;
  const candidate = typeof value === "number" ? value : String(value);
  if (current === undefined) return candidate;
  if (typeof current === "number" && typeof candidate === "number") {
    return candidate > current ? candidate : current;
  }
  const [a, b] = [wholeNumber(candidate), wholeNumber(current)];
  if (a !== undefined && b !== undefined) return a > b ? candidate : current;
  return String(candidate) > String(current) ? candidate : current;
}

/** A whole number, written as a number or as digits, as a bigint; undefined for the rest. */
function wholeNumber(value: string | number): bigint | undefined {
  if (typeof value === "number") return Number.isInteger(value) ? BigInt(value) : undefined;
  return /^-?\d{1,400}$/.test(value) ? BigInt(value) : undefined;
}
