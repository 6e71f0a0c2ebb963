/**
 * One run at a time per SQLite database. The lock is an operating-system file lock on a
 * file next to the database, so it is released when its process ends in any way (even
 * killed): a stale lock cannot outlive the process that took it.
 *
 * @module
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { LockHolder } from "../mod.ts";

/** A held file lock. */
export interface FileLock {
  release(): void;
}

/**
 * Takes the lock at `path`, or returns undefined when another process holds it. The file
 * stays in place; only the lock on it comes and goes. The holder writes who it is into
 * it, so that a run refused before the holder's run is in the database can name it.
 */
export function tryRunLock(path: string, what?: string): FileLock | undefined {
  mkdirSync(dirname(path), { recursive: true });
  const file = Deno.openSync(path, { read: true, write: true, create: true });
  let locked = false;
  try {
    locked = file.tryLockSync(true);
  } finally {
    if (!locked) file.close();
  }
  if (!locked) return undefined;
  const holder: LockHolder = { pid: Deno.pid, since: new Date().toISOString(), what };
  file.truncateSync(0);
  file.writeSync(new TextEncoder().encode(`${JSON.stringify(holder)}\n`));
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

/**
 * Who wrote the lock file last (the holder, while the lock is held), if it says. A holder
 * that took the lock a moment ago may still be writing it: asked with `waitMs`, an empty or
 * half-written file is read again until then.
 */
export function readLockHolder(path: string, waitMs = 0): LockHolder | undefined {
  const until = performance.now() + waitMs;
  for (;;) {
    try {
      const holder = JSON.parse(Deno.readTextFileSync(path));
      if (typeof holder?.pid === "number") return holder;
    } catch {
      // no file, or the holder is still writing it
    }
    if (performance.now() >= until) return undefined;
    Atomics.wait(PAUSE, 0, 0, 10); // a blocking pause: the caller is synchronous
  }
}

const PAUSE = new Int32Array(new SharedArrayBuffer(4));
