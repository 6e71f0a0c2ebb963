/**
 * The Run page (a Run button, the live status, the recent runs) and the page of one run
 * (its steps, errors, rejected rows and log, and a rerun of what failed).
 *
 * @module
 */
import type { Hono } from "hono";
import { html } from "hono/html";
import { attachment } from "../attachment.ts";
import { zipFiles } from "../../core/export/zip_writer.ts";
import { isPlainName } from "../../core/project/inbox.ts";
import { canRerun, planRerun } from "../../core/pipeline/rerun_plan.ts";
import { recoverInterruptedRuns } from "../../core/run/recover_runs.ts";
import {
  type OpenProblems,
  openProblems,
  stepResolutionDetails,
  stepResolutions,
} from "../../core/history/open_problems.ts";
import type { Project } from "../../core/project/project.ts";
import { checkFileSourceName, checkSourceNames } from "../../core/project/source_names.ts";
import {
  locateProject,
  type ProjectPaths,
  projectPaths,
} from "../../core/project/project_paths.ts";
import {
  describeProblems,
  rejectsFiles,
  rejectsOfRun,
  shownValue,
} from "../../core/history/rejects_export.ts";
import { rejectsAdvice } from "../../core/history/rejects_advice.ts";
import { describeReasonCount } from "../../core/history/reject_summary.ts";
import { findRunLog, readLogExcerpt } from "../../core/run/log_reader.ts";
import type { DatabaseLocation } from "../../core/store/mod.ts";
import { openDriver } from "../../core/store/open_driver.ts";
import { described, type Gui, type GuiEnv, pageApp } from "../gui_context.ts";
import { count, csrfField, type Html, local, page, statusBox, withCode } from "../layout.ts";
import { statusBadge } from "../status_colors.ts";

/** A long log shows its start and its end inline (whole lines); the download has it all. */
const LOG_HEAD_BYTES = 50_000;
const LOG_TAIL_BYTES = 10_000;
/** Rejected rows shown per step; the CSV download has them all. */

const REJECTS_SHOWN = 100;

const COUNT_HEADERS = html`
  <th class="n">Read</th>
  <th class="n">Inserted</th>
  <th class="n">Updated</th>
  <th class="n">Duplicate</th>
  <th class="n">Rejected</th>
`;

interface RowCounts {
  rowsRead: number;
  inserted: number;
  updated: number;
  duplicate: number;
  rejected: number;
}

function countCells(counts: RowCounts) {
  return html`
    <td class="n">${count(counts.rowsRead)}</td>
    <td class="n">${count(counts.inserted)}</td>
    <td class="n">${count(counts.updated)}</td>
    <td class="n">${count(counts.duplicate)}</td>
    <td class="n">${count(counts.rejected)}</td>
  `;
}

/** How often a page showing a run this GUI does not follow live loads itself again. */
const OUTSIDE_RUN_REFRESH_S = 3;

/**
 * Whether a run that this GUI did not start is going (the command line's): the live
 * status box follows only the GUI's own runs, so the page loads again until it ends.
 */
function outsideRunGoing(gui: Gui, runs: readonly { status: string }[]): boolean {
  return gui.broadcaster.status.state !== "running" && runs.some((run) => run.status === "running");
}

/** GET / and POST /run, and the pages of one run: its log, its rejects, its rerun. */
export function runPages(): Hono<GuiEnv> {
  const app = pageApp();
  app.get("/", async (c) => {
    const gui = c.var.gui;
    const csrf = gui.secrets.csrf;
    // A project that does not open still has its runs: the page shows them, and why.
    const { project, configError, paths } = await projectOrPaths(gui);
    const sources = project
      ? [...Object.keys(project.config.sources), ...project.brokenSources.keys()]
      : [];
    if (gui.broadcaster.status.state !== "running") await recoverInterruptedRuns(paths);
    const runs = await listRuns(paths.database, project);
    const problems = await openProblems(paths, { project, configError });
    const flash = c.req.query("error");
    return c.html(page({
      title: "Run",
      path: "/",
      csrf,
      error: flash,
      refreshSeconds: outsideRunGoing(gui, runs) ? OUTSIDE_RUN_REFRESH_S : undefined,
      body: html`
        <h1>Run</h1>
        ${problemsSection(problems, csrf)}
        <section>
          <form method="post" action="/run" class="row">${csrfField(csrf)}
        <div><label for="source">What to load</label>
        <select id="source" name="source"><option value="">Everything: API sources and the files in inbox/</option>${sources
          .map((name) => html`<option value="${name}">Only ${name}</option>`)}</select></div>
        <div><button type="submit" id="run-button">Run pipeline</button></div>
          </form>
        </section>
        ${statusBox(gui.broadcaster.status, true)}
        <h2>Recent runs</h2>
        ${runs.length === 0 ? html`<p class="hint">No runs yet.</p>` : html`
          <div class="scroll">
            <table>
              <thead>
                <tr>
                  <th>Run</th>
                  <th>Started</th>
                  <th>Status</th>
                  <th>By</th>
                  <th class="n">Steps</th>
                  ${COUNT_HEADERS}
                </tr>
              </thead>
              <tbody>${runs.map((run) =>
                html`
                  <tr>
                    <td><a href="/runs/${run.id}">${run.id}</a></td>
                    <td>${local(run.startedAt)}</td>
                    <td>${statusBadge(run.status)}${run.resolvedBy
                      ? html`
                        <span class="muted">resolved by <a href="/runs/${run
                          .resolvedBy}">run ${run.resolvedBy}</a></span>
                      `
                      : ""}</td>
                    <td>${run.trigger}</td>
                    <td class="n">${run.steps}</td>
                    ${countCells(run)}
                  </tr>
                `
              )}</tbody>
            </table>
          </div>
        `}
      `,
    }));
  });

  app.post("/run", async (c) => {
    const gui = c.var.gui;
    const body = await c.req.parseBody({ all: true });
    const source = typeof body.source === "string" && body.source !== "" ? body.source : undefined;
    const files = ([] as unknown[]).concat(body.files ?? []).filter((f): f is string =>
      typeof f === "string"
    );
    const wantsJson = c.req.header("x-csrf-token") !== undefined;
    // A file is named by its name in inbox/, never by a path.
    const bad = files.find((name) => !isPlainName(name));
    if (bad !== undefined) {
      const error = `"${bad}" is not the name of a file in inbox/.`;
      return wantsJson
        ? c.json({ error }, 400)
        : c.redirect(`/?error=${encodeURIComponent(error)}`, 303);
    }
    // a source named that plutus.yaml does not have is refused as the CLI refuses it
    const unknown = await unknownSource(gui, source, files.length > 0);
    if (unknown) {
      return wantsJson ? c.json(unknown, 400) : c.redirect(
        `/?error=${encodeURIComponent(`${unknown.error} — ${unknown.hint}`)}`,
        303,
      );
    }
    const result = await gui.startRun({
      command: files.length > 0
        ? `upload ${files.join(" ")}`
        : source
        ? `run --source ${source}`
        : "run",
      files: files.length > 0
        ? files.map((name) => ({ name, source, sha256: takeUploaded(gui, name) }))
        : undefined,
      sources: files.length === 0 && source ? [source] : undefined,
    });
    if (wantsJson) return c.json(result, result.error ? 409 : 200);
    if (result.error) {
      return c.redirect(
        `/?error=${encodeURIComponent(`${result.error}${result.hint ? ` — ${result.hint}` : ""}`)}`,
        303,
      );
    }
    return c.redirect("/", 303);
  });

  app.get("/runs/:id{[0-9]+}", async (c) => {
    const gui = c.var.gui;
    const runId = Number(c.req.param("id"));
    const { project, paths } = await projectOrPaths(gui);
    // a "running" run whose process is gone is said as interrupted, as on the Run page
    if (gui.broadcaster.status.state !== "running") await recoverInterruptedRuns(paths);
    const found = await openDriver(paths.database).readHistory(async (history) => {
      const run = await history.run(runId);
      if (!run) return undefined;
      const recorded = await history.steps(runId);
      const resolutions = await stepResolutionDetails(history, recorded, project);
      const steps = [];
      for (const s of recorded) {
        steps.push({
          ...s,
          reasons: await history.topReasons(s.id),
          resolvedBy: resolutions.get(s.id)?.runId,
          setAsideBy: resolutions.get(s.id)?.setAsideBy,
        });
      }
      return { run, steps, rejects: await rejectsOfRun(history, runId, REJECTS_SHOWN) };
    });
    if (!found) return c.text(`There is no run ${runId}.`, 404);
    const { run, steps, rejects } = found;
    const logPath = await findRunLog(paths.logs, runId);
    const { text: log, cutLines } = logPath
      ? await readLogExcerpt(logPath, LOG_HEAD_BYTES, LOG_TAIL_BYTES)
      : { text: "", cutLines: 0 };
    // the button only where a rerun has something to do (not once a later run loaded it all)
    let failed = false;
    const going = run.status === "running";
    try {
      // nothing to rerun of a run still going
      failed = !going && project !== undefined && canRerun(await planRerun(project, runId));
    } catch {
      // no rerun to offer
    }
    const csrf = gui.secrets.csrf;
    const rejectRows = rejects.flatMap((step) => step.rows.map((row) => ({ step, row })));
    const rejectedInAll = rejects.reduce((sum, step) => sum + step.rowsRejected, 0);
    // the same advice as plutus rejects --csv: a file that failed as a whole is fixed itself
    const advice = rejectsAdvice(
      rejects.map((step) => ({
        ...step,
        resolved: steps.some((s) => s.id === step.stepId && s.resolvedBy !== undefined),
      })),
      runId,
    );
    return c.html(page({
      title: `Run ${runId}`,
      path: "/runs",
      csrf,
      error: c.req.query("error"),
      // its steps and log as they come, and its end
      refreshSeconds: going ? OUTSIDE_RUN_REFRESH_S : undefined,
      body: html`
        <h1>Run ${run.id} ${statusBadge(run.status)}</h1>
        <p class="hint"><code>plutus ${run.command ?? "run"}</code> from the ${run.trigger === "gui"
          ? "GUI"
          : "command line"}, ${local(run.startedAt)} to ${local(run.finishedAt ?? null)}</p>
        ${failed
          ? html`
            <form method="post"
              action="/runs/${run.id}/rerun">${csrfField(
                csrf,
              )}<button type="submit">Rerun failed steps</button></form>
          `
          : ""}
        <h2>Steps</h2>
        <div class="scroll">
          <table>
            <thead>
              <tr>
                <th>Source</th>
                <th>Input</th>
                <th>Status</th>
                ${COUNT_HEADERS}
              </tr>
            </thead>
            <tbody>${steps.map((step) =>
              html`
                <tr>
                  <td>${step.source || "—"}</td>
                  <td>${step.input}${step.archivedTo
                    ? html`<div class="muted">→ ${step.archivedTo}</div>`
                    : ""}</td>
                  <td>${statusBadge(step.status)}</td>
                  ${countCells(step)}
                </tr>
                ${step.error || step.reasons.length > 0 || step.warnings.length > 0
                  ? html`
                    <tr>
                      <td></td>
                      <td colspan="7">${step.warnings.map((w) =>
                        html`<div class="warning"><strong>Warning:</strong> ${w}</div>`
                      )}${step.error
                        ? html`<div><strong>${withCode(step.error)}</strong></div>`
                        : ""}${step.resolvedBy !== undefined
                        ? html`
                          <div class="resolved">${step.setAsideBy
                            ? "Set aside by"
                            : "Resolved by"} <a href="/runs/${step.resolvedBy}">run ${step
                            .resolvedBy}</a>${step.setAsideBy
                            ? ` (${step.setAsideBy}).`
                            : ", which loaded it since."}</div>
                        `
                        : step.hint
                        ? html`<div class="hint">${withCode(step.hint)}</div>`
                        : ""}${step
                        .reasons.map((r) =>
                          html`<div class="mono">${describeReasonCount(r).trim()}</div>`
                        )}</td>
                    </tr>
                  `
                  : ""}
              `
            )}</tbody>
          </table>
        </div>
        ${rejectRows.length > 0
          ? html`
            <h2>Rejected rows</h2>
            <p><a class="button quiet" id="download-rejects" href="/runs/${run
              .id}/rejects">Download rejected rows (${rejects.length > 1
              ? "ZIP of CSV files"
              : "CSV"})</a></p>
            ${advice.uploadFixed.length > 0
              ? html`
                <p class="hint">${advice.uploadFixed.length < rejects.length
                  ? `The rows of ${advice.uploadFixed.join(", ")}: f`
                  : "F"}ix the values in a spreadsheet, keep the _reason, _location and _source
                  columns, save as CSV, and upload the file again: it is read with its source.
                  Delete a row to leave it out.</p>
              `
              : ""}${advice.failedWhole.map((warning) =>
                html`<p class="warning"><strong>Warning:</strong> ${withCode(warning)}</p>`
              )}
            ${rejectRows.length < rejectedInAll
              ? html`
                <p
                  class="hint">Showing the first ${count(rejectRows.length)} of ${count(
                    rejectedInAll,
                  )} rejected rows; download the CSV for the rest.</p>
              `
              : ""}
            <div class="scroll">
              <table>
                <thead>
                  <tr>
                    <th>Where</th>
                    <th>Why</th>
                    <th>Values</th>
                  </tr>
                </thead>
                <tbody>${rejectRows.map(({ row }) =>
                  html`
                    <tr>
                      <td class="mono">${row.location}</td>
                      <td>${describeProblems(row)}</td>
                      <td class="mono">${Object.entries(row.record).map(([k, v]) =>
                        `${k}=${shownValue(v)}`
                      ).join(" | ")}</td>
                    </tr>
                  `
                )}</tbody>
              </table>
            </div>
          `
          : ""}
        <h2>Log</h2>
        ${logPath
          ? html`
            <p><a class="button quiet" href="/runs/${run
              .id}/log" download>Download the log</a>${cutLines
              ? html`
                <span class="muted">(${count(cutLines)} lines in the middle are not shown)</span>
              `
              : ""}</p>
            <pre id="log">${log}</pre>
          `
          : html`<p class="hint">This run has no log file.</p>`}
      `,
    }));
  });

  app.get("/runs/:id{[0-9]+}/log", async (c) => {
    const gui = c.var.gui;
    const project = await gui.project();
    const path = await findRunLog(project.paths.logs, Number(c.req.param("id")));
    if (!path) return c.text("This run has no log file.", 404);
    const file = await Deno.open(path);
    return c.body(file.readable, 200, {
      "Content-Type": "text/plain; charset=utf-8",
      "Content-Disposition": attachment(path.split(/[\\/]/).pop()!),
    });
  });

  // The rejects files of a run, as `plutus rejects --csv` writes them: one CSV, or a ZIP
  // of one CSV per file when the run rejected rows of several.
  app.get("/runs/:id{[0-9]+}/rejects", async (c) => {
    const gui = c.var.gui;
    const runId = Number(c.req.param("id"));
    const project = await gui.project();
    const steps = await openDriver(project.paths.database).readHistory((history) =>
      rejectsOfRun(history, runId)
    ) ?? [];
    const files = rejectsFiles(steps, runId, {
      sources: project.config.sources,
      tables: project.tables,
      timeZone: project.config.timezone,
    });
    if (files.length === 0) {
      return c.text(`Run ${runId} rejected no rows.`, 404);
    }
    if (files.length === 1) {
      return c.body(files[0]!.text, 200, {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": attachment(files[0]!.name),
      });
    }
    const zip = zipFiles(files.map((file) => ({
      name: file.name,
      data: new TextEncoder().encode(file.text),
    })));
    return c.body(zip, 200, {
      "Content-Type": "application/zip",
      "Content-Disposition": attachment(`rejects-run-${runId}.zip`),
    });
  });

  app.post("/runs/:id{[0-9]+}/rerun", async (c) => {
    const gui = c.var.gui;
    const runId = Number(c.req.param("id"));
    let result: { error?: string; hint?: string };
    try {
      const plan = await planRerun(await gui.project(), runId);
      result = !canRerun(plan)
        ? {
          error: plan.resolved.length > 0 && plan.gone.length === 0
            ? `Run ${runId}'s failed steps were put right by run ${
              Math.max(...plan.resolved.map((r) => r.byRun))
            } since: nothing to rerun.`
            : `Run ${runId} has no failed steps whose files are still in inbox/.`,
        }
        : await gui.startRun({
          command: `rerun ${runId}`,
          files: plan.files,
          apis: plan.apis,
          full: plan.full,
          rerunOf: runId,
        });
    } catch (error) {
      result = described(error);
    }
    if (result.error) {
      return c.redirect(`/runs/${runId}?error=${encodeURIComponent(result.error)}`, 303);
    }
    return c.redirect("/", 303);
  });
  return app;
}

/** The checksum of a file this GUI just received, once: a later run reads it afresh. */
function takeUploaded(gui: Gui, name: string): string | undefined {
  const sha256 = gui.uploaded.get(name);
  gui.uploaded.delete(name);
  return sha256;
}

/**
 * Why `source` cannot be asked for (as `run --source`, or `upload --source` with `files`),
 * or undefined. A project that does not open is left to the run, which reports it.
 */
async function unknownSource(
  gui: Gui,
  source: string | undefined,
  files: boolean,
): Promise<{ error: string; hint?: string } | undefined> {
  if (source === undefined) return undefined;
  const project = await gui.project().catch(() => undefined);
  try {
    if (project && files) checkFileSourceName(project, source);
    else if (project) checkSourceNames(project, [source]);
    return undefined;
  } catch (error) {
    return described(error);
  }
}

/** The runs, each failed one with the run that put all its failures right, if any. */
async function listRuns(database: DatabaseLocation, project?: Project) {
  return await openDriver(database).readHistory(async (history) => {
    const runs = [];
    for (const run of await history.listRuns(20)) {
      if (run.failedSteps === 0) {
        runs.push({ ...run, resolvedBy: undefined });
        continue;
      }
      const failed = (await history.steps(run.id)).filter((step) =>
        step.status === "failed" || step.status === "interrupted"
      );
      const resolutions = await stepResolutions(history, failed, project);
      const all = failed.length > 0 && failed.every((step) => resolutions.has(step.id));
      runs.push({ ...run, resolvedBy: all ? Math.max(...resolutions.values()) : undefined });
    }
    return runs;
  }) ?? [];
}

/** The project, or — when it does not open — the error and where its files are all the same. */
async function projectOrPaths(
  gui: Gui,
): Promise<{ project?: Project; configError?: unknown; paths: ProjectPaths }> {
  try {
    const project = await gui.project();
    return { project, paths: project.paths };
  } catch (error) {
    const paths = await locateProject(gui.root).catch(() => projectPaths(gui.root));
    return { configError: error, paths };
  }
}

/** "What is wrong now": each open problem with its hint and what retries it. */
function problemsSection({ problems, waiting }: OpenProblems, csrf: string): Html {
  const waitingLine = waiting.length > 0
    ? html`
      <p
        class="hint">${count(waiting.length)} file(s) wait in inbox/ (${waiting.slice(0, 3)
          .join(", ")}${waiting.length > 3 ? ", …" : ""}): Run pipeline loads them.</p>
    `
    : "";
  if (problems.length === 0) {
    return html`
      <section class="problems" id="open-problems" data-count="0">
        <div class="ok-line">Nothing is wrong now: no open problems.</div>${waitingLine}
      </section>
    `;
  }
  return html`
    <section class="problems" id="open-problems" data-count="${problems.length}">
      <h2>What is wrong now (${problems.length})</h2>
      <ul>${problems.map((problem) =>
        html`
          <li>
            <strong>${problem.subject}</strong>${problem.runId !== undefined
              ? html`
                <span class="muted">${problem.runStatus ?? "failed"} in <a href="/runs/${problem
                  .runId}">run ${problem.runId}</a></span>
              `
              : ""}
            <div>${withCode(problem.error)}</div>
            ${problem.hint ? html`<div class="hint">${withCode(problem.hint)}</div>` : ""}
            ${problem.rerunOf !== undefined
              ? html`
                <form method="post"
                  action="/runs/${problem.rerunOf}/rerun">${csrfField(
                    csrf,
                  )}<button type="submit" class="quiet">Rerun run ${problem.rerunOf}</button></form>
              `
              : problem.subject.startsWith("inbox/")
              ? html`<div class="muted">Once fixed: Run pipeline (or <code>${problem.retry}</code>).</div>`
              : html`
                <div
                  class="muted">Once fixed: <a href="/sources">Sources &amp; keys</a> or plutus.yaml, then ${withCode(
                    problem.retry,
                  )}.</div>
              `}
          </li>
        `
      )}</ul>${waitingLine}
    </section>
  `;
}
