/**
 * The read → map → clean → validate half of a file step, as a stream of messages. It runs
 * in a worker for large files (so parsing overlaps with inserting) and in-thread for small
 * ones; either way the loader sees the same messages.
 *
 * @module
 */
import type { CleanRuleSpec } from "../../config/clean_rule_model.ts";
import type { ColumnMapping } from "../../config/plutus_config.ts";
import { compileLinearRegex } from "../../config/linear_regex.ts";
import { loadRuleLibraries } from "../transform/clean/rule_libraries.ts";
import type { TableSchema } from "../../config/table_schema.ts";
import { openTableFile } from "../read/open_table.ts";
import { openRejectsFile } from "../read/rejects_reader.ts";
import { type FooterInfo, labelColumn, withoutFooter } from "../read/footer_rows.ts";
import type { ReadInfo, RowBatch, StopInfo, TableReader } from "../read/table_reader.ts";
import {
  type Cell,
  CellError,
  emptyToNull,
  PercentCell,
  RECORD_KINDS,
  type RecordKind,
} from "../transform/cell.ts";
import {
  applyHeaderZones,
  type ColumnSource,
  headersNeeded,
  mapColumns,
} from "../transform/map_columns.ts";
import { parseDate } from "../transform/clean/parse_date.ts";
import {
  type CellProblem,
  compileRowPreparer,
  compileSourceConvert,
} from "../transform/row_preparer.ts";
import type { Stored } from "../transform/validate_column.ts";

/** Everything a worker needs to prepare one file; plain data, so it can be posted. */
export interface FilePlan {
  source: string;
  path: string;
  fileName: string;
  table: TableSchema;
  columns?: Record<string, ColumnMapping>;
  csv?: { delimiter?: string; encoding?: string; skip_lines?: number; quote?: string };
  /** Spreadsheets: the sheet's name or number (from 1). */
  sheet?: string | number;
  /** Lines (or sheet rows) above the header; found when absent. */
  skipLines?: number;
  stopAt?: string;
  /**
   * How datetimes without an offset are read: the source's `timezone:`, else the project's
   * (IANA name); a datetime column whose header names a zone ("Created (UTC)") is read in it.
   */
  timeZone: string;
  /** A rejects file Plutus wrote: read as written (see core/history/rejects_format.ts). */
  rejectsFile?: boolean;
  /**
   * Whether a header naming a zone sets its column's (see applyHeaderZones): a file's own
   * headers do; an API source's rejects file has column names for headers, which do not.
   */
  headerZones?: boolean;
}

/** A rejected row: where it was, what was wrong, and the row as read. */
export interface PreparedReject {
  location: string;
  line: number;
  problems: CellProblem[];
  /** The row as read, header → value, as JSON. */
  record: string;
}

/** What preparing a file reports, in order: opened, batches, end. */
export type PrepareMessage =
  | {
    type: "opened";
    header: string[];
    headerLine: number;
    info: ReadInfo;
    mapped: {
      column: string;
      header?: string;
      constant?: Cell;
      timeZone?: string;
      zoneUnread?: boolean;
    }[];
    unusedHeaders: string[];
  }
  | { type: "batch"; values: Stored[]; rows: number; read: number; rejects: PreparedReject[] }
  | {
    type: "end";
    stopped?: StopInfo;
    blankRows: number;
    ignoredCells?: number;
    uncomputedFormulas?: number;
    footer?: FooterInfo;
    /** The SHA-256 of the bytes read, when the reader hashed the whole file (CSV). */
    sha256?: string;
  };

/** A file opened for loading: its rows come without the footer that ends it, if any. */
export interface LoadReader extends TableReader {
  /** Set once rows() is done, if the file ends in a footer. */
  readonly footer: FooterInfo | undefined;
}

/** Opens the file a plan names, with the reader its format needs. */
export async function openTable(plan: FilePlan): Promise<LoadReader> {
  // a rejects file is read as Plutus wrote it: no title lines, no footer
  if (plan.rejectsFile) {
    return Object.create(await openRejectsFile(plan.path, plan.fileName), {
      footer: { value: undefined },
    }) as LoadReader;
  }
  const reader = await openTableFile(plan.path, plan.fileName, {
    delimiter: plan.csv?.delimiter,
    encoding: plan.csv?.encoding,
    quote: plan.csv?.quote,
    skipLines: plan.skipLines ?? plan.csv?.skip_lines,
    sheet: plan.sheet,
    headers: headersNeeded(plan.table, plan.columns),
    stopAt: plan.stopAt === undefined ? undefined : compileLinearRegex(plan.stopAt),
  });
  let footer: FooterInfo | undefined;
  // the file reader as prototype: its stopped and blankRows stay live getters
  const isData = typedValueAlone(plan, reader.header);
  return Object.create(reader, {
    rows: {
      value: () =>
        withoutFooter(
          reader.rows(),
          (found) => (footer = found),
          labelColumn(reader.header),
          isData,
        ),
    },
    footer: { get: () => footer },
  }) as LoadReader;
}

/**
 * Whether a row's one filled cell is a value of the typed column its header fills — an
 * e-mail address under "Email" of an email column, a number under a decimal column: then
 * the row is data whose trailing empty fields were left out, not a line of a footer, and it
 * is refused as such a row is anywhere else in the file. Text columns take any line, so
 * they tell nothing. A header that maps to no column (a problem said later) tells nothing.
 * The columns are compiled at the first such row: most files have none.
 */
function typedValueAlone(plan: FilePlan, header: string[]): (cells: readonly Cell[]) => boolean {
  let fits: Map<number, ((cell: Cell) => Stored | CellError)[]> | undefined;
  const compile = () => {
    const byIndex = new Map<number, ((cell: Cell) => Stored | CellError)[]>();
    let sources: ColumnSource[];
    try {
      sources = mapColumns(plan.table, plan.columns, header, {
        source: plan.source,
        fileName: plan.fileName,
        headerLine: 1,
      }).columns;
    } catch {
      return byIndex;
    }
    for (const source of sources) {
      const schema = plan.table.columns[source.column]!;
      const typed = schema.type !== "text" || schema.values || schema.pattern;
      if (source.index === undefined || !typed) continue;
      const converts = byIndex.get(source.index) ?? [];
      converts.push(compileSourceConvert(plan.table, source, { timeZone: plan.timeZone }));
      byIndex.set(source.index, converts);
    }
    return byIndex;
  };
  return (cells) => {
    let at = -1;
    for (let i = 0; i < cells.length; i++) {
      if (emptyToNull(cells[i]!) === null) continue;
      if (at >= 0) return false;
      at = i;
    }
    if (at < 0) return false;
    fits ??= compile();
    return fits.get(at)?.some((convert) => {
      const stored = convert(cells[at]!);
      return stored !== null && !(stored instanceof CellError);
    }) ?? false;
  };
}

/** Turns rows read from a file into stored values and rejects. */
export type BatchPreparer = (batch: RowBatch) => Extract<PrepareMessage, { type: "batch" }>;

/** What opening a file tells the loader, before any row. */
export type OpenedMessage = Extract<PrepareMessage, { type: "opened" }>;

/**
 * Matches the file's header to the table and compiles the row preparation. Pure given its
 * inputs, so the worker and the loader's thread can each build the same one.
 */
export function compileBatchPreparer(
  plan: FilePlan,
  header: string[],
  headerLine: number,
  read: Pick<ReadInfo, "sheet" | "date1904"> = {},
): { opened: Omit<OpenedMessage, "info">; prepare: BatchPreparer } {
  const mapping = mapColumns(plan.table, plan.columns, header, {
    source: plan.source,
    fileName: plan.fileName,
    headerLine,
  });
  if (plan.headerZones !== false) applyHeaderZones(plan.table, mapping.columns);
  const { width, prepare } = compileRowPreparer(plan.table, mapping.columns, (source) => {
    if (source.constant !== undefined) {
      const constant = source.constant;
      return () => constant;
    }
    if (source.index === undefined) return () => null;
    const index = source.index;
    return (row) => (row as Cell[])[index] ?? null;
  }, { timeZone: plan.timeZone, date1904: read.date1904 });
  // A reject's place: leads.csv:2031, or orders.xlsx:Campaigns!7 (sheet and row number).
  const at = read.sheet === undefined ? `${plan.fileName}:` : `${plan.fileName}:${read.sheet}!`;
  const locate = (line: number) => `${at}${line}`;
  const record = (cells: Cell[]) => rejectRecord(header, cells, read.date1904);
  return {
    opened: {
      type: "opened",
      header,
      headerLine,
      mapped: mapping.columns.map(({ column, header, constant, timeZone, zoneUnread }) => ({
        column,
        header,
        constant,
        timeZone,
        zoneUnread,
      })),
      unusedHeaders: mapping.unusedHeaders,
    },
    prepare: (batch) => {
      const values: Stored[] = [];
      const rejects: PreparedReject[] = batch.broken.map((broken) => ({
        location: locate(broken.line),
        line: broken.line,
        problems: [{ column: null, value: null, reason: broken.reason }],
        record: record(broken.cells),
      }));
      let rows = 0;
      for (let i = 0; i < batch.rows.length; i++) {
        const cells = batch.rows[i]!;
        const problems = prepare(cells, values, rows * width);
        if (problems) {
          const line = batch.lines[i]!;
          rejects.push({ location: locate(line), line, problems, record: record(cells) });
          values.length = rows * width; // drop what the refused row left behind
        } else rows++;
      }
      if (batch.broken.length > 0) rejects.sort((a, b) => a.line - b.line);
      return {
        type: "batch",
        values,
        rows,
        read: batch.rows.length + batch.broken.length,
        rejects,
      };
    },
  };
}

/**
 * A rejected row as its reject records it (JSON): header → cell, every cell, also those of a
 * row longer than the header (the rejects file shows them all), and RECORD_KINDS; the
 * numbers of a 1904-date-system workbook (`date1904`) are marked so.
 */
export function rejectRecord(
  header: readonly string[],
  cells: readonly Cell[],
  date1904 = false,
): string {
  const entries: [string, unknown][] = header.map((name, i) => [
    name || `column ${i + 1}`,
    asRecorded(cells[i] ?? null),
  ]);
  for (let i = header.length; i < cells.length; i++) {
    entries.push([`column ${i + 1}`, asRecorded(cells[i] ?? null)]);
  }
  const kinds: Record<string, RecordKind> = {};
  cells.forEach((cell, i) => {
    const kind = cell instanceof PercentCell
      ? "percent"
      : cell instanceof Date
      ? "date"
      : date1904 && typeof cell === "number"
      ? "serial1904"
      : null;
    if (kind) kinds[entries[i]![0]] = kind;
  });
  if (Object.keys(kinds).length > 0) entries.push([RECORD_KINDS, kinds]);
  return JSON.stringify(Object.fromEntries(entries));
}

/**
 * A sheet's date as the sheet shows it (`2026-11-05`, `2026-11-05T14:30:00`), not as UTC
 * with a Z: a rejects file carries it, and it must load back as the same wall-clock time.
 */
function asRecorded(cell: Cell): Cell {
  if (!(cell instanceof Date)) return cell;
  const shown = parseDate(cell);
  return typeof shown === "string" ? shown : cell;
}

/** The clean rules a plan's columns use: source rules and table rules. */
export function rulesOfPlan(plan: FilePlan): CleanRuleSpec[] {
  return [
    ...Object.values(plan.columns ?? {}).flatMap((mapping) => mapping.clean),
    ...Object.values(plan.table.columns).flatMap((column) => column.clean),
  ];
}

/** The last message of a file: what its reader saw besides the rows. */
export function endOf(reader: LoadReader): Extract<PrepareMessage, { type: "end" }> {
  return {
    type: "end",
    stopped: reader.stopped,
    blankRows: reader.blankRows,
    ignoredCells: reader.ignoredCells,
    uncomputedFormulas: reader.uncomputedFormulas,
    footer: reader.footer,
    sha256: reader.sha256,
  };
}

/** Prepares a file's rows for loading, yielding batches of stored values and rejects. */
export async function* prepareFile(plan: FilePlan): AsyncGenerator<PrepareMessage> {
  await loadRuleLibraries(rulesOfPlan(plan));
  const reader = await openTable(plan);
  try {
    const { opened, prepare } = compileBatchPreparer(
      plan,
      reader.header,
      reader.headerLine,
      reader.info,
    );
    yield { ...opened, info: reader.info };
    for await (const batch of reader.rows()) yield prepare(batch);
    yield endOf(reader);
  } finally {
    reader.close();
  }
}
