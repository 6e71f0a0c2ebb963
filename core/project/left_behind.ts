/**
 * A project that moved to PostgreSQL (the GUI's Database page, or database: edited by
 * hand) while its SQLite file still holds the runs and rows it loaded before: `status`,
 * `check` and the Database page say so once, with the command that copies them over
 * (`plutus db copy --from data/plutus.db`, core/project/copy_project.ts).
 *
 * @module
 */
import { join, relative, resolve } from "node:path";
import { DEFAULT_DATABASE } from "../../config/database_default.ts";
import { formatCount } from "../../util/list_text.ts";
import { openDriver } from "../store/open_driver.ts";
import { type SqliteContents, sqliteContents } from "../store/sqlite/sqlite_contents.ts";
import type { Project } from "./project.ts";

/** A SQLite file that holds data its project's server does not have. */
export interface LeftBehind extends SqliteContents {
  /** The file, as `--from` takes it: relative to the project folder. */
  file: string;
  /** What the file holds, for people: "2 runs and 75 rows in 1 table". */
  summary: string;
  /** The command that copies it into the project's server. */
  command: string;
}

/**
 * The project's SQLite file (data/plutus.db) when the project keeps its tables in
 * PostgreSQL and the file holds runs or rows the server has not got: its newest run is
 * not there (same id and start), or, without runs, no data table is. Undefined otherwise,
 * and when the server cannot be asked (the connection's own check says why).
 */
export async function leftBehindSqlite(project: Project): Promise<LeftBehind | undefined> {
  if (project.paths.database.kind !== "postgres") return undefined;
  const path = join(resolve(project.paths.root), DEFAULT_DATABASE);
  const contents = sqliteContents(path);
  if (!contents || (contents.runs === 0 && contents.rows === 0)) return undefined;
  const driver = openDriver(project.paths.database);
  let copied: boolean | undefined;
  try {
    copied = await driver.readHistory(async (history) => {
      if (contents.lastRun) {
        const run = await history.run(contents.lastRun.id);
        return run?.startedAt === contents.lastRun.startedAt;
      }
      const tables = await history.dataTables();
      return contents.tables.some((table) => tables.includes(table.name));
    });
  } catch {
    return undefined; // not reachable: nothing can be said about what it has
  }
  if (copied) return undefined;
  const file = relative(resolve(project.paths.root), path);
  return {
    ...contents,
    file,
    summary: describeContents(contents),
    command: `plutus db copy --from ${file}`,
  };
}

/** "2 runs and 75 rows in 1 table", as the messages say it. */
export function describeContents(contents: SqliteContents): string {
  const parts = [];
  if (contents.runs > 0) parts.push(`${formatCount(contents.runs)} run(s)`);
  const full = contents.tables.filter((table) => table.rows > 0).length;
  if (contents.rows > 0) {
    parts.push(`${formatCount(contents.rows)} row(s) in ${full} table(s)`);
  }
  return parts.join(" and ");
}
