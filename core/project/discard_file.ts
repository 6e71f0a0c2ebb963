/**
 * Setting waiting files aside: `plutus discard`, the GUI's Discard button, and an upload
 * that replaces a file that failed. The file moves to archive/discarded/YYYY-MM-DD/ —
 * Plutus never deletes an input — and the move is a run of its own in the history, with a
 * log, so that where a file went can always be looked up.
 *
 * @module
 */
import { basename, dirname, join, resolve } from "node:path";
import { SecretMask } from "../../config/env.ts";
import { PlutusError, RunLockedError } from "../../util/errors.ts";
import { discardIntoArchive, isPlainName, type MakeRoom, scanInbox } from "./inbox.ts";
import { listSome } from "../../util/list_text.ts";
import { RunLog } from "../run/log_writer.ts";
import { localStamp } from "../../util/time.ts";
import type { ProjectPaths } from "./project_paths.ts";
import { newStepResult } from "../run/events.ts";
import { openDriver } from "../store/open_driver.ts";

/** A file set aside: its name in inbox/ and where it is now, relative to the project. */
export interface DiscardedFile {
  name: string;
  to: string;
}

/** How a discard was asked for, kept with its run. */
export interface DiscardOptions {
  trigger: "cli" | "gui";
  /** The command, as the history shows it: "discard leads.csv". */
  command: string;
  /** Why, for the history: "discarded by you" unless said. */
  reason?: string;
}

/**
 * Moves waiting files (plain names of entries in inbox/) to archive/discarded/DAY/ and
 * records the move as a run. Every name is checked before anything moves; throws a
 * PlutusError naming the first bad one, or RunLockedError while a run is loading.
 */
export async function discardWaiting(
  paths: ProjectPaths,
  names: readonly string[],
  options: DiscardOptions,
): Promise<{ runId: number; discarded: DiscardedFile[] }> {
  await checkWaiting(paths, names);
  const driver = openDriver(paths.database);
  const lock = await driver.tryLock(
    `${options.trigger === "gui" ? "the GUI" : "the command line"} (plutus ${options.command})`,
  );
  if (!lock) {
    throw new RunLockedError("a run is in progress, and files cannot be set aside while it loads", {
      hint: "Wait for it to finish (plutus status shows it), then try again.",
    });
  }
  const started = new Date();
  const day = localStamp(started).slice(0, 10);
  let store;
  try {
    store = await driver.openWriter();
  } catch (error) {
    await lock.release();
    throw error;
  }
  const discarded: DiscardedFile[] = [];
  let log: RunLog | undefined;
  try {
    // a run whose process died is told from this one first, as a run does (runPipeline)
    await store.markInterrupted();
    const runId = await store.startRun(options.trigger, options.command);
    log = RunLog.open(paths.logs, runId, started, new SecretMask());
    log.info(`run ${runId} started by ${options.trigger}: plutus ${options.command}`);
    for (const name of names) {
      const step = newStepResult("", name, { runId });
      step.id = await store.startStep(runId, "", name, null);
      try {
        const to = await discardIntoArchive(join(paths.inbox, name), paths.archive, day);
        const why = options.reason ?? "discarded by you";
        await store.finishStep({
          ...step,
          status: "skipped",
          error: `${why}: set aside in ${to}, not loaded`,
          archivedTo: to,
        });
        log.info(`${name}: ${why}: moved to ${to}`);
        discarded.push({ name, to });
      } catch (error) {
        const message = `could not be set aside: ${(error as Error).message}`;
        await store.finishStep({
          ...step,
          status: "failed",
          error: message,
          hint: "Check that archive/ is writable and the disk has space, then try again.",
        });
        log.error(`${name}: ${message}`);
        await store.finishRun(runId, "failed");
        throw new PlutusError(`inbox/${name} ${message}`, {
          code: "discard_failed",
          hint: "Check that archive/ is writable and the disk has space, then try again.",
          cause: error,
        });
      }
    }
    await store.finishRun(runId, "succeeded");
    return { runId, discarded };
  } finally {
    log?.close();
    await store.close();
    await lock.release();
  }
}

/** Throws for the first name that is not an entry waiting in inbox/. */
async function checkWaiting(paths: ProjectPaths, names: readonly string[]): Promise<void> {
  const { files, refused } = await scanInbox(paths.inbox);
  const waiting = new Set([...files, ...refused.map((entry) => entry.name)]);
  for (const name of names) {
    const undecodable = refused.find((entry) => entry.name === name && name.includes("\uFFFD"));
    if (undecodable) {
      // no file has the name as Plutus sees it: it cannot be moved by that name either
      throw new PlutusError(`${undecodable.reason}, nor set it aside`, {
        code: "undecodable_name",
        hint: undecodable.hint,
      });
    }
    if (waiting.has(name)) continue;
    const listed = [...waiting];
    throw new PlutusError(
      isPlainName(name)
        ? `no file named "${name}" is waiting in inbox/`
        : `"${name}" is not the name of a file in inbox/`,
      {
        code: "not_waiting",
        hint: listed.length > 0
          ? `Give the name of a waiting file (as plutus status or the Upload page lists it): ${
            listSome(listed, 10)
          }.`
          : "inbox/ has no files waiting.",
      },
    );
  }
}

/**
 * The name in inbox/ that a command-line argument means: a plain name, or a path to a
 * file directly inside inbox/ ("inbox/leads.csv", from the current folder or the
 * project's). Anything else is refused: a name never leads out of inbox/.
 */
export function inboxNameOf(paths: ProjectPaths, arg: string): string {
  if (isPlainName(arg)) return arg;
  for (const full of [resolve(arg), resolve(paths.root, arg)]) {
    if (dirname(full) === paths.inbox && isPlainName(basename(full))) return basename(full);
  }
  throw new PlutusError(`"${arg}" is not a file in inbox/`, {
    code: "not_waiting",
    hint: "Give the name of a file waiting in inbox/ (plutus discard leads.csv).",
  });
}

/** Whether the file waiting in inbox/ under `name` failed the last time a run read it. */
export async function hasFailed(paths: ProjectPaths, name: string): Promise<boolean> {
  const last = await openDriver(paths.database).readHistory((history) =>
    history.lastStep({ input: name }, { running: true })
  );
  return last?.status === "failed" || last?.status === "interrupted";
}

/**
 * What an upload calls before it claims its name: a file waiting under that name that
 * failed is set aside (into archive/discarded/, with a line in the history), so that the
 * fixed file takes its place instead of loading beside it as "name (2)". A waiting file
 * that never failed stays; the upload then gets the next free name. `replaced` collects
 * what was set aside, for the message.
 */
export function replaceFailedFile(
  paths: ProjectPaths,
  trigger: "cli" | "gui",
  replaced: DiscardedFile[],
): MakeRoom {
  return async (name) => {
    const waiting = await Deno.lstat(join(paths.inbox, name)).then(() => true, () => false);
    if (!waiting || !(await hasFailed(paths, name))) return;
    const { discarded } = await discardWaiting(paths, [name], {
      trigger,
      command: `upload ${name}`,
      reason: "replaced by a new upload of the same name",
    });
    replaced.push(...discarded);
  };
}
