/**
 * Moving a project from its SQLite file to PostgreSQL (`plutus db copy --to URL`), or, for
 * a project on PostgreSQL already, the SQLite file it used before into its server
 * (`plutus db copy --from data/plutus.db`; the GUI's "Copy my data there"): the URL
 * checked, the run lock held so no run writes meanwhile, every table copied in one
 * transaction (core/store/copy_to_postgres.ts). Switching plutus.yaml afterwards is
 * switchDatabase() (core/project/edit_database.ts), when the analyst says so.
 *
 * @module
 */
import { RunLockedError, UsageError } from "../../util/errors.ts";
import { openDriver } from "../store/open_driver.ts";
import type { StoreDriver } from "../store/mod.ts";
import { type CopyReport, copySqliteToPostgres } from "../store/sqlite/copy_to_postgres.ts";
import {
  buildPostgresUrl,
  isPostgresUrl,
  parsePostgresUrl,
  PASSWORD_VARIABLE,
  type PostgresTarget,
} from "../store/postgres/pg_url.ts";
import { type DatabaseSetting, databaseSetting } from "./edit_database.ts";
import { leftBehindSqlite } from "./left_behind.ts";
import type { Project } from "./project.ts";
import { isAbsolute, join, resolve } from "node:path";
import { existsSync } from "node:fs";
import { projectPostgresTarget } from "../store/postgres/pg_url.ts";

/** Options of copyProjectToPostgres(). */
export interface CopyProjectOptions {
  /** `database_schema:` for the server; the project's (or public) when absent. */
  schema?: string;
  replace?: boolean;
  /**
   * The SQLite file to copy (relative to the project folder): for a project on
   * PostgreSQL already, the file it used before; the project's own file by default.
   */
  from?: string;
  /** Who holds the run lock meanwhile, as a run that waits is told (the command line's). */
  lockedBy?: string;
  onTable?: (name: string, rows: number) => void;
}

/** What was copied, and the setting that points the project at the server. */
export interface CopyProjectResult {
  report: CopyReport;
  /**
   * For switchDatabase(): the URL with `${PG_PASSWORD}`, the schema, an inline password;
   * undefined when the copy went into the project's own server (nothing to switch).
   */
  setting?: DatabaseSetting;
  /** The SQLite file copied, as the analyst named it (or the project's). */
  from: string;
}

/**
 * Copies the SQLite file `options.from` names into the server a PostgreSQL project keeps
 * its tables in: without `to`, `plutus db copy --from FILE` and the GUI's "Copy my data
 * there". With `to`, or on a SQLite project, it is copyProjectToPostgres().
 */
export async function copySqliteIntoProject(
  project: Project,
  options: CopyProjectOptions & { from: string },
): Promise<CopyProjectResult> {
  const path = projectPath(project, options.from);
  if (!existsSync(path)) {
    throw new UsageError(`--from: there is no file ${options.from}`, {
      hint:
        "Name the project's SQLite file, as database: named it before (data/plutus.db by default).",
    });
  }
  const target = projectPostgresTarget(project);
  if (!target) throw new Error("copySqliteIntoProject: the project is not on PostgreSQL");
  const schema = options.schema ?? target.schema;
  const into = schema === target.schema ? target : { ...target, schema };
  project.secrets.add(target.password);
  // the server's run lock: no run loads into the target meanwhile
  const report = await copyLocked(openDriver(project.paths.database), path, into, project, options);
  return { report, from: options.from };
}

/** Copies the project's SQLite database into the PostgreSQL server `to` names. */
export async function copyProjectToPostgres(
  project: Project,
  to: string | undefined,
  options: CopyProjectOptions = {},
): Promise<CopyProjectResult> {
  if (isPostgresUrl(project.config.database)) {
    if (options.from !== undefined && to === undefined) {
      return await copySqliteIntoProject(project, { ...options, from: options.from });
    }
    // its SQLite file may still hold what it loaded before the switch: say how to copy it
    const left = options.from === undefined ? await leftBehindSqlite(project) : undefined;
    throw new UsageError(
      `this project keeps its tables in PostgreSQL already${
        left
          ? `, but its SQLite file ${left.file} still holds ${left.summary} the server has not got`
          : ""
      }`,
      {
        hint: left
          ? `To copy them into the project's server: ${left.command}. If the server has loaded rows of its own since the switch, it refuses: --replace would drop those tables and that history for the file's.`
          : options.from !== undefined
          ? "--from copies into the project's own server: leave out --to."
          : "plutus db copy --from FILE copies a SQLite file into the project's server; to move between servers use pg_dump.",
      },
    );
  }
  if (to === undefined) {
    throw new UsageError("plutus db copy needs --to URL: the PostgreSQL server to copy into", {
      hint: 'For example: plutus db copy --to "postgres://plutus@db.example.com/marketing"',
    });
  }
  if (!isPostgresUrl(to)) {
    throw new UsageError(`--to takes a PostgreSQL URL (postgres://…)`, {
      hint: "For example: plutus db copy --to postgres://plutus@db.example.com/marketing",
    });
  }
  const setting = databaseSetting(to, "--to");
  const lookup = (name: string) =>
    name === PASSWORD_VARIABLE && setting.password !== undefined
      ? setting.password
      : project.env(name);
  const schema = options.schema ?? project.config.database_schema;
  let target = parsePostgresUrl(setting.database, { where: "--to", lookup, schema });
  // a URL without a password uses PG_PASSWORD when .env has one, as a saved project would
  if (target.password === undefined && lookup(PASSWORD_VARIABLE) !== undefined) {
    setting.database = buildPostgresUrl(target, `\${${PASSWORD_VARIABLE}}`);
    target = parsePostgresUrl(setting.database, { where: "--to", lookup, schema });
  }
  setting.schema = schema;
  project.secrets.add(target.password);
  const from = project.paths.database;
  if (from.kind !== "sqlite") {
    throw new UsageError(
      "plutus db copy copies a project's SQLite file, and this project uses PostgreSQL already",
      {
        hint: "Nothing to move: its tables are in the server plutus.yaml names.",
      },
    );
  }
  const path = options.from === undefined ? from.path : projectPath(project, options.from);
  const report = await copyLocked(openDriver(from), path, target, project, options);
  return { report, setting, from: options.from ?? project.config.database };
}

/** A path the analyst gave, from the project's folder unless absolute. */
function projectPath(project: Project, given: string): string {
  return isAbsolute(given) ? given : join(resolve(project.paths.root), given);
}

/**
 * Copies the SQLite file at `path` into `target` holding `driver`'s run lock, so that no
 * run loads into either meanwhile; refused while another holds it.
 */
async function copyLocked(
  driver: StoreDriver,
  path: string,
  target: PostgresTarget,
  project: Project,
  options: CopyProjectOptions,
): Promise<CopyReport> {
  const lock = await driver.tryLock(options.lockedBy ?? "the command line (plutus db copy)");
  if (!lock) {
    const holder = await driver.lockHolder(500);
    throw new RunLockedError(
      `${holder?.what ?? "another run"} is using the project's database; nothing was copied`,
      { hint: "Wait until it has finished, then run plutus db copy again." },
    );
  }
  try {
    return await copySqliteToPostgres(path, target, project.tables, {
      replace: options.replace,
      onTable: options.onTable,
    });
  } finally {
    await lock.release();
  }
}
