/**
 * The Store of ../mod.ts for SQLite: the synchronous SqliteStore behind the async
 * interface, with one transaction per step (a savepoint inside a dry run).
 *
 * @module
 */
import type { TableSchema } from "../../../config/table_schema.ts";
import type { Stored } from "../../transform/validate_column.ts";
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
import type { SqliteStore } from "./sqlite_store.ts";

/** A run's writer on a SQLite database. */
export class SqliteWriter implements Store {
  readonly location: DatabaseLocation;
  readonly #store: SqliteStore;

  constructor(store: SqliteStore, location: DatabaseLocation) {
    this.#store = store;
    this.location = location;
  }

  checkDatabaseFile(): Promise<void> {
    return now(() => this.#store.checkDatabaseFile());
  }

  startRun(trigger: string, command: string, rerunOf?: number, mode?: "full"): Promise<number> {
    return now(() => this.#store.startRun(trigger, command, rerunOf, mode));
  }

  finishRun(id: number, status: Status, stoppedBy?: string): Promise<void> {
    return now(() => this.#store.finishRun(id, status, stoppedBy));
  }

  markInterrupted(): Promise<number[]> {
    return now(() => this.#store.markInterrupted());
  }

  startStep(runId: number, source: string, input: string, checksum: string | null) {
    return now(() => this.#store.startStep(runId, source, input, checksum));
  }

  finishStep(step: StepSummary): Promise<void> {
    return now(() => this.#store.finishStep(step));
  }

  setArchivedTo(stepId: number, path: string): Promise<void> {
    return now(() => this.#store.setArchivedTo(stepId, path));
  }

  findLoaded(checksum: string): Promise<StepSummary | undefined> {
    return now(() => this.#store.findLoaded(checksum));
  }

  getState(source: string, key: string): Promise<string | undefined> {
    return now(() => this.#store.getState(source, key));
  }

  planTable(schema: TableSchema): Promise<TableChanges> {
    return now(() => this.#store.planTable(schema));
  }

  convertDatetimes(tables: Iterable<TableSchema>, timeZone: string) {
    return now<DatetimeConversion[]>(() => this.#store.convertDatetimes(tables, timeZone));
  }

  async transaction<T>(work: (step: StepWork) => Promise<T>): Promise<T> {
    const store = this.#store;
    store.begin();
    try {
      const result = await work(stepWork(store));
      store.commit();
      return result;
    } catch (error) {
      store.rollback();
      throw error;
    }
  }

  async dryRun<T>(work: () => Promise<T>): Promise<T> {
    this.#store.beginDryRun();
    try {
      return await work();
    } finally {
      this.#store.endDryRun();
    }
  }

  close(): Promise<void> {
    return now(() => this.#store.close());
  }
}

function stepWork(store: SqliteStore): StepWork {
  return {
    applyTable: (schema: TableSchema, changes: TableChanges) =>
      now(() => store.applyTable(schema, changes)),
    loader: (schema: TableSchema, stamp: LoadStamp) =>
      now<TableLoader>(() => {
        const loader = store.loader(schema, stamp);
        return {
          insert: (values: Stored[]) => now(() => loader.insert(values)),
          counts: async (valid: number) => {
            // staged rows merge a run at a time: the GUI's pages answer in between
            while (loader.mergeStep()) await new Promise((resolve) => setTimeout(resolve, 0));
            return loader.counts(valid);
          },
        };
      }),
    addRejects: (runId: number, stepId: number, rejects: readonly RejectRecord[]) =>
      now(() => store.addRejects(runId, stepId, rejects)),
    finishStep: (step: StepSummary) => now(() => store.finishStep(step)),
    setState: (source: string, key: string, value: string) =>
      now(() => store.setState(source, key, value)),
  };
}

/** Runs synchronous work as a promise: a throw becomes a rejection. */
function now<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error);
  }
}
