/**
 * Rejected rows in a form the analyst can fix: for each file of a run, the rows it
 * refused, with the file's own headers and values, and why. Written as CSV under
 * exports/rejects-run-N/ with the original file's name, so that once fixed in a
 * spreadsheet the file loads again through the same source.
 *
 * @module
 */
import { basename, extname, join } from "node:path";
import { csvLine } from "./export/csv_text.ts";
import type { RunHistory, StoredReject } from "./store/run_history.ts";

/** The rejected rows of one step: one entry per row, with all its problems. */
export interface RejectedRow {
  location: string;
  line: number | null;
  /** The row as read: header → value. */
  record: Record<string, unknown>;
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
export function rejectsOfRun(history: RunHistory, runId: number, rows?: number): StepRejects[] {
  const out: StepRejects[] = [];
  for (const step of history.steps(runId)) {
    if (step.rows_rejected === 0) continue;
    out.push({
      stepId: step.id,
      source: step.source,
      input: step.input,
      status: step.status,
      rowsRejected: step.rows_rejected,
      rows: groupRows(
        rows === undefined
          ? history.rejects(runId, { stepId: step.id })
          : history.firstRejects(step.id, rows),
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
      row = {
        location: reject.location,
        line: reject.line,
        record: parseRecord(reject.record),
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
    return text ? JSON.parse(text) : {};
  } catch {
    return {};
  }
}

/** One line of reasons: `email: "x" is not an email address; stage: …`. */
export function describeProblems(row: RejectedRow): string {
  return row.problems.map((p) => (p.column ? `${p.column}: ${p.reason}` : p.reason)).join("; ");
}

/**
 * Writes one CSV per file into `dir`: the file's headers, then `reject_reason` and
 * `reject_location`. Returns the paths written.
 */
export async function writeRejectFiles(
  steps: StepRejects[],
  dir: string,
): Promise<{ path: string; rows: number }[]> {
  await Deno.mkdir(dir, { recursive: true });
  const written: { path: string; rows: number }[] = [];
  for (const step of steps) {
    if (step.rows.length === 0) continue;
    const headers = [...new Set(step.rows.flatMap((row) => Object.keys(row.record)))];
    let text = csvLine([...headers, "reject_reason", "reject_location"], true);
    for (const row of step.rows) {
      text += csvLine([
        ...headers.map((header) => row.record[header] ?? null),
        describeProblems(row),
        row.location,
      ], true);
    }
    const name = `${basename(step.input, extname(step.input))}.csv`;
    const path = join(dir, name);
    await Deno.writeTextFile(path, text);
    written.push({ path, rows: step.rows.length });
  }
  return written;
}
