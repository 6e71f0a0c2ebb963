/**
 * One file step: fingerprint the file, skip it if its content was loaded before, load its
 * rows (one transaction, see load_step.ts), and only after the commit move the file to
 * archive/.
 *
 * @module
 */
import { errorMessage } from "../../config/errors.ts";
import type { FileSourceConfig } from "../../config/plutus_config.ts";
import type { StepResult } from "../events.ts";
import { archiveFile, sha256File } from "../inbox.ts";
import { loadStep, newStepResult, type StepContext, stepOutcome } from "./load_step.ts";
import type { PlannedFile } from "./plan_files.ts";
import type { FilePlan } from "./prepare_file.ts";
import { prepareRows } from "./prepare_in_worker.ts";

/** Runs one file step and reports how it ended; never throws for a bad file. */
export async function runFileStep(context: StepContext, file: PlannedFile): Promise<StepResult> {
  const { project, store, log } = context;
  const started = performance.now();
  const source = project.config.sources[file.source] as FileSourceConfig;
  const table = project.tables.get(source.table)!;
  const result = newStepResult(file.source, file.fileName, table.name);
  const finish = () => ({ ...result, durationMs: Math.round(performance.now() - started) });
  log.context = `${file.source} ${file.fileName}`;

  let checksum: string;
  let size: number;
  try {
    size = (await Deno.stat(file.path)).size;
    checksum = file.sha256 ?? await sha256File(file.path);
  } catch (error) {
    result.status = "failed";
    result.error = `cannot read ${file.fileName}: ${errorMessage(error)}`;
    result.hint = "Check that the file is still in inbox/ and readable.";
    log.error(result.error);
    return finish();
  }

  const loaded = context.force ? undefined : store.findLoaded(checksum);
  const loadedBefore = context.force ? undefined : context.dryLoaded.get(checksum);
  if (loaded || loadedBefore) {
    result.status = "skipped";
    result.error = loaded
      ? `already loaded: the same content was loaded as ${loaded.input} in run ${loaded.run_id}`
      : `already loaded: the same content would be loaded as ${loadedBefore} earlier in this run`;
    result.hint = "Nothing to do. To load it again anyway, use --force.";
    log.info(result.error);
    if (!context.dryRun) {
      result.id = store.startStep(context.runId, file.source, file.fileName, checksum);
      await moveToArchive(context, file, result);
      store.finishStep(result.id, stepOutcome(result));
    }
    return finish();
  }

  if (!context.dryRun) {
    result.id = store.startStep(context.runId, file.source, file.fileName, checksum);
  }
  context.onStarted(result.id);
  log.info(
    `started (${formatBytes(size)}, sha256 ${checksum.slice(0, 12)}…) into table ${table.name}`,
  );
  const plan: FilePlan = {
    source: file.source,
    path: file.path,
    fileName: file.fileName,
    table,
    columns: source.columns,
    csv: source.csv,
    sheet: source.sheet,
    skipLines: source.skip_lines,
    stopAt: source.stop_at,
  };
  const committed = await loadStep(context, {
    source: file.source,
    table,
    kind: "file",
    messages: () => prepareRows(plan, size),
    rejectLimit: source.reject_limit ?? project.config.reject_limit,
    emptyNote: "the file has a header but no data rows",
    started,
  }, result);
  if (committed && !context.dryRun) await moveToArchive(context, file, result);
  if (committed && context.dryRun) context.dryLoaded.set(checksum, file.fileName);
  return finish();
}

async function moveToArchive(
  context: StepContext,
  file: PlannedFile,
  result: StepResult,
): Promise<void> {
  try {
    result.archivedTo = await archiveFile(file.path, context.project.paths.archive, context.day);
    context.store.setArchivedTo(result.id, result.archivedTo);
    context.log.info(`moved to ${result.archivedTo}`);
  } catch (error) {
    // The rows are committed; the file only stays in inbox/, where its checksum makes the
    // next run skip it.
    const message = `loaded, but could not be moved to archive/: ${errorMessage(error)}`;
    result.notes.push(message);
    context.log.warn(message);
  }
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1 << 20) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1 << 20)).toFixed(1)} MB`;
}
