/**
 * A PostgreSQL server for tests. `testPgUrl()` gives the URL of a superuser on it:
 * `PLUTUS_TEST_PG_URL` when set (CI, or a developer's own server); else, when PostgreSQL's
 * binaries are installed, a throwaway cluster started once per test process (initdb in a
 * temp folder, as the `postgres` user when running as root, on a free local port) and
 * stopped when the process exits; else undefined, and the PostgreSQL tests skip — except
 * when `CI=true`, where a missing server fails them instead of hiding them.
 *
 * Each test takes its own database from `freshDatabase()`, dropped after, so tests can run
 * at the same time against one server.
 *
 * @module
 */
import { existsSync } from "node:fs";

/** Where Debian and most Linux distributions put PostgreSQL's server programs. */
const BIN_DIRS = [
  "/usr/lib/postgresql/17/bin",
  "/usr/lib/postgresql/16/bin",
  "/usr/lib/postgresql/15/bin",
];

/** The role the throwaway cluster creates for tests, and its password. */
const ROLE = "plutus_test";
const PASSWORD = "plutus-test-pw";

let started: Promise<string | undefined> | undefined;

/**
 * The URL of a PostgreSQL superuser for tests, or undefined when no server can be had
 * (throws instead when `CI=true`).
 */
export function testPgUrl(): Promise<string | undefined> {
  started ??= findOrStart();
  return started;
}

/** Whether the PostgreSQL tests can run here: for `Deno.test({ ignore })`. */
export async function pgMissing(): Promise<boolean> {
  return (await testPgUrl()) === undefined;
}

async function findOrStart(): Promise<string | undefined> {
  const given = Deno.env.get("PLUTUS_TEST_PG_URL");
  if (given) return given;
  const bin = BIN_DIRS.find((dir) => existsSync(`${dir}/pg_ctl`));
  if (!bin) {
    if (Deno.env.get("CI") === "true") {
      throw new Error(
        "CI=true but no PostgreSQL server: set PLUTUS_TEST_PG_URL or install postgresql (.ci/run does)",
      );
    }
    return undefined;
  }
  return await startCluster(bin);
}

async function run(command: string, args: string[], asPostgres: boolean): Promise<string> {
  const [program, argv] = asPostgres
    ? ["runuser", ["-u", "postgres", "--", command, ...args]]
    : [command, args];
  const output = await new Deno.Command(program, { args: argv, stdin: "null" }).output();
  const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
  if (!output.success) throw new Error(`${command} ${args.join(" ")} failed: ${text}`);
  return text;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

async function startCluster(bin: string): Promise<string> {
  const asPostgres = Deno.uid() === 0; // initdb refuses to run as root
  const dir = await Deno.makeTempDir({ prefix: "plutus_pg_" });
  if (asPostgres) await run("chown", ["postgres", dir], false);
  const data = `${dir}/data`;
  const pwfile = `${dir}/pw`;
  await Deno.writeTextFile(pwfile, PASSWORD);
  if (asPostgres) await run("chown", ["postgres", pwfile], false);
  await run(`${bin}/initdb`, [
    "-D",
    data,
    "-U",
    ROLE,
    `--pwfile=${pwfile}`,
    "--auth-local=trust",
    "--auth-host=scram-sha-256",
    "--encoding=UTF8",
    "--locale=C.UTF-8",
    "--no-sync",
  ], asPostgres);
  const port = freePort();
  // durability off: a test server that dies takes nothing of value with it
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off ` +
    `-c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  await run(
    `${bin}/pg_ctl`,
    ["-D", data, "-l", `${dir}/log`, "-o", options, "-w", "start"],
    asPostgres,
  );
  globalThis.addEventListener("unload", () => {
    const args = ["-D", data, "-m", "immediate", "stop"];
    new Deno.Command(asPostgres ? "runuser" : `${bin}/pg_ctl`, {
      args: asPostgres ? ["-u", "postgres", "--", `${bin}/pg_ctl`, ...args] : args,
      stdout: "null",
      stderr: "null",
    }).outputSync();
    Deno.removeSync(dir, { recursive: true });
  });
  return `postgres://${ROLE}:${PASSWORD}@127.0.0.1:${port}/postgres`;
}

/** A database of one test: its URL (the superuser's) and a way to drop it. */
export interface TestDatabase {
  url: string;
  name: string;
  /** The server's admin URL (the `postgres` database). */
  adminUrl: string;
  drop(): Promise<void>;
}

let databaseNumber = 0;

/**
 * Creates an empty database for one test (undefined where no server can be had). With
 * `naturalLanguageOrder`, text sorts as people read it (ICU en-US: "a" before "B"), as on
 * most servers, rather than by code point as the test cluster's C locale does: a test of
 * ordering then sees what a real server would do (PostgreSQL 15+ with ICU).
 */
export async function freshDatabase(
  options: { naturalLanguageOrder?: boolean } = {},
): Promise<TestDatabase | undefined> {
  const adminUrl = await testPgUrl();
  if (!adminUrl) return undefined;
  const name = `plutus_t${Deno.pid}_${++databaseNumber}_${Date.now() % 100000}`;
  // PostgreSQL 15 copies the template page by page through its write-ahead log; copied as
  // files (as before 15) a test's database costs the server a third of the CPU (~30 ms, not
  // ~60-100 ms, with its drop)
  const strategy = await fileCopyStrategy(adminUrl);
  await adminSql(adminUrl, [
    options.naturalLanguageOrder
      ? `CREATE DATABASE ${name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'${strategy}`
      : `CREATE DATABASE ${name}${strategy}`,
  ]);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    adminUrl,
    drop: () => adminSql(adminUrl, [`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`]),
  };
}

let fileCopy: Promise<string> | undefined;

/** ` STRATEGY FILE_COPY` where the server knows it (PostgreSQL 15 and later), else nothing. */
function fileCopyStrategy(adminUrl: string): Promise<string> {
  fileCopy ??= (async () => {
    const { default: postgres } = await import("postgres");
    const sql = postgres(adminUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
    try {
      const [row] = await sql`SELECT current_setting('server_version_num')::int AS version`;
      return row!.version >= 150000 ? " STRATEGY FILE_COPY" : "";
    } finally {
      await sql.end({ timeout: 5 });
    }
  })();
  return fileCopy;
}

/** Runs statements as the test server's superuser, each on its own (CREATE DATABASE needs it). */
export async function adminSql(url: string, statements: string[]): Promise<void> {
  const { default: postgres } = await import("postgres");
  const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    for (const statement of statements) await sql.unsafe(statement);
  } finally {
    await sql.end({ timeout: 5 });
  }
}
