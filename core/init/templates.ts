/**
 * The files `plutus init` writes into a new project. They are TypeScript strings, not
 * files read from the source tree, so the compiled binary carries them.
 *
 * @module
 */
import { yamlScalar } from "../project/yaml_text_edit.ts";

/** plutus.yaml of a new project: one example source, explained line by line. */
export const PLUTUS_YAML = `# Plutus project configuration. Reference: docs/configuration.md
#
# Where the unified SQLite database lives (relative to this folder).
database: data/plutus.db

# A step (one file) fails and loads nothing when more than this share of its rows is
# rejected; 0.05 is 5%. Rejected rows are listed by: plutus status RUN
reject_limit: 0.05

sources:
  # A file source reads files you drop into inbox/ (or add with: plutus upload FILE).
  leads_csv:
    kind: file
    files: "leads*.csv"         # which file names this source reads (* is any text)
    table: leads                # the table in schema/leads.yaml
    # csv: { delimiter: ",", encoding: utf-8, skip_lines: 0 }   # found automatically when absent
    # stop_at: '^Total\\s*(:|\\(|$)'   # stop at a footer row "Total: …", not "Totally…"
    columns:                    # table column: header in the file
      email: Email
      first_name: First Name
      created_at: { from: Created, clean: [{ parse_date: "MM/DD/YYYY" }] }
      # Columns not listed are read from a header with the same name, if there is one.
`;

/**
 * Points a new plutus.yaml at the database `plutus init --database` named: a SQLite path,
 * or a PostgreSQL URL (its password already a `${PG_PASSWORD}` reference).
 */
export function withDatabase(yaml: string, database: string): string {
  const postgres = /^postgres(?:ql)?:\/\//i.test(database);
  return yaml.replace(
    /^(# Where the unified SQLite database lives.*\n)?database: .*\n/m,
    (_, comment: string | undefined) =>
      (postgres
        ? "# The PostgreSQL server the unified tables live in; the password is PG_PASSWORD in .env.\n" +
          "# Reference: docs/postgres.md\n"
        : comment ?? "") +
      `database: ${yamlScalar(database)}\n`,
  );
}

/**
 * Puts the `timezone:` setting, with this machine's zone, after the `database:` line of a
 * new plutus.yaml: a project keeps reading times the same way when it moves machines.
 */
export function withTimeZone(yaml: string, timeZone: string): string {
  return yaml.replace(
    /^database: .*\n/m,
    (line) =>
      `${line}\n# How dates and times written without an offset (no Z, no +02:00) are read: an IANA\n` +
      `# zone name. The database stores every datetime in UTC. Set from this machine's zone.\n` +
      `timezone: ${timeZone}\n`,
  );
}

/** An example table definition. */
export const LEADS_SCHEMA = `# The leads table. Reference: docs/configuration.md#schema-files
columns:
  email:      { type: email, required: true, clean: [trim, lower] }
  first_name: { type: text, clean: [trim, title] }
  created_at: { type: datetime }
  stage:      { type: text, values: [subscriber, lead, mql, sql, opportunity, customer] }

# Rows with the same email are one lead; of two, the one created later wins.
key: [email]
keep: latest          # first | last | latest
order_by: created_at
`;

/** .env: where API keys go. */
export const ENV_FILE = `# Secrets for this project, one per line: NAME=value
# Refer to them in plutus.yaml as \${NAME}. Plutus never prints or logs them.
# Keep this file private: do not share or commit it.
`;

/** What version control and sync tools should leave out: data and secrets. */
export const GITIGNORE = `# Data and secrets stay on this machine.
.env
data/
inbox/
archive/
logs/
exports/
`;

/** Folders a project has, each with what it is for. */
export const FOLDERS: Record<string, string> = {
  inbox: "files waiting to be loaded: drop exports here, then run plutus run",
  archive: "files already loaded, by date; Plutus never deletes them",
  data: "the SQLite database",
  logs: "one log per run, and errors-YYYY-MM-DD.log per day",
  exports: "CSV exports",
  schema: "one YAML file per table",
};
