/**
 * Reading what runs did: runs, steps, rejects. Works on a read-only connection, so status
 * and the GUI can look while a run is loading.
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { existsSync } from "node:fs";
import { type ReasonCount, ReasonCounter } from "../../history/reject_summary.ts";
import type {
  RejectRecord,
  RunHistory,
  RunSummary,
  RunTotals,
  StepSummary,
  StoredReject,
} from "../mod.ts";
import {
  type RunRecord,
  runSummaryOf,
  runTotalsOf,
  type RunTotalsRecord,
  type StepRecord,
  stepSummaryOf,
} from "../step_rows.ts";

/** A row of _plutus_rejects. */
interface RejectRow extends RejectRecord {
  id: number;
  step_id: number;
  run_id: number;
}

const rejectOf = ({ step_id, run_id, ...reject }: RejectRow): StoredReject => ({
  ...reject,
  stepId: step_id,
  runId: run_id,
});
const step = (row: unknown) => row ? stepSummaryOf(row as StepRecord) : undefined;
const run = (row: unknown) => row ? runSummaryOf(row as RunRecord) : undefined;

/** Read-only questions about past runs, answered from SQLite. */
export class SqliteRunHistory implements RunHistory {
  readonly #db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  listRuns(limit = 10): Promise<RunTotals[]> {
    return Promise.resolve(this.#listRuns(limit).map(runTotalsOf));
  }

  #listRuns(limit: number): RunTotalsRecord[] {
    return this.#db.prepare(
      `SELECT r.*, count(s.id) AS steps,
         coalesce(sum(s.status = 'failed' OR s.status = 'interrupted'), 0) AS failed_steps,
         coalesce(sum(s.rows_read), 0) AS rows_read, coalesce(sum(s.rows_inserted), 0) AS rows_inserted,
         coalesce(sum(s.rows_updated), 0) AS rows_updated, coalesce(sum(s.rows_duplicate), 0) AS rows_duplicate,
         coalesce(sum(s.rows_rejected), 0) AS rows_rejected
       FROM _plutus_runs r LEFT JOIN _plutus_steps s ON s.run_id = r.id
       GROUP BY r.id ORDER BY r.id DESC LIMIT ?`,
    ).all(limit) as unknown as RunTotalsRecord[];
  }

  run(id: number): Promise<RunSummary | undefined> {
    return Promise.resolve(
      run(this.#db.prepare("SELECT * FROM _plutus_runs WHERE id = ?").get(id)),
    );
  }

  lastRun(): Promise<RunSummary | undefined> {
    return Promise.resolve(
      run(this.#db.prepare("SELECT * FROM _plutus_runs ORDER BY id DESC LIMIT 1").get()),
    );
  }

  runningRun(): Promise<RunSummary | undefined> {
    return Promise.resolve(run(
      this.#db.prepare(
        "SELECT * FROM _plutus_runs WHERE status = 'running' ORDER BY id DESC LIMIT 1",
      ).get(),
    ));
  }

  steps(runId: number): Promise<StepSummary[]> {
    const rows = this.#db.prepare("SELECT * FROM _plutus_steps WHERE run_id = ? ORDER BY id")
      .all(runId) as unknown as StepRecord[];
    return Promise.resolve(rows.map(stepSummaryOf));
  }

  laterLoad(
    afterStepId: number,
    match: { input: string; loaded?: boolean } | { source: string },
  ): Promise<StepSummary | undefined> {
    // a skip because the content was loaded already has a source; a discard has none
    const skipped = "loaded" in match && match.loaded ? " AND source = ''" : "";
    return Promise.resolve(step(
      "source" in match
        ? this.#db.prepare(
          "SELECT * FROM _plutus_steps WHERE id > ? AND source = ? AND status = 'succeeded' ORDER BY id LIMIT 1",
        ).get(afterStepId, match.source)
        : this.#db.prepare(
          `SELECT * FROM _plutus_steps WHERE id > ? AND input = ?
           AND (status = 'succeeded' OR (status = 'skipped' AND archived_to IS NOT NULL${skipped}))
         ORDER BY id LIMIT 1`,
        ).get(afterStepId, match.input),
    ));
  }

  lastStep(
    match: { input: string } | { source: string },
    options: { running?: boolean } = {},
  ): Promise<StepSummary | undefined> {
    const [column, value] = "source" in match ? ["source", match.source] : ["input", match.input];
    const finished = options.running ? "" : " AND status <> 'running'";
    return Promise.resolve(step(
      this.#db.prepare(
        `SELECT * FROM _plutus_steps WHERE ${column} = ?${finished} ORDER BY id DESC LIMIT 1`,
      ).get(value),
    ));
  }

  rejects(runId: number, options: { stepId?: number } = {}): Promise<StoredReject[]> {
    const where = options.stepId === undefined ? "run_id = ?" : "run_id = ? AND step_id = ?";
    const params = options.stepId === undefined ? [runId] : [runId, options.stepId];
    const rows = this.#db.prepare(
      `SELECT * FROM _plutus_rejects WHERE ${where} ORDER BY step_id, line, id`,
    ).all(...params) as unknown as RejectRow[];
    return Promise.resolve(rows.map(rejectOf));
  }

  /** Read in chunks along the step index, so that a page need not read thousands. */
  firstRejects(stepId: number, rows: number): Promise<StoredReject[]> {
    const chunk = this.#db.prepare(
      "SELECT * FROM _plutus_rejects WHERE step_id = ? AND id > ? ORDER BY id LIMIT 500",
    );
    const out: StoredReject[] = [];
    const locations = new Set<string>();
    let after = 0;
    while (true) {
      const batch = chunk.all(stepId, after) as unknown as RejectRow[];
      for (const reject of batch) {
        if (!locations.has(reject.location)) {
          if (locations.size === rows) return Promise.resolve(out);
          locations.add(reject.location);
        }
        out.push(rejectOf(reject));
      }
      if (batch.length < 500) return Promise.resolve(out);
      after = batch[batch.length - 1]!.id;
    }
  }

  /**
   * As counted over all its rows when the step ran, or (databases of earlier versions)
   * over the rejects kept.
   */
  topReasons(stepId: number, limit = 5): Promise<ReasonCount[]> {
    const step = this.#db.prepare("SELECT top_reasons FROM _plutus_steps WHERE id = ?").get(
      stepId,
    ) as Partial<StepRecord> | undefined;
    if (step?.top_reasons) {
      return Promise.resolve((JSON.parse(step.top_reasons) as ReasonCount[]).slice(0, limit));
    }
    const counter = new ReasonCounter();
    const rows = this.#db.prepare(
      "SELECT column_name, reason, location FROM _plutus_rejects WHERE step_id = ? ORDER BY line, id",
    ).iterate(stepId) as Iterable<{ column_name: string | null; reason: string; location: string }>;
    for (const row of rows) counter.add(row.column_name, row.reason, row.location);
    return Promise.resolve(counter.top(limit));
  }

  dataTables(): Promise<string[]> {
    return Promise.resolve(this.#tables(
      "name NOT LIKE '\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite%'",
    ));
  }

  recordTables(): Promise<string[]> {
    return Promise.resolve(this.#tables("name LIKE '\\_%' ESCAPE '\\'"));
  }

  #tables(where: string): string[] {
    const rows = this.#db.prepare(
      `SELECT name FROM sqlite_schema WHERE type = 'table' AND ${where} ORDER BY name`,
    ).all() as unknown as { name: string }[];
    return rows.map((row) => row.name);
  }
}

/**
 * Opens the database read-only, answers `question`, closes it. Returns undefined when
 * there is no database yet (no run has happened).
 */
export async function readRunHistory<T>(
  path: string,
  question: (history: RunHistory) => Promise<T>,
): Promise<T | undefined> {
  if (!existsSync(path)) return undefined;
  const db = new DatabaseSync(path, { readOnly: true, timeout: 5000 });
  try {
    const hasRuns = db.prepare("SELECT 1 FROM sqlite_schema WHERE name = '_plutus_runs'").get();
    return hasRuns ? await question(new SqliteRunHistory(db)) : undefined;
  } finally {
    db.close();
  }
}
