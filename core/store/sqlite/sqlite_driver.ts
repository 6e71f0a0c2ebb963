/**
 * The SQLite backend: one database file of the project (data/plutus.db unless
 * `database:` says otherwise), its run lock a file beside it.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";
import type { TableSchema } from "../../../config/table_schema.ts";
import { openQueryOffThread } from "../../query/query_off_thread.ts";
import type {
  DatabaseLocation,
  LockHolder,
  QueryCursor,
  QueryLimits,
  RunHistory,
  RunLock,
  Store,
  StoreDriver,
  TableChanges,
} from "../mod.ts";
import { readRunHistory } from "./run_history.ts";
import { readLockHolder, tryRunLock } from "./run_lock.ts";
import { openQuery, openTableScan } from "./run_query.ts";
import { planTableChanges } from "./table_sync.ts";

// Export pages small enough that their rows die young: pages of 20,000 rows outlived V8's
// young generation, and collecting them cost more than reading them (1M rows: 4.4 s of 15 s).
const EXPORT_PAGE_ROWS = 1_000;

/** A project's SQLite database. */
export class SqliteDriver implements StoreDriver {
  readonly location: DatabaseLocation;
  readonly label: string;
  readonly #path: string;
  readonly #lockPath: string;

  constructor(path: string) {
    this.location = { kind: "sqlite", path };
    this.label = path;
    this.#path = path;
    this.#lockPath = `${path}.lock`;
  }

  /** A writer of its own: SQLite has no session to outlive its process. */
  async recordStop(runId: number, cause: string): Promise<void> {
    const store = await this.openWriter();
    try {
      await store.finishRun(runId, "failed", cause);
    } finally {
      await store.close();
    }
  }

  async openWriter(options: { dryRun?: boolean } = {}): Promise<Store> {
    // A dry run of a project without a database works on an empty one in memory: it must
    // not create files.
    const path = options.dryRun && !existsSync(this.#path) ? ":memory:" : this.#path;
    // loaded when a run needs it: the commands that only read start without the loader
    const [{ SqliteStore }, { SqliteWriter }] = await Promise.all([
      import("./sqlite_store.ts"),
      import("./sqlite_writer.ts"),
    ]);
    return new SqliteWriter(SqliteStore.open(path), this.location);
  }

  readHistory<T>(read: (history: RunHistory) => Promise<T>): Promise<T | undefined> {
    return readRunHistory(this.#path, read);
  }

  planTable(schema: TableSchema): Promise<TableChanges> {
    if (!existsSync(this.#path)) {
      return Promise.resolve({ create: true, addColumns: [], orphanColumns: [], problems: [] });
    }
    try {
      const db = new DatabaseSync(this.#path, { readOnly: true, timeout: 5000 });
      try {
        return Promise.resolve(planTableChanges(db, schema));
      } finally {
        db.close();
      }
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async openQuery(
    sql: string,
    limits: QueryLimits,
    options: { pageRows?: number; limit?: number } = {},
  ): Promise<QueryCursor> {
    const cursor = await openQueryOffThread(this.#path, sql, limits, options);
    return {
      columns: cursor.columns,
      origins: cursor.origins,
      pages: () => cursor.pages(),
      close: () => Promise.resolve(cursor.close()),
    };
  }

  openExport(what: { table: string } | { sql: string }): Promise<QueryCursor> {
    try {
      const cursor = "table" in what
        ? openTableScan(this.#path, what.table, EXPORT_PAGE_ROWS)
        : openQuery(this.#path, what.sql, EXPORT_PAGE_ROWS);
      return Promise.resolve({
        columns: cursor.columns,
        origins: cursor.origins,
        async *pages() {
          yield* cursor.pages();
        },
        close: () => Promise.resolve(cursor.close()),
      });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  tryLock(what?: string): Promise<RunLock | undefined> {
    try {
      const lock = tryRunLock(this.#lockPath, what);
      return Promise.resolve(
        lock && { release: () => Promise.resolve(lock.release()) },
      );
    } catch (error) {
      return Promise.reject(error);
    }
  }

  lockHolder(waitMs = 0): Promise<LockHolder | undefined> {
    return Promise.resolve(readLockHolder(this.#lockPath, waitMs));
  }
}
