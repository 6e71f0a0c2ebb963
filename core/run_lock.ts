/**
 * One run at a time per database. The lock is an operating-system file lock, so it is
 * released when its process ends in any way (even killed): a stale lock cannot outlive
 * the process that took it.
 *
 * @module
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";

/** A held run lock. */
export interface RunLock {
  release(): void;
}

/**
 * Takes the lock at `path`, or returns undefined when another process holds it.
 * The file stays in place; only the lock on it comes and goes.
 */
export function tryRunLock(path: string): RunLock | undefined {
  mkdirSync(dirname(path), { recursive: true });
  const file = Deno.openSync(path, { read: true, write: true, create: true });
  let locked = false;
  try {
    locked = file.tryLockSync(true);
  } finally {
    if (!locked) file.close();
  }
  if (!locked) return undefined;
  const note = new TextEncoder().encode(`pid ${Deno.pid} since ${new Date().toISOString()}\n`);
  file.truncateSync(0);
  file.writeSync(note);
  return {
    release() {
      try {
        file.unlockSync();
      } finally {
        file.close();
      }
    },
  };
}
