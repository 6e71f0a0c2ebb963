/**
 * What a SQLite file holds, counted read-only: its runs (and the newest one) and its data
 * tables with their rows. For a project that moved to PostgreSQL, it tells whether the
 * file it used before still holds data the server does not (core/project/left_behind.ts).
 *
 * @module
 */
import { existsSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";

/** A SQLite file's runs and data tables. */
export interface SqliteContents {
  runs: number;
  /** The newest run: the same id and start on the server means it was copied there. */
  lastRun?: { id: number; startedAt: string };
  /** Data tables (not the _plutus_ ones), with their rows. */
  tables: { name: string; rows: number }[];
  /** All rows of the data tables. */
  rows: number;
}

/**
 * Counts what the SQLite file at `path` holds; undefined when there is no such file, or
 * it is not a database this can read (then there is nothing to speak of).
 */
export function sqliteContents(path: string): SqliteContents | undefined {
  if (!existsSync(path)) return undefined; // opening would not create it, but say so early
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(path, { readOnly: true, timeout: 5000 });
  } catch {
    return undefined;
  }
  try {
    const names = db.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
    ).all().map((row) => String(row.name));
    const count = (table: string) =>
      Number(db.prepare(`SELECT count(*) AS n FROM "${table.replaceAll('"', '""')}"`).get()!.n);
    const tables = names.filter((name) => !name.startsWith("_plutus_")).map((name) => ({
      name,
      rows: count(name),
    }));
    let runs = 0;
    let lastRun: SqliteContents["lastRun"];
    if (names.includes("_plutus_runs")) {
      runs = count("_plutus_runs");
      const last = db.prepare(
        "SELECT id, started_at FROM _plutus_runs ORDER BY id DESC LIMIT 1",
      ).get();
      if (last) lastRun = { id: Number(last.id), startedAt: String(last.started_at) };
    }
    return { runs, lastRun, tables, rows: tables.reduce((sum, t) => sum + t.rows, 0) };
  } catch {
    return undefined; // not a database, or locked for longer than the timeout
  } finally {
    db.close();
  }
}
