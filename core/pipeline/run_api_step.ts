/**
 * One API step: page through the source, load every page's records in ONE transaction,
 * and — in that same transaction — remember how far an incremental source got, so the
 * next run asks only for what is newer. A failed step moves nothing forward.
 *
 * @module
 */
import type { ApiSource } from "../../config/plutus_config.ts";
import { newStepResult, type StepResult } from "../run/events.ts";
import { authSecrets, requestAuth } from "../read/api_pages.ts";
import { HttpClient } from "../read/http_client.ts";
import { loadStep, type StepContext } from "./load_step.ts";
import { type ApiProgress, prepareApi } from "./prepare_api.ts";

const INCREMENTAL = "incremental";

/** Runs one API source and reports how it ended; never throws for an API's fault. */
export async function runApiStep(context: StepContext, name: string): Promise<StepResult> {
  const { project, store, log } = context;
  const started = performance.now();
  const source = project.config.sources[name] as ApiSource;
  const table = project.tables.get(source.table)!;
  const mask = project.secrets;
  for (const secret of authSecrets(source.auth)) mask.add(secret);
  const input = mask.maskUrl(source.url);
  const result = newStepResult(name, input, { table: table.name, runId: context.runId });
  log.context = name;

  const stored = await store.getState(name, INCREMENTAL);
  const since = !source.incremental
    ? undefined
    : context.full || stored === undefined
    ? source.incremental.initial
    : JSON.parse(stored) as string | number;
  if (!context.dryRun) result.id = await store.startStep(context.runId, name, input, null);
  context.onStarted(result.id);
  log.info(
    `started: GET ${input} into table ${table.name}` +
      (source.incremental
        ? `, ${since === undefined ? "everything" : `${source.incremental.param}=${since}`}`
        : ""),
  );
  let requests = 0;
  let retries = 0;
  const client = new HttpClient({
    source: name,
    timeoutSeconds: source.timeout,
    retries: source.retries,
    rateLimit: source.rate_limit,
    ...requestAuth(source),
    mask,
    onRequest: () => requests++,
    onRetry: (message) => {
      retries++;
      log.warn(message);
    },
  });
  const progress: ApiProgress = { pages: 0, records: 0, missingPaths: [] };
  await loadStep(context, {
    source: name,
    table,
    kind: "response",
    messages: () =>
      prepareApi(
        {
          name,
          source,
          table,
          client,
          mask,
          since,
          timeZone: source.timezone ?? project.config.timezone,
        },
        progress,
      ),
    rejectLimit: source.reject_limit ?? project.config.reject_limit,
    emptyNote: "the API returned no records",
    beforeCommit: async (work) => {
      if (source.incremental && progress.newest !== undefined) {
        await work.setState(name, INCREMENTAL, JSON.stringify(progress.newest));
        log.info(`next run asks for ${source.incremental.param}=${progress.newest}`);
      }
    },
    started,
  }, result);
  const traffic = `${progress.pages} page(s), ${requests} request(s)${
    retries > 0 ? `, ${retries} retried` : ""
  }`;
  result.notes.unshift(traffic);
  log.context = name;
  log.info(traffic);
  if (progress.missingPaths.length > 0) {
    // a path may be written with a ${VAR} in it: masked like every text of the step
    result.notes.push(
      mask.mask(
        `no record of the first page has ${
          progress.missingPaths.join(", ")
        }: check the paths in columns`,
      ),
    );
  }
  return { ...result, durationMs: Math.round(performance.now() - started) };
}
