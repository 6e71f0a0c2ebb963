/**
 * `plutus check` for a project whose tables live in PostgreSQL: one connection test, told
 * as check items (the server and what the user may do there, or why it cannot connect).
 *
 * @module
 */
import { inlineUrlPassword } from "../../config/env.ts";
import type { Project } from "../project/project.ts";
import { leftBehindSqlite } from "../project/left_behind.ts";
import { projectPostgresTarget } from "../store/postgres/pg_url.ts";
import { ident } from "../store/postgres/pg_sql.ts";
import type { CheckItem } from "./check_project.ts";
import type { ConnectionReport } from "./test_connection.ts";
import { PlutusError } from "../../util/errors.ts";

/**
 * The connection test as check items; none for a SQLite project. A `database:` URL that
 * is wrong as written throws its ConfigError (plutus.yaml:LINE).
 */
export async function checkDatabase(project: Project): Promise<CheckItem[]> {
  const target = projectPostgresTarget({
    configFile: project.configFile,
    config: project.config,
    env: project.env,
  });
  if (!target) return [];
  const mask = (text: string) => project.secrets.mask(text);
  const passwordNote: CheckItem[] = [];
  const written = project.configFile.document.get("database");
  if (typeof written === "string" && inlineUrlPassword(written) !== undefined) {
    passwordNote.push({
      subject: "database password",
      ok: true,
      detail: "plutus.yaml holds the password itself (masked in all output)",
      hint:
        "Move it to .env: write :${PG_PASSWORD}@ in the URL and PG_PASSWORD=… in .env (the GUI's Database page does it when you Save).",
    });
  }
  // the PostgreSQL client loads only for a project that uses it: SQLite checks start fast
  const { testConnection } = await import("./test_connection.ts");
  let report: ConnectionReport;
  try {
    report = await testConnection(target);
  } catch (error) {
    if (!(error instanceof PlutusError)) throw error;
    return [{
      subject: "database",
      ok: false,
      detail: mask(`${error.message} (${target.label})`),
      hint: error.hint && mask(error.hint),
    }, ...passwordNote];
  }
  const local = ["localhost", "127.0.0.1", "::1", "[::1]"].includes(target.host);
  const items: CheckItem[] = [{
    subject: "database",
    ok: true,
    detail: mask(
      `${report.serverVersion} at ${report.label}, ${
        report.tls === true
          ? "encrypted (TLS)"
          : report.tls === false
          ? "not encrypted"
          : "encryption unknown"
      }`,
    ),
    hint: report.tls === false && !local
      ? "The connection to this server is not encrypted: add ?sslmode=require to the URL in database: (docs/postgres.md)."
      : undefined,
  }];
  items.push(...passwordNote);
  if (!report.schemaExists && report.canCreate) {
    // as plutus run does it: the first run creates the schema
    items.push({
      subject: `database schema ${report.schema}`,
      ok: true,
      detail: `not created yet: the first run creates it (user "${report.user}" may)`,
    });
  } else if (!report.schemaExists) {
    items.push({
      subject: `database schema ${report.schema}`,
      ok: false,
      detail:
        `there is no schema "${report.schema}" in database "${report.database}", and user "${report.user}" may not create it`,
      hint: `Ask the server's administrator: ${
        createSchemaSql(report.schema, report.user)
      } — or set database_schema: to one that exists.`,
    });
  } else if (!report.canCreate) {
    items.push({
      subject: `database schema ${report.schema}`,
      ok: false,
      detail: `user "${report.user}" may not create tables in schema ${report.schema}`,
      hint:
        `Ask the server's administrator for: GRANT USAGE, CREATE ON SCHEMA ${report.schema} TO ${report.user}; (docs/postgres.md lists the least privileges Plutus needs).`,
    });
  } else {
    items.push({
      subject: `database schema ${report.schema}`,
      ok: true,
      detail: `user "${report.user}" may create tables there`,
    });
  }
  // a note, not a problem: the runs loaded before the move are in the file, not lost
  const left = await leftBehindSqlite(project);
  if (left) {
    items.push({
      subject: left.file,
      ok: true,
      detail:
        `still holds ${left.summary} from before the project moved to PostgreSQL; the server has not got them`,
      hint: `Copy them there with: ${left.command}`,
    });
  }
  return items;
}

/** The SQL that makes `schema` for `user`, names quoted (a schema named user or order). */
export function createSchemaSql(schema: string, user: string): string {
  return `CREATE SCHEMA ${ident(schema)} AUTHORIZATION ${ident(user)};`;
}
