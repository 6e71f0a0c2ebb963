/**
 * How a run looks in the terminal: a live row counter while a step reads (only on a
 * terminal), then one summary table with counts, errors, reject reasons and where to look.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { relative } from "node:path";
import type { RunEvent, RunListener, RunResult, StepResult } from "../core/run/events.ts";
import type { DatabaseLocation } from "../core/store/mod.ts";
import { openDriver } from "../core/store/open_driver.ts";
import type { Project } from "../core/project/project.ts";
import {
  bold,
  count,
  dim,
  duration,
  print,
  printErr,
  red,
  terminalText,
  writeAll,
  yellow,
} from "./output.ts";
import { paintStatus, rejectedReasons, stepTable } from "./step_table.ts";

/** A listener that draws a live counter on stderr when it is a terminal. */
export function progressListener(): RunListener {
  const live = Deno.stderr.isTerminal();
  let shown = false;
  const clear = () => {
    if (shown) writeAll(Deno.stderr, "\r\x1b[2K");
    shown = false;
  };
  return (event: RunEvent) => {
    if (!live) return;
    if (event.type === "step_started") {
      clear();
      writeAll(Deno.stderr, dim(terminalText(`  ${event.source}  ${event.input} …`, false), true));
      shown = true;
    } else if (event.type === "step_progress") {
      clear();
      const rate = event.elapsedMs > 0 ? (event.rowsRead / event.elapsedMs) * 1000 : 0;
      writeAll(
        Deno.stderr,
        dim(
          terminalText(
            `  ${event.source}  ${event.input}  ${count(event.rowsRead)} rows  ${
              count(Math.round(rate))
            } rows/s`,
            false,
          ),
          true,
        ),
      );
      shown = true;
    } else if (event.type === "step_finished" || event.type === "run_finished") clear();
  };
}

/**
 * Prints the end-of-run summary to stdout. With `only` (run --source), `otherFiles` counts
 * the files waiting in inbox/ that those sources do not read.
 */
export function printRunSummary(
  result: RunResult,
  project: Project,
  options: { only?: readonly string[]; otherFiles?: number } = {},
): void {
  const out: string[] = [];
  const title = result.dryRun ? "Dry run (nothing was changed)" : `Run ${result.id}`;
  const ok = result.steps.filter((step) => step.status === "succeeded").length;
  const failed = result.steps.filter((step) => step.status === "failed").length;
  const skipped = result.steps.filter((step) => step.status === "skipped").length;
  const others = options.otherFiles ?? 0;
  if (result.steps.length === 0 && options.only && others > 0) {
    // inbox/ is not empty: the files there are for other sources
    const names = options.only.join(", ");
    out.push(
      `${bold(title)}: nothing to load — no files for source${
        options.only.length > 1 ? "s" : ""
      } ${names} wait in inbox/ (${count(others)} other file(s) do).`,
    );
    out.push(dim(`Load those with: plutus run`));
  } else if (result.steps.length === 0) {
    out.push(
      `${bold(title)}: nothing to load — inbox/ has no files${result.dryRun ? "" : " waiting"}.`,
    );
    out.push(
      dim(`Put exports in ${relativePath(project.paths.inbox)}/ or use: plutus upload FILE`),
    );
  } else {
    const status = paintStatus(result.status === "failed" ? "failed" : "succeeded");
    const counts = result.dryRun
      ? `${ok} would load, ${failed} would fail, ${skipped} skipped`
      : `${ok} loaded, ${failed} failed, ${skipped} skipped`;
    out.push(
      `${bold(title)}${result.dryRun ? ":" : ` ${status}:`} ${counts} ${
        dim(`(${duration(result.durationMs)})`)
      }`,
    );

    out.push("");
    out.push(stepTable(result.steps, { dryRun: result.dryRun, indent: "  ", maxWidth: 52 }));
    for (const step of result.steps) out.push(...stepDetails(step));
  }
  for (const warning of result.warnings) out.push("", `${yellow("warning:")} ${warning}`);
  out.push("");
  out.push(dim(
    `Database: ${databaseText(project.paths.database, result.dryRun)}` +
      (result.logFile ? `   Log: ${relativePath(`${project.paths.root}/${result.logFile}`)}` : "") +
      `   Exports: ${relativePath(project.paths.exports)}/`,
  ));
  print(out.join("\n"));
}

function stepDetails(step: StepResult): string[] {
  const lines: string[] = [];
  // one line each: a line break in a file name is shown escaped, not followed
  const input = terminalText(step.input, false);
  const name = `${step.source ? `${step.source} ` : ""}${input}`;
  if (step.status === "failed" || (step.status === "skipped" && step.error)) {
    const label = step.status === "failed" ? red("error:") : yellow("skipped:");
    lines.push("", `${label} ${name}: ${terminalText(step.error ?? "", false)}`);
    if (step.hint) lines.push(`${yellow("hint:")} ${step.hint}`);
  }
  const reasons = rejectedReasons(input, step);
  if (reasons.length > 0 && lines.length === 0) lines.push("");
  lines.push(...reasons);
  for (const warning of step.warnings ?? []) {
    if (lines.length === 0) lines.push("");
    lines.push(`${yellow("warning:")} ${name}: ${warning}`);
  }
  if (step.notes.length > 0) {
    if (lines.length === 0) lines.push("");
    for (const note of step.notes) lines.push(dim(`note: ${input}: ${note}`));
  }
  return lines;
}

/** A path as the analyst will type it: relative to where they are, when that is shorter. */
export function relativePath(path: string): string {
  const rel = relative(Deno.cwd(), path);
  return rel === "" ? "." : rel.length < path.length ? rel : path;
}

/** Prints the events of a run that does not print its own summary, e.g. for scripts. */
export function printWarning(message: string): void {
  printErr(`${yellow("warning:", true)} ${message}`);
}

/** Where the data went: a file relative to here, or a server's URL without its password. */
function databaseText(location: DatabaseLocation, dryRun: boolean): string {
  if (location.kind !== "sqlite") return openDriver(location).label;
  // a dry run of a project without a database worked on an empty one in memory
  const none = dryRun && !existsSync(location.path) ? " (none yet: a dry run creates nothing)" : "";
  return `${relativePath(location.path)}${none}`;
}
