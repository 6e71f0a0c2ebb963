/**
 * `deno task bench pg`: the orders export (marketing_csv.ts; 1M rows, or `--rows N`) loaded
 * into PostgreSQL by the real CLI, `plutus upload` into a project whose `database:` is the
 * server, against `psql \copy` of the same file into an unindexed all-text table in the
 * same run on the same server; then the real `plutus export orders` of the loaded table
 * against `psql \copy (SELECT …) TO`. The server is PLUTUS_TEST_PG_URL, or a
 * throwaway cluster (tests/pg_server.ts).
 *
 * @module
 */
import { join } from "node:path";
import { cachedFile } from "./csv_bench.ts";
import { ORDERS_CONFIG, ORDERS_SCHEMA } from "./marketing_csv.ts";
import { measureCommand, type Measured, PLUTUS } from "./measure.ts";
import { adminSql, testPgUrl } from "../tests/pg_server.ts";

/** What the PostgreSQL benchmark measured. */
export interface PgBenchResult {
  rows: number;
  plutus: Measured;
  psqlCopy: Measured;
  exportPlutus: Measured;
  exportPsql: Measured;
  loadedRows: number;
  /** Whether psql's connection used TLS, as the server says (the client's is the same URL). */
  tls: boolean;
  /** The data lines of the file `plutus export` wrote. */
  exportedRows: number;
  expectedRows: number;
  /** The step's own account of its time (the run log's "timing:" line). */
  timing: string;
}

const PSQL = ["/usr/bin/psql", "/usr/lib/postgresql/15/bin/psql"].find((path) => {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}) ?? "psql";

/** Loads `rows` rows both ways and exports them both ways. */
export async function benchPg(rows: number, workDir: string): Promise<PgBenchResult> {
  const url = await testPgUrl();
  if (!url) throw new Error("no PostgreSQL server: set PLUTUS_TEST_PG_URL or install postgresql");
  await Deno.mkdir(workDir, { recursive: true });
  const file = join(workDir, `orders_${rows}.csv`);
  const counts = await cachedFile(file, rows);
  const schema = "plutus_bench";
  await adminSql(url, [
    `DROP SCHEMA IF EXISTS ${schema} CASCADE`,
    `DROP TABLE IF EXISTS psql_orders`,
    `CREATE TABLE psql_orders (order_id text, order_date text, email text, first_name text,
       last_name text, country text, channel text, campaign text, product text,
       quantity text, amount text, status text)`,
  ]);
  // the password goes in the project's .env, as an analyst keeps it
  const server = new URL(url);
  const password = decodeURIComponent(server.password);
  server.password = "PG_PASSWORD_REF"; // the URL setter would encode "${"
  const project = join(workDir, `pg_project_${rows}`);
  await Deno.remove(project, { recursive: true }).catch(() => {});
  await Deno.mkdir(join(project, "schema"), { recursive: true });
  await Deno.writeTextFile(
    join(project, "plutus.yaml"),
    `database: ${
      server.href.replace("PG_PASSWORD_REF", "${PG_PASSWORD}")
    }\ndatabase_schema: ${schema}\n${ORDERS_CONFIG}`,
  );
  await Deno.writeTextFile(join(project, "schema", "orders.yaml"), ORDERS_SCHEMA);
  await Deno.writeTextFile(join(project, ".env"), `PG_PASSWORD=${password}\n`, { mode: 0o600 });
  const plutus = await measureCommand([...PLUTUS, "upload", file, "--project", project]);
  if (plutus.code !== 0) {
    throw new Error(`plutus upload failed (${plutus.code}):\n${plutus.stderr}${plutus.stdout}`);
  }
  let timing = "";
  for await (const entry of Deno.readDir(join(project, "logs"))) {
    const log = await Deno.readTextFile(join(project, "logs", entry.name));
    timing = log.match(/timing: (.*)/)?.[1] ?? timing;
  }
  const psqlCopy = await measureCommand([
    PSQL,
    url,
    "-v",
    "ON_ERROR_STOP=1",
    "-c",
    `\\copy psql_orders FROM '${file}' WITH (FORMAT csv, HEADER true)`,
  ]);
  if (psqlCopy.code !== 0) throw new Error(`psql \\copy failed:\n${psqlCopy.stderr}`);
  const tls = await measureCommand([
    PSQL,
    url,
    "-At",
    "-c",
    "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
  ]);
  const loaded = await measureCommand([
    PSQL,
    url,
    "-At",
    "-c",
    `SELECT count(*) FROM ${schema}.orders`,
  ]);

  // the export the analyst runs, of the table just loaded, against psql's
  const exportPlutus = await measureCommand([
    ...PLUTUS,
    "export",
    "orders",
    "--output",
    "bench.csv",
    "--project",
    project,
  ]);
  if (exportPlutus.code !== 0) {
    throw new Error(`plutus export failed:\n${exportPlutus.stderr}${exportPlutus.stdout}`);
  }
  const exportedLines = await countLines(join(project, "exports", "bench.csv"));
  await Deno.remove(project, { recursive: true });
  const exportPsql = await measureCommand([
    PSQL,
    url,
    "-c",
    `\\copy (SELECT * FROM ${schema}.orders) TO '${
      join(workDir, "psql_export.csv")
    }' WITH (FORMAT csv, HEADER true)`,
  ]);
  if (exportPsql.code !== 0) throw new Error(`psql \\copy TO failed:\n${exportPsql.stderr}`);
  await Deno.remove(join(workDir, "psql_export.csv")).catch(() => {});
  await adminSql(url, [
    `DROP SCHEMA IF EXISTS ${schema} CASCADE`,
    "DROP TABLE IF EXISTS psql_orders",
  ]);
  return {
    rows,
    plutus,
    psqlCopy,
    exportPlutus,
    exportPsql,
    loadedRows: Number(loaded.stdout.trim()),
    exportedRows: exportedLines - 1,
    tls: tls.stdout.trim() === "t",
    expectedRows: counts.rows - counts.duplicates - counts.bad,
    timing,
  };
}

/** The lines of a file (its line feeds), read piece by piece. */
async function countLines(path: string): Promise<number> {
  let lines = 0;
  using file = await Deno.open(path);
  const buffer = new Uint8Array(1 << 20);
  for (;;) {
    const read = await file.read(buffer);
    if (read === null) return lines;
    for (let i = 0; i < read; i++) if (buffer[i] === 10) lines++;
  }
}
