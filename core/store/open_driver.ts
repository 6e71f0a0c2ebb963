/**
 * Picks the backend a project's database location needs.
 *
 * @module
 */
import type {
  CsvCopy,
  DatabaseLocation,
  LockHolder,
  QueryCursor,
  QueryLimits,
  RunHistory,
  RunLock,
  Store,
  StoreDriver,
  TableChanges,
} from "./mod.ts";
import type { TableSchema } from "../../config/table_schema.ts";
import { pgLabel } from "./postgres/pg_url.ts";
import { SqliteDriver } from "./sqlite/sqlite_driver.ts";

/** The driver of the database at `location`. */
export function openDriver(location: DatabaseLocation): StoreDriver {
  if (location.kind === "sqlite") return new SqliteDriver(location.path);
  return new LazyPgDriver(location);
}

/**
 * The PostgreSQL driver, loaded on its first use: a SQLite project (and `plutus serve` at
 * rest) never loads the PostgreSQL client, ~5 MB of memory.
 */
class LazyPgDriver implements StoreDriver {
  readonly location: DatabaseLocation & { kind: "postgres" };
  readonly label: string;
  #driver: Promise<StoreDriver> | undefined;

  constructor(location: DatabaseLocation & { kind: "postgres" }) {
    this.location = location;
    this.label = pgLabel(location.url);
  }

  #load(): Promise<StoreDriver> {
    return this.#driver ??= import("./postgres/pg_driver.ts").then(({ PgDriver }) =>
      new PgDriver(this.location)
    );
  }

  async openWriter(options?: { dryRun?: boolean }): Promise<Store> {
    return await (await this.#load()).openWriter(options);
  }
  async readHistory<T>(read: (history: RunHistory) => Promise<T>): Promise<T | undefined> {
    return await (await this.#load()).readHistory(read);
  }
  async planTable(schema: TableSchema): Promise<TableChanges> {
    return await (await this.#load()).planTable(schema);
  }
  async openQuery(
    sql: string,
    limits: QueryLimits,
    options?: { pageRows?: number; limit?: number },
  ): Promise<QueryCursor> {
    return await (await this.#load()).openQuery(sql, limits, options);
  }
  async openExport(what: { table: string } | { sql: string }): Promise<QueryCursor> {
    return await (await this.#load()).openExport(what);
  }
  async openCopy(what: { table: string } | { sql: string }): Promise<CsvCopy | undefined> {
    const driver = await this.#load();
    return await driver.openCopy?.(what);
  }
  async tryLock(what?: string): Promise<RunLock | undefined> {
    return await (await this.#load()).tryLock(what);
  }
  async lockHolder(waitMs?: number): Promise<LockHolder | undefined> {
    return await (await this.#load()).lockHolder(waitMs);
  }
  async recordStop(runId: number, cause: string): Promise<void> {
    return await (await this.#load()).recordStop(runId, cause);
  }
}
