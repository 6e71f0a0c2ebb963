/**
 * Reading what runs did from PostgreSQL: runs, steps, rejects. Reads through any
 * connection, so status and the GUI can look while a run is loading.
 *
 * @module
 */
import type { ReasonCount } from "../../history/reject_summary.ts";
import type {
  RejectRecord,
  RunHistory,
  RunSummary,
  RunTotals,
  StepSummary,
  StoredReject,
} from "../mod.ts";
import type { Sql } from "./pg_connect.ts";
import {
  type RunRecord as RunRow,
  runSummaryOf as runSummary,
  runTotalsOf,
  type RunTotalsRecord,
  type StepRecord as StepRow,
  stepSummaryOf as stepSummary,
} from "../step_rows.ts";
import { ident } from "./pg_sql.ts";

/** A row of _plutus_rejects as read (bigint ids come as strings). */
interface RejectRow extends Omit<RejectRecord, "line"> {
  id: number | string;
  run_id: number | string;
  step_id: number | string;
  line: number | string | null;
}

const rejectOf = ({ id, run_id, step_id, line, ...reject }: RejectRow): StoredReject => ({
  ...reject,
  line: line === null ? null : Number(line),
  id: Number(id),
  runId: Number(run_id),
  stepId: Number(step_id),
});

/** The run history in the schema `dbSchema`; with `empty`, a database not set up yet. */
export class PgRunHistory implements RunHistory {
  readonly #sql: Sql;
  readonly #t: (name: string) => string;
  readonly #empty: boolean;
  readonly #dbSchema: string;

  constructor(sql: Sql, dbSchema: string, empty = false) {
    this.#sql = sql;
    this.#dbSchema = dbSchema;
    this.#t = (name) => `${ident(dbSchema)}.${ident(name)}`;
    this.#empty = empty;
  }

  async #rows<T>(query: string, params: unknown[] = []): Promise<T[]> {
    if (this.#empty) return [];
    return [...await this.#sql.unsafe(query, params as never[])] as T[];
  }

  async listRuns(limit = 10): Promise<RunTotals[]> {
    const rows = await this.#rows<RunTotalsRecord>(
      `SELECT r.*, count(s.id) AS steps,
         count(s.id) FILTER (WHERE s.status IN ('failed', 'interrupted')) AS failed_steps,
         coalesce(sum(s.rows_read), 0) AS rows_read,
         coalesce(sum(s.rows_inserted), 0) AS rows_inserted,
         coalesce(sum(s.rows_updated), 0) AS rows_updated,
         coalesce(sum(s.rows_duplicate), 0) AS rows_duplicate,
         coalesce(sum(s.rows_rejected), 0) AS rows_rejected
       FROM ${this.#t("_plutus_runs")} r LEFT JOIN ${this.#t("_plutus_steps")} s ON s.run_id = r.id
       GROUP BY r.id ORDER BY r.id DESC LIMIT $1`,
      [limit],
    );
    return rows.map(runTotalsOf);
  }

  async #oneRun(where: string, params: unknown[] = []): Promise<RunSummary | undefined> {
    const [row] = await this.#rows<RunRow>(
      `SELECT * FROM ${this.#t("_plutus_runs")} ${where} ORDER BY id DESC LIMIT 1`,
      params,
    );
    return row ? runSummary(row) : undefined;
  }

  run(id: number): Promise<RunSummary | undefined> {
    return this.#oneRun("WHERE id = $1", [id]);
  }

  lastRun(): Promise<RunSummary | undefined> {
    return this.#oneRun("");
  }

  runningRun(): Promise<RunSummary | undefined> {
    return this.#oneRun("WHERE status = 'running'");
  }

  async steps(runId: number): Promise<StepSummary[]> {
    const rows = await this.#rows<StepRow>(
      `SELECT * FROM ${this.#t("_plutus_steps")} WHERE run_id = $1 ORDER BY id`,
      [runId],
    );
    return rows.map(stepSummary);
  }

  async lastStep(
    match: { input: string } | { source: string },
    options: { running?: boolean } = {},
  ): Promise<StepSummary | undefined> {
    const [column, value] = "source" in match ? ["source", match.source] : ["input", match.input];
    const finished = options.running ? "" : " AND status <> 'running'";
    const [row] = await this.#rows<StepRow>(
      `SELECT * FROM ${
        this.#t("_plutus_steps")
      } WHERE ${column} = $1${finished} ORDER BY id DESC LIMIT 1`,
      [value],
    );
    return row ? stepSummary(row) : undefined;
  }

  async laterLoad(
    stepId: number,
    match: { input: string; loaded?: boolean } | { source: string },
  ): Promise<StepSummary | undefined> {
    // a skip because the content was loaded already has a source; a discard has none
    const skipped = "loaded" in match && match.loaded ? " AND source = ''" : "";
    const [row] = "source" in match
      ? await this.#rows<StepRow>(
        `SELECT * FROM ${this.#t("_plutus_steps")}
         WHERE id > $1 AND source = $2 AND status = 'succeeded' ORDER BY id LIMIT 1`,
        [stepId, match.source],
      )
      : await this.#rows<StepRow>(
        `SELECT * FROM ${this.#t("_plutus_steps")} WHERE id > $1 AND input = $2
           AND (status = 'succeeded' OR (status = 'skipped' AND archived_to IS NOT NULL${skipped}))
         ORDER BY id LIMIT 1`,
        [stepId, match.input],
      );
    return row ? stepSummary(row) : undefined;
  }

  async rejects(runId: number, options: { stepId?: number } = {}): Promise<StoredReject[]> {
    const params: unknown[] = [runId];
    let where = "run_id = $1";
    if (options.stepId !== undefined) {
      params.push(options.stepId);
      where += " AND step_id = $2";
    }
    const rows = await this.#rows<RejectRow>(
      `SELECT * FROM ${this.#t("_plutus_rejects")} WHERE ${where} ORDER BY step_id, line, id`,
      params,
    );
    return rows.map(rejectOf);
  }

  /** Read in chunks along the step index, so that a page need not read thousands. */
  async firstRejects(stepId: number, rows: number): Promise<StoredReject[]> {
    const out: StoredReject[] = [];
    const locations = new Set<string>();
    let after = 0;
    while (true) {
      const batch = await this.#rows<RejectRow>(
        `SELECT * FROM ${this.#t("_plutus_rejects")}
         WHERE step_id = $1 AND id > $2 ORDER BY id LIMIT 500`,
        [stepId, after],
      );
      for (const reject of batch) {
        if (!locations.has(reject.location)) {
          if (locations.size === rows) return out;
          locations.add(reject.location);
        }
        out.push(rejectOf(reject));
      }
      if (batch.length < 500) return out;
      after = Number(batch[batch.length - 1]!.id);
    }
  }

  async topReasons(stepId: number, limit = 5): Promise<ReasonCount[]> {
    const [row] = await this.#rows<{ top_reasons: string | null }>(
      `SELECT top_reasons FROM ${this.#t("_plutus_steps")} WHERE id = $1`,
      [stepId],
    );
    return row?.top_reasons ? (JSON.parse(row.top_reasons) as ReasonCount[]).slice(0, limit) : [];
  }

  dataTables(): Promise<string[]> {
    return this.#tables("NOT LIKE");
  }

  recordTables(): Promise<string[]> {
    return this.#tables("LIKE");
  }

  async #tables(like: "LIKE" | "NOT LIKE"): Promise<string[]> {
    if (this.#empty) return [];
    const rows = await this.#sql.unsafe<{ name: string }[]>(
      `SELECT table_name AS name FROM information_schema.tables
       WHERE table_schema = $1 AND table_type = 'BASE TABLE' AND table_name ${like} '\\_%'
       ORDER BY table_name`,
      [this.#dbSchema],
    );
    return rows.map((row) => row.name);
  }
}
