/**
 * Helpers for end-to-end tests: run the CLI in this process (`runCli`, fast) or as a
 * separate process with the permissions the compiled binary has (`plutus`), in throwaway
 * project folders.
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { runCli as cliMain } from "../cli/main.ts";
import { RUN_FLAGS } from "../runtime_flags.ts";

/** The repository's main.ts. */
export const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));
/** The repository root. */
export const ROOT = fileURLToPath(new URL("..", import.meta.url));

/**
 * The environment of every run a test starts: no colours; files written by a test a moment
 * ago are complete, so no wait for a writer (SETTLE_MS).
 */
export const TEST_ENV: Readonly<Record<string, string>> = { NO_COLOR: "1", PLUTUS_SETTLE_MS: "0" };

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
    env: { ...TEST_ENV, ...options.env },
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

/** What `runCli` runs with, besides the arguments. */
export interface RunCliOptions {
  /** The current folder for the call (default: the `--project` folder, as `plutus()`). */
  cwd?: string;
  /** Environment variables set for the call, restored after it. */
  env?: Record<string, string>;
  /** What the command reads on stdin (default: nothing; stdin is never a terminal). */
  stdin?: string;
}

let cliBusy = false;

/**
 * Runs `plutus ARGS` in this process, as `plutus()` does in a new one, and captures what it
 * writes to stdout and stderr and its exit code: no start-up per call. Differences from
 * the real binary, for which tests keep `plutus()`: all permissions (no confinement to the
 * project folder, no relaunch there), and one call at a time — the current folder, the
 * environment and the standard streams are the process's own, set for the call and restored
 * after it.
 */
export async function runCli(args: string[], options: RunCliOptions = {}): Promise<CliResult> {
  if (cliBusy) {
    throw new Error("runCli: one call at a time; use plutus() for runs side by side");
  }
  cliBusy = true;
  const project = args.indexOf("--project");
  const cwd = options.cwd ?? (project >= 0 ? existingFolder(args[project + 1]!) : undefined);
  const env = { ...TEST_ENV, ...options.env };
  const savedEnv = Object.keys(env).map((name) => [name, Deno.env.get(name)] as const);
  const savedCwd = Deno.cwd();
  const out = new Capture();
  const err = new Capture();
  const restore = [
    stub(Deno.stdout, { writeSync: out.writeSync, write: out.write, isTerminal: () => false }),
    stub(Deno.stderr, { writeSync: err.writeSync, write: err.write, isTerminal: () => false }),
    stub(Deno.stdin, stdinStub(options.stdin ?? "")),
    stub(console, {
      log: out.line,
      info: out.line,
      debug: out.line,
      error: err.line,
      warn: err.line,
    }),
  ];
  try {
    for (const [name, value] of Object.entries(env)) Deno.env.set(name, value);
    // process.chdir, not Deno.chdir: a library that caches process.cwd() (graceful-fs, in
    // playwright-core) forgets it only then, and node:path's resolve() asks process.cwd()
    if (cwd) process.chdir(cwd);
    const code = await cliMain(args);
    return { code, stdout: out.text(), stderr: err.text() };
  } finally {
    process.chdir(savedCwd);
    for (const [name, value] of savedEnv) {
      if (value === undefined) Deno.env.delete(name);
      else Deno.env.set(name, value);
    }
    for (const undo of restore.reverse()) undo();
    cliBusy = false;
  }
}

/** Collects what is written to a stream. */
class Capture {
  #chunks: Uint8Array[] = [];
  writeSync = (bytes: Uint8Array): number => {
    this.#chunks.push(bytes.slice());
    return bytes.length;
  };
  write = (bytes: Uint8Array): Promise<number> => Promise.resolve(this.writeSync(bytes));
  line = (...values: unknown[]): void => {
    const text = values.map((value) => typeof value === "string" ? value : Deno.inspect(value));
    this.writeSync(new TextEncoder().encode(`${text.join(" ")}\n`));
  };
  text(): string {
    const decoder = new TextDecoder();
    return this.#chunks.map((chunk) => decoder.decode(chunk, { stream: true })).join("") +
      decoder.decode();
  }
}

function stdinStub(text: string): Record<string, unknown> {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  const readSync = (into: Uint8Array): number | null => {
    if (at >= bytes.length) return null;
    const n = Math.min(into.length, bytes.length - at);
    into.set(bytes.subarray(at, at + n));
    at += n;
    return n;
  };
  return {
    isTerminal: () => false,
    readSync,
    read: (into: Uint8Array) => Promise.resolve(readSync(into)),
  };
}

/** Replaces methods of `target` with own properties; returns the function that undoes it. */
function stub(target: object, methods: Record<string, unknown>): () => void {
  const own = Object.keys(methods).map((name) =>
    [name, Object.getOwnPropertyDescriptor(target, name)] as const
  );
  for (const [name, value] of Object.entries(methods)) {
    Object.defineProperty(target, name, { value, configurable: true, writable: true });
  }
  return () => {
    for (const [name, descriptor] of own) {
      if (descriptor) Object.defineProperty(target, name, descriptor);
      else delete (target as Record<string, unknown>)[name];
    }
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

/**
 * `work`, or a rejection with `message` if it has not settled within `ms`: a test of a
 * hang fails with its cause (the bound is far above the time the work takes).
 */
export async function within<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
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
