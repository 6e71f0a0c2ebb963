/**
 * Rejected rows in a form the analyst can fix: for each file (or API source) of a run,
 * the rows it refused, with the source's own columns and values, and why. Written as CSV
 * under exports/rejects-run-N/ (or downloaded from the GUI), so that once fixed in a
 * spreadsheet the file loads again through the same source (see rejects_format.ts).
 *
 * @module
 */
import { basename, extname, join } from "node:path";
import type { SourceConfig } from "../../config/plutus_config.ts";
import type { TableSchema } from "../../config/table_schema.ts";
import { csvLine } from "../export/csv_text.ts";
import { RECORD_KINDS, type RecordKind } from "../transform/cell.ts";
import { RejectsCellWriter } from "./rejects_cells.ts";
import { getPath } from "../read/dot_path.ts";
import { exactNumberText, parseJsonExact } from "../read/exact_json.ts";
import { MARKER_COLUMNS, neutralizeFormula, rejectsFileName } from "./rejects_format.ts";
import type { RunHistory, StoredReject } from "../store/mod.ts";

/** The rejected rows of one step: one entry per row, with all its problems. */
export interface RejectedRow {
  location: string;
  line: number | null;
  /** The row as read: header → value. */
  record: Record<string, unknown>;
  /** The headers whose cells were a percentage or a date (see RECORD_KINDS). */
  kinds: Record<string, RecordKind>;
  problems: { column: string | null; value: string | null; reason: string }[];
}

/** The rejects of one file of a run. */
export interface StepRejects {
  stepId: number;
  source: string;
  input: string;
  status: string;
  rowsRejected: number;
  rows: RejectedRow[];
}

/** Groups a run's stored rejects by step and by row: all, or the first `rows` of each step. */
export async function rejectsOfRun(
  history: RunHistory,
  runId: number,
  rows?: number,
): Promise<StepRejects[]> {
  const out: StepRejects[] = [];
  for (const step of await history.steps(runId)) {
    if (step.rejected === 0) continue;
    out.push({
      stepId: step.id,
      source: step.source,
      input: step.input,
      status: step.status,
      rowsRejected: step.rejected,
      rows: groupRows(
        rows === undefined
          ? await history.rejects(runId, { stepId: step.id })
          : await history.firstRejects(step.id, rows),
      ),
    });
  }
  return out;
}

function groupRows(rejects: StoredReject[]): RejectedRow[] {
  const rows = new Map<string, RejectedRow>();
  for (const reject of rejects) {
    let row = rows.get(reject.location);
    if (!row) {
      const { [RECORD_KINDS]: kinds, ...record } = parseRecord(reject.record);
      row = {
        location: reject.location,
        line: reject.line,
        record,
        kinds: (kinds ?? {}) as Record<string, RecordKind>,
        problems: [],
      };
      rows.set(reject.location, row);
    }
    row.problems.push({ column: reject.column_name, value: reject.value, reason: reject.reason });
  }
  return [...rows.values()];
}

function parseRecord(text: string | null): Record<string, unknown> {
  try {
    // an API record's 19-digit ids are written whole; read them back whole
    return text ? parseJsonExact(text) as Record<string, unknown> : {};
  } catch {
    return {};
  }
}

/**
 * A value of a rejected row as the screens show it: an API's 19-digit id as its digits (it
 * is kept as a raw JSON value, which String() refuses), an object as its JSON.
 */
export function shownValue(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value !== "object") return String(value);
  return exactNumberText(value) ?? JSON.stringify(value);
}

/** One line of reasons: `email: "x" is not an email address; stage: …`. */
export function describeProblems(row: RejectedRow): string {
  return row.problems.map((p) => (p.column ? `${p.column}: ${p.reason}` : p.reason)).join("; ");
}

/** What a source's rejects file is made from: the source's config and its table, if known. */
export interface RejectsContext {
  sources?: Record<string, SourceConfig>;
  tables?: ReadonlyMap<string, TableSchema>;
  /** The project's `timezone:`, which the rejects file will be read in. */
  timeZone?: string;
}

/** One rejects file, ready to write or to download. */
export interface RejectsFile {
  /** `leads.rejects-run-16.csv`: the file's (or the API source's) name, the run. */
  name: string;
  /** UTF-8 CSV text, with a byte order mark so that spreadsheets read accents right. */
  text: string;
  rows: number;
  source: string;
}

/**
 * The rejects files of a run, one per step (format in rejects_format.ts): the source's own
 * columns — a file's headers; for an API source, the table columns its mapping fills,
 * read from each record — then `_reason`, `_location` and `_source`.
 */
export function rejectsFiles(
  steps: readonly StepRejects[],
  runId: number,
  context: RejectsContext = {},
): RejectsFile[] {
  const files: RejectsFile[] = [];
  const taken = new Set<string>();
  for (const step of steps) {
    if (step.rows.length === 0) continue;
    const source = context.sources?.[step.source];
    const table = source ? context.tables?.get(source.table) : undefined;
    const api = source?.kind === "api" && table ? apiColumns(source, table) : undefined;
    const records = step.rows.map((row) =>
      api ? Object.fromEntries(api.map(([column, get]) => [column, get(row.record)])) : row.record
    );
    const headers = [...new Set(records.flatMap((record) => Object.keys(record)))];
    const cells = source && table
      ? new RejectsCellWriter(source, table, headers, context.timeZone)
      : undefined;
    let text = "\uFEFF" + csvLine([...headers, ...MARKER_COLUMNS], true);
    step.rows.forEach((row, i) => {
      const unsure: string[] = [];
      const values = headers.map((header) => {
        const value = records[i]![header];
        if (!cells) return value;
        const written = cells.cell(header, value, row.kinds[header]);
        if (written.unsure) unsure.push(header);
        return written.value;
      });
      // said, not hidden: a cell no text can carry to every column it fills as it was
      const check = unsure.map((header) =>
        `; check ${
          JSON.stringify(header)
        }: the columns it fills read this text otherwise than its cell`
      ).join("");
      text += csvLine(
        [...values, describeProblems(row) + check, row.location, step.source].map(cellText),
        true,
      );
    });
    const stem = source?.kind === "api" || /^https?:/i.test(step.input)
      ? step.source
      : basename(step.input, extname(step.input)).replace(/\.rejects-run-\d+$/, "");
    let name = rejectsFileName(stem, runId);
    for (let n = 2; taken.has(name); n++) name = rejectsFileName(`${stem}-${n}`, runId);
    taken.add(name);
    files.push({ name, text, rows: step.rows.length, source: step.source });
  }
  return files;
}

/** For an API source: each table column its mapping reads, with how to read it from a record. */
function apiColumns(
  source: Extract<SourceConfig, { kind: "api" }>,
  table: TableSchema,
): [string, (record: Record<string, unknown>) => unknown][] {
  return Object.keys(table.columns).flatMap((column) => {
    const mapping = source.columns?.[column];
    if (mapping?.value !== undefined) return []; // a constant: the source sets it again
    const paths = mapping?.from ?? [column];
    return [[column, (record) => {
      for (const path of paths) {
        const value = getPath(record, path);
        if (value !== undefined) return value;
      }
      return null;
    }]];
  });
}

/** A value as text in a rejects file: objects as JSON, formulas neutralised. */
function cellText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return neutralizeFormula(typeof value === "object" ? JSON.stringify(value) : String(value));
}

/** Writes a run's rejects files into `dir`. Returns the paths written. */
export async function writeRejectFiles(
  files: readonly RejectsFile[],
  dir: string,
): Promise<{ path: string; rows: number }[]> {
  await Deno.mkdir(dir, { recursive: true });
  const written: { path: string; rows: number }[] = [];
  for (const file of files) {
    const path = join(dir, file.name);
    await Deno.writeTextFile(path, file.text);
    written.push({ path, rows: file.rows });
  }
  return written;
}
