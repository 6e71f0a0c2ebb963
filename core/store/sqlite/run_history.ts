/**
 * Reading what runs did: runs, steps, rejects. Works on a read-only connection, so status
 * and the GUI can look while a run is loading.
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { existsSync } from "node:fs";
import { type ReasonCount, ReasonCounter } from "../../history/reject_summary.ts";
import type { RejectRecord, RunRecord, StepRecord } from "./sqlite_store.ts";

/** A run with its steps' counts added up. */
export interface RunSummary extends RunRecord {
  steps: number;
  failed_steps: number;
  rows_read: number;
  rows_inserted: number;
  rows_updated: number;
  rows_duplicate: number;
  rows_rejected: number;
}

/** A stored reject with its id and step. */
export interface StoredReject extends RejectRecord {
  id: number;
  step_id: number;
  run_id: number;
}

/** Read-only questions about past runs. */
export class RunHistory {
  readonly #db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  /** The newest runs first. */
  listRuns(limit = 10): RunSummary[] {
    return this.#db.prepare(
      `SELECT r.*, count(s.id) AS steps,
         coalesce(sum(s.status = 'failed' OR s.status = 'interrupted'), 0) AS failed_steps,
         coalesce(sum(s.rows_read), 0) AS rows_read, coalesce(sum(s.rows_inserted), 0) AS rows_inserted,
         coalesce(sum(s.rows_updated), 0) AS rows_updated, coalesce(sum(s.rows_duplicate), 0) AS rows_duplicate,
         coalesce(sum(s.rows_rejected), 0) AS rows_rejected
       FROM _plutus_runs r LEFT JOIN _plutus_steps s ON s.run_id = r.id
       GROUP BY r.id ORDER BY r.id DESC LIMIT ?`,
    ).all(limit) as unknown as RunSummary[];
  }

  run(id: number): RunRecord | undefined {
    return this.#db.prepare("SELECT * FROM _plutus_runs WHERE id = ?").get(id) as
      | RunRecord
      | undefined;
  }

  lastRun(): RunRecord | undefined {
    return this.#db.prepare("SELECT * FROM _plutus_runs ORDER BY id DESC LIMIT 1").get() as
      | RunRecord
      | undefined;
  }

  runningRun(): RunRecord | undefined {
    return this.#db.prepare(
      "SELECT * FROM _plutus_runs WHERE status = 'running' ORDER BY id DESC LIMIT 1",
    ).get() as
      | RunRecord
      | undefined;
  }

  /** The newest step that read an input of this name (a file name in inbox/), if any. */
  lastStepOf(input: string): StepRecord | undefined {
    return this.#db.prepare(
      "SELECT * FROM _plutus_steps WHERE input = ? ORDER BY id DESC LIMIT 1",
    ).get(input) as StepRecord | undefined;
  }

  steps(runId: number): StepRecord[] {
    return this.#db.prepare("SELECT * FROM _plutus_steps WHERE run_id = ? ORDER BY id").all(
      runId,
    ) as unknown as StepRecord[];
  }

  /**
   * The first step after `afterStepId` that loaded the file `input` (or found its content
   * loaded already), or, with `source`, that succeeded for that API source.
   */
  laterLoad(
    afterStepId: number,
    match: { input: string } | { source: string },
  ): StepRecord | undefined {
    return "source" in match
      ? this.#db.prepare(
        "SELECT * FROM _plutus_steps WHERE id > ? AND source = ? AND status = 'succeeded' ORDER BY id LIMIT 1",
      ).get(afterStepId, match.source) as StepRecord | undefined
      : this.#db.prepare(
        `SELECT * FROM _plutus_steps WHERE id > ? AND input = ?
           AND (status = 'succeeded' OR (status = 'skipped' AND archived_to IS NOT NULL))
         ORDER BY id LIMIT 1`,
      ).get(afterStepId, match.input) as StepRecord | undefined;
  }

  /** The newest step that read the file `input`, or (with `source`) of that source. */
  lastStep(match: { input: string } | { source: string }): StepRecord | undefined {
    const [column, value] = "source" in match ? ["source", match.source] : ["input", match.input];
    return this.#db.prepare(
      `SELECT * FROM _plutus_steps WHERE ${column} = ? AND status <> 'running' ORDER BY id DESC LIMIT 1`,
    ).get(value) as StepRecord | undefined;
  }

  /** Rejects of a run (or of one step), in file order. */
  rejects(runId: number, options: { stepId?: number } = {}): StoredReject[] {
    const where = options.stepId === undefined ? "run_id = ?" : "run_id = ? AND step_id = ?";
    const params = options.stepId === undefined ? [runId] : [runId, options.stepId];
    return this.#db.prepare(
      `SELECT * FROM _plutus_rejects WHERE ${where} ORDER BY step_id, line, id`,
    ).all(...params) as unknown as StoredReject[];
  }

  /**
   * The rejects of a step's first `rows` rejected rows (a row may have several problems),
   * read in chunks along the step index so that a page need not read thousands.
   */
  firstRejects(stepId: number, rows: number): StoredReject[] {
    const chunk = this.#db.prepare(
      "SELECT * FROM _plutus_rejects WHERE step_id = ? AND id > ? ORDER BY id LIMIT 500",
    );
    const out: StoredReject[] = [];
    const locations = new Set<string>();
    let after = 0;
    while (true) {
      const batch = chunk.all(stepId, after) as unknown as StoredReject[];
      for (const reject of batch) {
        if (!locations.has(reject.location)) {
          if (locations.size === rows) return out;
          locations.add(reject.location);
        }
        out.push(reject);
      }
      if (batch.length < 500) return out;
      after = batch[batch.length - 1]!.id;
    }
  }

  /**
   * The most frequent reasons of a step, alike ones counted together: as counted over all
   * its rows when it ran, or (databases of earlier versions) over the rejects kept.
   */
  topReasons(stepId: number, limit = 5): ReasonCount[] {
    const step = this.#db.prepare("SELECT * FROM _plutus_steps WHERE id = ?").get(stepId) as
      | Partial<StepRecord>
      | undefined;
    if (step?.top_reasons) return (JSON.parse(step.top_reasons) as ReasonCount[]).slice(0, limit);
    const counter = new ReasonCounter();
    const rows = this.#db.prepare(
      "SELECT column_name, reason, location FROM _plutus_rejects WHERE step_id = ? ORDER BY line, id",
    ).iterate(stepId) as Iterable<{ column_name: string | null; reason: string; location: string }>;
    for (const row of rows) counter.add(row.column_name, row.reason, row.location);
    return counter.top(limit);
  }
}

/**
 * Opens the database read-only, answers `question`, closes it. Returns undefined when
 * there is no database yet (no run has happened).
 */
export function readRunHistory<T>(
  path: string,
  question: (history: RunHistory) => T,
): T | undefined {
  if (!existsSync(path)) return undefined;
  const db = new DatabaseSync(path, { readOnly: true, timeout: 5000 });
  try {
    const hasRuns = db.prepare("SELECT 1 FROM sqlite_schema WHERE name = '_plutus_runs'").get();
    return hasRuns ? question(new RunHistory(db)) : undefined;
  } finally {
    db.close();
  }
}
