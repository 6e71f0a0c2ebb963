/**
 * How runs and steps look in the terminal: the one colour of each status, and the one step
 * table with its reject reasons — drawn alike by `plutus run`'s summary and `plutus status RUN`.
 *
 * @module
 */
import type { Status, StepSummary } from "../core/store/mod.ts";
import { describeReasonCount } from "../core/history/reject_summary.ts";
import { bold, count, green, red, table, yellow } from "./output.ts";

/** The colour of each status, the one map every command paints with. */
const STATUS_COLORS: Record<Status, (text: string) => string> = {
  succeeded: (text) => green(text),
  failed: (text) => red(text),
  interrupted: (text) => red(text),
  skipped: (text) => yellow(text),
  running: (text) => yellow(text),
};

/** A status in its colour (on stdout); a word outside the vocabulary stays plain. */
export function paintStatus(status: string): string {
  const color = STATUS_COLORS[status as Status] as ((text: string) => string) | undefined;
  return color ? color(status) : status;
}

/** What the step table shows of a step. */
export type StepRow = Pick<
  StepSummary,
  | "id"
  | "source"
  | "input"
  | "status"
  | "rowsRead"
  | "inserted"
  | "updated"
  | "duplicate"
  | "rejected"
>;

/**
 * The steps as a table: source, file, status and counts; with `ids`, the step's id first;
 * with `dryRun`, what would be inserted and updated.
 */
export function stepTable(
  steps: readonly StepRow[],
  options: { ids?: boolean; dryRun?: boolean; indent?: string; maxWidth?: number } = {},
): string {
  const inserted = options.dryRun ? "would insert" : "inserted";
  const updated = options.dryRun ? "would update" : "updated";
  const counts = ["read", inserted, updated, "duplicate", "rejected"];
  const id = options.ids ? ["step"] : [];
  return table(
    [...id, "source", "file", "status", ...counts],
    steps.map((step) => [
      ...(options.ids ? [String(step.id)] : []),
      step.source || "—",
      step.input,
      paintStatus(step.status),
      count(step.rowsRead),
      count(step.inserted),
      count(step.updated),
      count(step.duplicate),
      count(step.rejected),
    ]),
    { right: [...id, ...counts], indent: options.indent, maxWidth: options.maxWidth },
  );
}

/** "Rejected in FILE (N row(s); top reasons):" and a line per reason; none without reasons. */
export function rejectedReasons(
  input: string,
  step: Pick<StepSummary, "rejected" | "topReasons">,
): string[] {
  if (step.topReasons.length === 0) return [];
  return [
    `${bold(`Rejected in ${input}`)} (${count(step.rejected)} row(s); top reasons):`,
    ...step.topReasons.map(describeReasonCount),
  ];
}
