/**
 * Runs whose process died (killed, power cut) stay "running" in the database. When nobody
 * holds the run lock, no run can be alive: mark them interrupted so status tells the truth.
 *
 * @module
 */
import type { ProjectPaths } from "../project/project_paths.ts";
import { openDriver } from "../store/open_driver.ts";
import { explainIoError } from "../../util/io_errors.ts";

/** Marks dead runs as interrupted; returns their ids. Does nothing while a run is alive. */
export async function recoverInterruptedRuns(paths: ProjectPaths): Promise<number[]> {
  const driver = openDriver(paths.database);
  const running = await driver.readHistory((history) => history.runningRun());
  if (!running) return [];
  const lock = await driver.tryLock();
  if (!lock) return [];
  try {
    try {
      const store = await driver.openWriter();
      try {
        return await store.markInterrupted();
      } finally {
        await store.close();
      }
    } catch (error) {
      // a full or read-only disk refuses the mark: the history is still there to read, and
      // the next command that can write marks the run (plutus status must not fail for it)
      const code = explainIoError(error)?.code ?? (error as { code?: string }).code;
      if (code === "disk_full" || code === "not_writable") return [];
      throw error;
    }
  } finally {
    await lock.release();
  }
}
