/**
 * `deno task bench pg`: the orders export (marketing_csv.ts; 1M rows, or `--rows N`) loaded
 * into PostgreSQL by the real CLI, `plutus upload` into a project whose `database:` is the
 * server, against `psql \copy` of the same file into an unindexed all-text table in the
 * same run on the same server; then an export of the loaded table by the store's COPY … TO
 * STDOUT against `psql \copy (SELECT …) TO`. The server is PLUTUS_TEST_PG_URL, or a
 * throwaway cluster (tests/pg_server.ts).
 *
 * @module
 */
import { join } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";
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
  await Deno.remove(project, { recursive: true });
  const psqlCopy = await measureCommand([
    PSQL,
    url,
    "-v",
    "ON_ERROR_STOP=1",
    "-c",
    `\\copy psql_orders FROM '${file}' WITH (FORMAT csv, HEADER true)`,
  ]);
  if (psqlCopy.code !== 0) throw new Error(`psql \\copy failed:\n${psqlCopy.stderr}`);
  const loaded = await measureCommand([
    PSQL,
    url,
    "-At",
    "-c",
    `SELECT count(*) FROM ${schema}.orders`,
  ]);

  const exportFile = join(workDir, "pg_export.csv");
  const exportPlutus = await measureCommand([
    Deno.execPath(),
    "eval",
    `--config=${fromFileUrl(new URL("../deno.json", import.meta.url))}`,
    `import { PgDriver } from ${
      JSON.stringify(new URL("../core/store/postgres/pg_driver.ts", import.meta.url).href)
    };
     const driver = new PgDriver({ kind: "postgres", url: ${
      JSON.stringify(url)
    }, schema: "${schema}" });
     const file = await Deno.open(${
      JSON.stringify(exportFile)
    }, { write: true, create: true, truncate: true });
     for await (const chunk of driver.copyOut("SELECT * FROM orders", { timeoutSeconds: 600 })) {
       let written = 0;
       while (written < chunk.length) written += await file.write(chunk.subarray(written));
     }
     file.close();`,
  ]);
  if (exportPlutus.code !== 0) throw new Error(`the export failed:\n${exportPlutus.stderr}`);
  const exportPsql = await measureCommand([
    PSQL,
    url,
    "-c",
    `\\copy (SELECT * FROM ${schema}.orders) TO '${
      join(workDir, "psql_export.csv")
    }' WITH (FORMAT csv, HEADER true)`,
  ]);
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
    expectedRows: counts.rows - counts.duplicates - counts.bad,
    timing,
  };
}
