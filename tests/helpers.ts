/**
 * Helpers for end-to-end tests: run the real CLI as a separate process, with the
 * permissions the compiled binary has, in throwaway project folders.
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { RUN_FLAGS } from "../runtime_flags.ts";

/** The repository's main.ts. */
export const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));
/** The repository root. */
export const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** What a CLI run printed and how it exited. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `plutus ARGS` in `cwd` and waits for it. Without a `cwd`, it runs in the `--project`
 * folder, as an analyst would: from elsewhere it would run itself again there.
 */
export async function plutus(
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<CliResult> {
  const project = args.indexOf("--project");
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...RUN_FLAGS, MAIN, ...args],
    cwd: options.cwd ?? (project >= 0 ? existingFolder(args[project + 1]!) : undefined),
    // files written by a test a moment ago are complete: no wait for a writer (SETTLE_MS)
    env: { NO_COLOR: "1", PLUTUS_SETTLE_MS: "0", ...options.env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

function existingFolder(path: string): string | undefined {
  try {
    return Deno.statSync(path).isDirectory ? path : undefined;
  } catch {
    return undefined;
  }
}

/** Fails with the CLI's output when the exit code is not the expected one. */
export function expectCode(result: CliResult, code: number): CliResult {
  if (result.code !== code) {
    throw new Error(
      `expected exit code ${code}, got ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`,
    );
  }
  return result;
}

/** A temporary folder, removed after `test` (whatever happens). */
export async function withTempDir(test: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "plutus-test-" });
  try {
    await test(dir);
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/** Writes files into a folder: `{ "plutus.yaml": "...", "schema/leads.yaml": "..." }`. */
export async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [name, text] of Object.entries(files)) {
    const path = join(dir, name);
    await Deno.mkdir(join(path, ".."), { recursive: true });
    await Deno.writeTextFile(path, text);
  }
}

/** Rows of a read-only query on the project's database. */
export function query(
  projectDir: string,
  sql: string,
  ...params: (string | number)[]
): Record<string, unknown>[] {
  const db = new DatabaseSync(join(projectDir, "data", "plutus.db"), { readOnly: true });
  try {
    return db.prepare(sql).all(...params).map((row) => ({ ...row }));
  } finally {
    db.close();
  }
}

/** The files in a folder (not recursive), sorted; an absent folder has none. */
export async function filesIn(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) if (entry.isFile) names.push(entry.name);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return names.sort();
}

/** A small project with one table and one file source, for tests that need their own data. */
export const LEADS_PROJECT = {
  "plutus.yaml": `sources:
  crm:
    kind: file
    files: "leads*.csv"
    table: leads
    columns:
      email: Email
      stage: Stage
      amount: { from: Amount, clean: [parse_number] }
`,
  "schema/leads.yaml": `columns:
  email:  { type: email, required: true, clean: [trim, lower] }
  stage:  { type: text, values: [lead, mql, sql, customer] }
  amount: { type: decimal, min: 0 }
key: [email]
keep: last
`,
};

/** The database backends a project can use; tests of the pipeline run on each. */
export const BACKENDS = ["sqlite", "postgres"] as const;

/** A database backend. */
export type Backend = typeof BACKENDS[number];

/** The database of a test project, whichever backend holds it. */
export interface ProjectDb {
  backend: Backend;
  /** Rows of a read-only query (numbers as numbers on both backends). */
  query(sql: string, ...params: (string | number)[]): Promise<Record<string, unknown>[]>;
  /** Whether a table of that name exists (in the project's schema). */
  hasTable(name: string): Promise<boolean>;
}

/** Whether `backend` cannot be tested here (no PostgreSQL server): for `Deno.test({ ignore })`. */
export async function backendMissing(backend: Backend): Promise<boolean> {
  if (backend === "sqlite") return false;
  const { pgMissing } = await import("./pg_server.ts");
  return await pgMissing();
}

/**
 * A temporary project folder with `files` in it, whose plutus.yaml points at a fresh
 * database of `backend` (for PostgreSQL: a database of its own on the test server, the
 * password in .env as PG_PASSWORD, dropped after), removed after `test`.
 */
export async function withProject(
  backend: Backend,
  files: Record<string, string>,
  test: (dir: string, db: ProjectDb) => Promise<void>,
): Promise<void> {
  if (backend === "sqlite") {
    return await withTempDir(async (dir) => {
      await writeFiles(dir, files);
      await test(dir, {
        backend,
        query: (sql, ...params) => Promise.resolve(query(dir, sql, ...params)),
        hasTable: (name) =>
          Promise.resolve(
            query(dir, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name = ?", name)
              .length === 1,
          ),
      });
    });
  }
  const { freshDatabase } = await import("./pg_server.ts");
  const { connectPg } = await import("../core/store/postgres/pg_connect.ts");
  const database = await freshDatabase();
  if (!database) throw new Error("no PostgreSQL server for the tests (see tests/pg_server.ts)");
  const url = new URL(database.url);
  const password = decodeURIComponent(url.password);
  url.password = "PG_PASSWORD_REF";
  const written = url.toString().replace("PG_PASSWORD_REF", "${PG_PASSWORD}");
  const sql = connectPg(database.url, { applicationName: "plutus test" });
  try {
    await withTempDir(async (dir) => {
      await writeFiles(dir, {
        ...files,
        "plutus.yaml": `database: ${written}\n${files["plutus.yaml"] ?? ""}`,
        ".env": `${files[".env"] ?? ""}PG_PASSWORD=${password}\n`,
      });
      await test(dir, {
        backend,
        query: async (text, ...params) => [...await sql.unsafe(text, params)],
        hasTable: async (name) =>
          (await sql.unsafe(
            "SELECT 1 FROM information_schema.tables WHERE table_schema = 'public' AND table_name = $1",
            [name],
          )).length === 1,
      });
    });
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
    await database.drop();
  }
}
