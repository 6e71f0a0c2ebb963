/**
 * The writer of a PostgreSQL project: run and step records, API state, and one
 * transaction per step, on one connection held for the run (the staging tables of COPY
 * are temporary, so they live on it too).
 *
 * @module
 */
import type { TableSchema } from "../../../config/table_schema.ts";
import { nowIso } from "../../../util/time.ts";
import type {
  DatabaseLocation,
  DatetimeConversion,
  LoadStamp,
  RejectRecord,
  Status,
  StepSummary,
  StepWork,
  Store,
  TableChanges,
  TableLoader,
} from "../mod.ts";
import { bookkeepingSql, LOCK_CLASS, setupLockObject } from "./pg_bookkeeping.ts";
import {
  connectPg,
  explainPgConnectError,
  explainPgError,
  reserveConnection,
  type Sql,
} from "./pg_connect.ts";
import {
  finishStepStatement,
  type StepRecord as StepRow,
  stepSummaryOf as stepSummary,
} from "../step_rows.ts";
import { ident } from "./pg_sql.ts";
import { PgTableLoader } from "./pg_table_loader.ts";
import { applyPgTable, planPgTable } from "./pg_table_sync.ts";

type Reserved = Awaited<ReturnType<Sql["reserve"]>>;

const REJECTS_AT_ONCE = 1000;

/** The writer a run holds on a PostgreSQL database. */
export class PgStore implements Store {
  readonly location: DatabaseLocation & { kind: "postgres" };
  readonly #client: Sql;
  readonly #sql: Reserved;
  readonly #t: (name: string) => string;
  readonly #link: Link;
  #dryRun = false;
  #inTransaction = false;
  /** Rejects of the step's transaction not written yet. */
  #rejects: { runId: number; stepId: number; reject: RejectRecord }[] = [];
  /** A dry run's writer: its setup is in a transaction that the dry run rolls back. */
  #uncommitted = false;

  private constructor(
    location: DatabaseLocation & { kind: "postgres" },
    client: Sql,
    sql: Reserved,
    link: Link,
  ) {
    this.location = location;
    this.#client = client;
    this.#link = link;
    this.#sql = guarded(sql, link, location.url);
    this.#t = (name) => `${ident(location.schema)}.${ident(name)}`;
  }

  /**
   * Connects and creates the schema and the bookkeeping tables when missing; for a dry
   * run, inside the transaction dryRun() rolls back, so that nothing is created.
   */
  static async open(
    location: DatabaseLocation & { kind: "postgres" },
    options: { dryRun?: boolean } = {},
  ): Promise<PgStore> {
    // Once the connection closes, the session's transaction and temporary tables are
    // gone: nothing may run on it again (a new session would run the rest of a step
    // outside its transaction), and Postgres.js 3.4.9 crashes the process on a write to a
    // closed reserved connection. So every later call fails with "connection lost".
    const link = newLink();
    const client = connectPg(location.url, {
      applicationName: "plutus run",
      onClose: () => link.lose(),
    });
    try {
      const sql = await reserveConnection(client);
      const store = new PgStore(location, client, sql, link);
      await store.#setUp(options.dryRun === true);
      return store;
    } catch (error) {
      await client.end({ timeout: 1 }).catch(() => {});
      throw await explainPgConnectError(error, location.url);
    }
  }

  async #setUp(dryRun: boolean): Promise<void> {
    const schema = this.location.schema;
    await this.#sql.unsafe("BEGIN");
    this.#uncommitted = dryRun;
    try {
      // two processes creating the tables at once would collide in the catalog
      await this.#sql.unsafe(
        `SELECT pg_advisory_xact_lock(${LOCK_CLASS}, ${setupLockObject(schema)})`,
      );
      const [{ exists }] = await this.#sql<[{ exists: boolean }]>`
        SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = ${schema}) AS exists`;
      if (!exists) await this.#sql.unsafe(`CREATE SCHEMA ${ident(schema)}`);
      await this.#sql.unsafe(bookkeepingSql(schema));
      if (!dryRun) await this.#sql.unsafe("COMMIT");
    } catch (error) {
      await this.#sql.unsafe("ROLLBACK").catch(() => {});
      throw error;
    }
  }

  /** Runs one statement group, turning the client's errors into StoreErrors. */
  async #do<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw explainPgError(error, this.location.url);
    }
  }

  startRun(trigger: string, command: string, rerunOf?: number, mode?: "full"): Promise<number> {
    return this.#do(async () => {
      const [row] = await this.#sql.unsafe<[{ id: string }]>(
        `INSERT INTO ${
          this.#t("_plutus_runs")
        } (started_at, status, trigger, command, pid, rerun_of, mode)
         VALUES ($1, 'running', $2, $3, $4, $5, $6) RETURNING id`,
        [nowIso(), trigger, command, Deno.pid, rerunOf ?? null, mode ?? null],
      );
      return Number(row.id);
    });
  }

  finishRun(id: number, status: Status, stoppedBy?: string): Promise<void> {
    return this.#do(async () => {
      const { sql, values } = finishRunStatement(this.location.schema, id, status, stoppedBy);
      await this.#sql.unsafe(sql, values);
    });
  }

  markInterrupted(): Promise<number[]> {
    return this.#do(async () => {
      const now = nowIso();
      await this.#sql.unsafe("BEGIN");
      try {
        await this.#sql.unsafe(
          `UPDATE ${this.#t("_plutus_steps")} SET status = 'interrupted', finished_at = $1,
             error = 'the run stopped before this step finished: its process ended, or it lost its connection to the server; nothing of it was loaded'
           WHERE status = 'running'`,
          [now],
        );
        const rows = await this.#sql.unsafe<{ id: string }[]>(
          `UPDATE ${this.#t("_plutus_runs")} SET status = 'interrupted', finished_at = $1
           WHERE status = 'running' RETURNING id`,
          [now],
        );
        await this.#sql.unsafe("COMMIT");
        return rows.map((row) => Number(row.id)).sort((a, b) => a - b);
      } catch (error) {
        await this.#sql.unsafe("ROLLBACK").catch(() => {});
        throw error;
      }
    });
  }

  startStep(
    runId: number,
    source: string,
    input: string,
    checksum: string | null,
  ): Promise<number> {
    return this.#do(async () => {
      const [row] = await this.#sql.unsafe<[{ id: string }]>(
        `INSERT INTO ${
          this.#t("_plutus_steps")
        } (run_id, source, input, checksum, status, started_at)
         VALUES ($1, $2, $3, $4, 'running', $5) RETURNING id`,
        [runId, source, input, checksum, nowIso()],
      );
      return Number(row.id);
    });
  }

  finishStep(step: StepSummary): Promise<void> {
    return this.#do(() => this.#finishStep(step));
  }

  async #finishStep(step: StepSummary): Promise<void> {
    const { sql, values } = finishStepStatement(
      this.#t("_plutus_steps"),
      step,
      nowIso(),
      (i) => `$${i + 1}`,
    );
    await this.#sql.unsafe(sql, values);
  }

  setArchivedTo(stepId: number, path: string): Promise<void> {
    return this.#do(async () => {
      await this.#sql.unsafe(
        `UPDATE ${this.#t("_plutus_steps")} SET archived_to = $1 WHERE id = $2`,
        [path, stepId],
      );
    });
  }

  findLoaded(checksum: string): Promise<StepSummary | undefined> {
    return this.#do(async () => {
      const [row] = await this.#sql.unsafe<StepRow[]>(
        `SELECT * FROM ${this.#t("_plutus_steps")}
         WHERE checksum = $1 AND status = 'succeeded' ORDER BY id DESC LIMIT 1`,
        [checksum],
      );
      return row ? stepSummary(row) : undefined;
    });
  }

  getState(source: string, key: string): Promise<string | undefined> {
    return this.#do(async () => {
      const [row] = await this.#sql.unsafe<{ value: string | null }[]>(
        `SELECT value FROM ${this.#t("_plutus_state")} WHERE source = $1 AND key = $2`,
        [source, key],
      );
      return row?.value ?? undefined;
    });
  }

  planTable(schema: TableSchema): Promise<TableChanges> {
    return this.#do(() => planPgTable(this.#sql as unknown as Sql, this.location.schema, schema));
  }

  /** PostgreSQL stores instants as timestamptz from the start: nothing to convert. */
  convertDatetimes(
    _tables: Iterable<TableSchema>,
    _timeZone: string,
  ): Promise<DatetimeConversion[]> {
    return Promise.resolve([]);
  }

  async transaction<T>(work: (step: StepWork) => Promise<T>): Promise<T> {
    if (this.#inTransaction) throw new Error("PgStore.transaction() does not nest");
    const [begin, commit, rollback] = this.#dryRun
      ? ["SAVEPOINT step", "RELEASE SAVEPOINT step", "ROLLBACK TO SAVEPOINT step"]
      : ["BEGIN", "COMMIT", "ROLLBACK"];
    await this.#do(() => this.#sql.unsafe(begin));
    this.#inTransaction = true;
    this.#rejects = [];
    // the step's loaders: a COPY of theirs may be open, and the connection runs nothing else
    // meanwhile (each statement of the step below waits until they settle)
    const loaders: PgTableLoader[] = [];
    const settled = async () => {
      for (const loader of loaders) await loader.settle();
    };
    let result: T;
    try {
      result = await work(this.#stepWork(loaders, settled));
      await settled();
      await this.#writeRejects();
      await this.#do(() => this.#sql.unsafe(commit));
    } catch (error) {
      for (const loader of loaders) loader.abort();
      // on a lost connection there is nothing to roll back: the server already did
      if (!this.#link.lost) {
        await this.#sql.unsafe(rollback).catch(() => {});
        if (this.#dryRun) await this.#sql.unsafe("RELEASE SAVEPOINT step").catch(() => {});
      }
      throw explainPgError(error, this.location.url);
    } finally {
      this.#inTransaction = false;
    }
    return result;
  }

  /** The step's work; `settled()` ends the open COPYs of `loaders` (each statement waits). */
  #stepWork(loaders: PgTableLoader[], settled: () => Promise<void>): StepWork {
    const sql = this.#sql as unknown as Sql;
    const dbSchema = this.location.schema;
    // tables this step creates: their loader may build the key index after the rows
    const created = new Set<string>();
    return {
      applyTable: async (schema, changes) => {
        await settled();
        await applyPgTable(sql, dbSchema, schema, changes);
        if (changes.create) created.add(schema.name);
      },
      loader: async (schema: TableSchema, stamp: LoadStamp): Promise<TableLoader> => {
        await settled();
        const loader = await PgTableLoader.open(sql, dbSchema, schema, stamp, {
          created: created.has(schema.name),
        });
        loaders.push(loader);
        return loader;
      },
      addRejects: async (runId, stepId, rejects) => {
        // kept until 1000 wait (or the step's end): a file's rejects come a few per batch
        // of ~500 rows, and a statement for each batch cost seconds per million rows
        for (const reject of rejects) this.#rejects.push({ runId, stepId, reject });
        if (this.#rejects.length < REJECTS_AT_ONCE) return;
        await settled();
        await this.#writeRejects();
      },
      finishStep: async (step) => {
        await settled();
        await this.#finishStep(step);
      },
      setState: async (source, key, value) => {
        await settled();
        await this.#sql.unsafe(
          `INSERT INTO ${this.#t("_plutus_state")} (source, key, value, updated_at)
           VALUES ($1, $2, $3, $4)
           ON CONFLICT (source, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
          [source, key, value, nowIso()],
        );
      },
    };
  }

  /** Writes the rejects addRejects() keeps, in statements of REJECTS_AT_ONCE. */
  async #writeRejects() {
    // one statement per 1000 rejects, given as one JSON parameter. PostgreSQL text cannot
    // hold a NUL character, nor its JSON a lone UTF-16 surrogate (an API's or a sheet's
    // broken text): a rejected value with one keeps a visible stand-in
    const text = (value: string | null) =>
      value === null ? null : value.replaceAll("\0", "\uFFFD").toWellFormed();
    while (this.#rejects.length > 0) {
      const part = this.#rejects.splice(0, REJECTS_AT_ONCE).map(({ runId, stepId, reject: r }) => ({
        run_id: runId,
        step_id: stepId,
        location: text(r.location),
        line: r.line,
        column_name: text(r.column_name),
        value: text(r.value),
        reason: text(r.reason),
        record: text(r.record),
      }));
      await this.#sql.unsafe(
        `INSERT INTO ${this.#t("_plutus_rejects")}
           (run_id, step_id, location, line, column_name, value, reason, record)
         SELECT r.run_id, r.step_id, r.location, r.line, r.column_name, r.value, r.reason, r.record
         FROM json_to_recordset($1::json) AS r (run_id bigint, step_id bigint, location text,
           line bigint, column_name text, value text, reason text, record text)`,
        [part] as never, // serialized as JSON for the json parameter
      );
    }
  }

  async dryRun<T>(work: () => Promise<T>): Promise<T> {
    if (this.#uncommitted) this.#uncommitted = false;
    else await this.#do(() => this.#sql.unsafe("BEGIN"));
    this.#dryRun = true;
    try {
      return await work();
    } finally {
      this.#dryRun = false;
      if (!this.#link.lost) await this.#sql.unsafe("ROLLBACK").catch(() => {});
    }
  }

  async close(): Promise<void> {
    try {
      if (this.#uncommitted && !this.#link.lost) {
        this.#uncommitted = false;
        await this.#sql.unsafe("ROLLBACK").catch(() => {});
      }
      if (!this.#link.lost) this.#sql.release();
    } finally {
      // a lost connection has nothing to finish: do not wait for it
      await this.#client.end({ timeout: this.#link.lost ? 0 : 5 }).catch(() => {});
    }
  }
}

/**
 * Whether the writer's connection is gone. `whenLost` rejects when it goes: a statement
 * in flight when the server ends the session is not always told (Postgres.js 3.4.9 on
 * Deno), so every statement races it.
 */
interface Link {
  lost: boolean;
  whenLost: Promise<never>;
  lose(): void;
}

function newLink(): Link {
  let lose = () => {};
  const whenLost = new Promise<never>((_, reject) => {
    lose = () =>
      reject(Object.assign(new Error("connection closed"), { code: "CONNECTION_CLOSED" }));
  });
  whenLost.catch(() => {}); // rejected on purpose; each waiter handles it
  const link: Link = {
    lost: false,
    whenLost,
    lose: () => {
      link.lost = true;
      lose();
    },
  };
  return link;
}

/** A statement that also fails when the connection goes (see Link). */
function raced<T extends object>(query: T, link: Link): T {
  return new Proxy(query, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (property === "then" || property === "catch" || property === "finally") {
        const race = Promise.race([target as unknown as Promise<unknown>, link.whenLost]);
        return (race[property] as (...a: unknown[]) => unknown).bind(race);
      }
      if (property === "writable" || property === "readable") {
        return () => Promise.race([(value as () => Promise<unknown>).call(target), link.whenLost]);
      }
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/**
 * The reserved connection, refusing every call once the connection has closed, and
 * failing a statement in flight when it closes. `whenLost` is there for the COPY stream.
 */
function guarded(sql: Reserved, link: Link, url: string): Reserved {
  // a thenable, not a rejected Promise: a call chained on it (.writable()) fails alike,
  // and nothing is left rejected unhandled
  const refusal = () => {
    const error = () =>
      explainPgError(
        Object.assign(new Error("connection closed"), { code: "CONNECTION_CLOSED" }),
        url,
      );
    const failed = {
      then: (_: unknown, reject: (error: unknown) => void) => reject(error()),
      writable: () => failed,
      readable: () => failed,
      values: () => failed,
      describe: () => failed,
    };
    return failed;
  };
  return new Proxy(sql, {
    apply(target, self, args) {
      return link.lost ? refusal() : raced(Reflect.apply(target, self, args), link);
    },
    get(target, property, receiver) {
      if (property === "whenLost") return link.whenLost;
      const value = Reflect.get(target, property, receiver);
      if (property !== "unsafe" || typeof value !== "function") return value;
      return (...args: unknown[]) =>
        link.lost
          ? refusal()
          : raced((value as (...a: unknown[]) => object).apply(target, args), link);
    },
  });
}

/**
 * The statement that ends a run (Store.finishRun): one statement, so the step and the run
 * change together.
 */
export function finishRunStatement(
  dbSchema: string,
  id: number,
  status: Status,
  stoppedBy?: string,
): { sql: string; values: (string | number | null)[] } {
  const t = (name: string) => `${ident(dbSchema)}.${ident(name)}`;
  return {
    sql: `WITH step AS (
        UPDATE ${t("_plutus_steps")} SET status = 'failed', finished_at = $2, error = $4
        WHERE run_id = $3 AND status = 'running' AND $4::text IS NOT NULL
      )
      UPDATE ${t("_plutus_runs")} SET status = $1, finished_at = $2 WHERE id = $3`,
    values: [status, nowIso(), id, stoppedBy ?? null],
  };
}
