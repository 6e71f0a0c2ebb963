/**
 * Moving a project from its SQLite file to PostgreSQL (`plutus db copy --to URL`): the
 * URL checked, the run lock held so no run writes meanwhile, every table copied in one
 * transaction (core/store/copy_to_postgres.ts). Switching plutus.yaml afterwards is
 * switchDatabase() (core/project/edit_database.ts), when the analyst says so.
 *
 * @module
 */
import { RunLockedError, UsageError } from "../../util/errors.ts";
import { openDriver } from "../store/open_driver.ts";
import { type CopyReport, copySqliteToPostgres } from "../store/sqlite/copy_to_postgres.ts";
import {
  buildPostgresUrl,
  isPostgresUrl,
  parsePostgresUrl,
  PASSWORD_VARIABLE,
} from "../store/postgres/pg_url.ts";
import { type DatabaseSetting, databaseSetting } from "./edit_database.ts";
import type { Project } from "./project.ts";

/** Options of copyProjectToPostgres(). */
export interface CopyProjectOptions {
  /** `database_schema:` for the server; the project's (or public) when absent. */
  schema?: string;
  replace?: boolean;
  onTable?: (name: string, rows: number) => void;
}

/** What was copied, and the setting that points the project at the server. */
export interface CopyProjectResult {
  report: CopyReport;
  /** For switchDatabase(): the URL with `${PG_PASSWORD}`, the schema, an inline password. */
  setting: DatabaseSetting;
}

/** Copies the project's SQLite database into the PostgreSQL server `to` names. */
export async function copyProjectToPostgres(
  project: Project,
  to: string,
  options: CopyProjectOptions = {},
): Promise<CopyProjectResult> {
  if (isPostgresUrl(project.config.database)) {
    throw new UsageError("this project keeps its tables in PostgreSQL already", {
      hint: "plutus db copy copies a project's SQLite file; to move between servers use pg_dump.",
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
  const driver = openDriver(from);
  const lock = await driver.tryLock("the command line (plutus db copy)");
  if (!lock) {
    const holder = await driver.lockHolder(500);
    throw new RunLockedError(
      `${holder?.what ?? "another run"} is using the project's database; nothing was copied`,
      { hint: "Wait until it has finished, then run plutus db copy again." },
    );
  }
  try {
    const report = await copySqliteToPostgres(from.path, target, project.tables, {
      replace: options.replace,
      onTable: options.onTable,
    });
    return { report, setting };
  } finally {
    await lock.release();
  }
}
