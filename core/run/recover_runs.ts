/**
 * Runs whose process died (killed, power cut) stay "running" in the database. When nobody
 * holds the run lock, no run can be alive: mark them interrupted so status tells the truth.
 *
 * @module
 */
import { existsSync } from "node:fs";
import type { ProjectPaths } from "../project/project_paths.ts";
import { tryRunLock } from "./run_lock.ts";
import { SqliteStore } from "../store/sqlite/sqlite_store.ts";

/** Marks dead runs as interrupted; returns their ids. Does nothing while a run is alive. */
export function recoverInterruptedRuns(paths: ProjectPaths): number[] {
  if (!existsSync(paths.database)) return [];
  const lock = tryRunLock(paths.lock);
  if (!lock) return [];
  try {
    const store = SqliteStore.open(paths.database);
    try {
      return store.markInterrupted();
    } finally {
      store.close();
    }
  } finally {
    lock.release();
  }
}
