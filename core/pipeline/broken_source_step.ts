/**
 * The step of a source set aside for a problem of its own configuration (a `${VAR}`
 * without a value, a bad URL, an unknown table): it fails with that problem and its hint,
 * reads nothing, and leaves its file in inbox/, while the other sources run.
 *
 * @module
 */
import { newStepResult, type StepResult } from "../run/events.ts";
import { brokenReadsFiles, type Project } from "../project/project.ts";
import { maskStep, type StepContext } from "./load_step.ts";

/** Records the failed step of broken source `name` for `input` (its URL, or a file). */
export async function runBrokenSourceStep(
  context: StepContext,
  name: string,
  input: string,
): Promise<StepResult> {
  const { store, log } = context;
  const broken = context.project.brokenSources.get(name)!;
  const result = newStepResult(name, input, { runId: context.runId, status: "failed" });
  result.error = context.project.secrets.mask(
    `source ${name} cannot run as configured: ${broken.error.message.split("\n").join("; ")}`,
  );
  result.hint = broken.error.hint;
  // a file's step keeps its --force, for its retry once the source is fixed
  if (context.force && brokenReadsFiles(broken)) result.forced = true;
  if (!context.dryRun) {
    result.id = await store.startStep(context.runId, name, input, null);
    await store.finishStep(maskStep(result, context.project.secrets));
  }
  context.onStarted(result.id);
  log.context = input === name ? name : `${name} ${input}`;
  log.error(`failed: ${result.error}${result.hint ? ` (${result.hint})` : ""}`);
  return result;
}

/** The broken sources a run asks like API sources: all but those that read files. */
export function brokenApiNames(project: Project): string[] {
  return [...project.brokenSources].filter(([, source]) => !brokenReadsFiles(source)).map((
    [name],
  ) => name);
}
