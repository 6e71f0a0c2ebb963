/**
 * Reading what runs did from PostgreSQL: runs, steps, rejects. Reads through any
 * connection, so status and the GUI can look while a run is loading.
 *
 * @module
 */
import type { ReasonCount } from "../../history/reject_summary.ts";
import type { RejectRecord, RunHistory, RunSummary, StepSummary } from "../mod.ts";
import type { Sql } from "./pg_connect.ts";
import { type RunRow, runSummary, type StepRow, stepSummary } from "./pg_rows.ts";
import { ident } from "./pg_sql.ts";

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

  async listRuns(limit = 10): Promise<(RunSummary & { steps: number; rowsLoaded: number })[]> {
    const rows = await this.#rows<RunRow & { steps: string; rows_loaded: string }>(
      `SELECT r.*, count(s.id) AS steps,
         coalesce(sum(s.rows_inserted + s.rows_updated), 0) AS rows_loaded
       FROM ${this.#t("_plutus_runs")} r LEFT JOIN ${this.#t("_plutus_steps")} s ON s.run_id = r.id
       GROUP BY r.id ORDER BY r.id DESC LIMIT $1`,
      [limit],
    );
    return rows.map((row) => ({
      ...runSummary(row),
      steps: Number(row.steps),
      rowsLoaded: Number(row.rows_loaded),
    }));
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

  async lastStep(match: { input: string } | { source: string }): Promise<StepSummary | undefined> {
    const [column, value] = "source" in match ? ["source", match.source] : ["input", match.input];
    const [row] = await this.#rows<StepRow>(
      `SELECT * FROM ${
        this.#t("_plutus_steps")
      } WHERE ${column} = $1 AND status <> 'running' ORDER BY id DESC LIMIT 1`,
      [value],
    );
    return row ? stepSummary(row) : undefined;
  }

  async laterLoad(
    stepId: number,
    match: { input: string } | { source: string },
  ): Promise<StepSummary | undefined> {
    const [row] = "source" in match
      ? await this.#rows<StepRow>(
        `SELECT * FROM ${this.#t("_plutus_steps")}
         WHERE id > $1 AND source = $2 AND status = 'succeeded' ORDER BY id LIMIT 1`,
        [stepId, match.source],
      )
      : await this.#rows<StepRow>(
        `SELECT * FROM ${this.#t("_plutus_steps")} WHERE id > $1 AND input = $2
           AND (status = 'succeeded' OR (status = 'skipped' AND archived_to IS NOT NULL))
         ORDER BY id LIMIT 1`,
        [stepId, match.input],
      );
    return row ? stepSummary(row) : undefined;
  }

  async rejects(
    runId: number,
    options: { stepId?: number; limit?: number } = {},
  ): Promise<(RejectRecord & { stepId: number })[]> {
    const params: unknown[] = [runId];
    let where = "run_id = $1";
    if (options.stepId !== undefined) {
      params.push(options.stepId);
      where += " AND step_id = $2";
    }
    const limit = options.limit === undefined ? "" : ` LIMIT ${Math.max(0, options.limit | 0)}`;
    const rows = await this.#rows<RejectRecord & { step_id: string; line: string | null }>(
      `SELECT * FROM ${
        this.#t("_plutus_rejects")
      } WHERE ${where} ORDER BY step_id, line, id${limit}`,
      params,
    );
    return rows.map((row) => ({
      location: row.location,
      line: row.line === null ? null : Number(row.line),
      column_name: row.column_name,
      value: row.value,
      reason: row.reason,
      record: row.record,
      stepId: Number(row.step_id),
    }));
  }

  async topReasons(stepId: number, limit = 5): Promise<ReasonCount[]> {
    const [row] = await this.#rows<{ top_reasons: string | null }>(
      `SELECT top_reasons FROM ${this.#t("_plutus_steps")} WHERE id = $1`,
      [stepId],
    );
    return row?.top_reasons ? (JSON.parse(row.top_reasons) as ReasonCount[]).slice(0, limit) : [];
  }

  async dataTables(): Promise<string[]> {
    if (this.#empty) return [];
    const rows = await this.#sql<{ name: string }[]>`
      SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = ${this.#dbSchema}
        AND table_type = 'BASE TABLE' AND table_name NOT LIKE '\\_%'
      ORDER BY table_name`;
    return rows.map((row) => row.name);
  }
}
