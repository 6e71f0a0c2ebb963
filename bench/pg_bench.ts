/**
 * `deno task bench pg`: the 1M-row orders export (marketing_csv.ts) loaded into PostgreSQL
 * by Plutus's PostgreSQL store, against `psql \copy` of the same file into an unindexed
 * all-text table in the same run on the same server; then an export of the loaded table
 * by the store's COPY … TO STDOUT against `psql \copy (SELECT …) TO`. The server is
 * PLUTUS_TEST_PG_URL, or a throwaway cluster (tests/pg_server.ts).
 *
 * Until the pipeline runs on PostgreSQL (the store interface lands), the Plutus side is
 * bench/pg_load_child.ts: the real store, fed by papaparse and inline conversions instead
 * of the pipeline's worker.
 *
 * @module
 */
import { join } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";
import { cachedFile } from "./csv_bench.ts";
import { measureCommand, type Measured } from "./measure.ts";
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
  const child = fromFileUrl(new URL("./pg_load_child.ts", import.meta.url));
  const { host } = new URL(url);
  const plutus = await measureCommand([
    Deno.execPath(),
    "run",
    `--allow-net=${host}`,
    "--allow-env",
    `--allow-read=${workDir}`,
    child,
    url,
    file,
    schema,
  ]);
  if (plutus.code !== 0) throw new Error(`the PostgreSQL load failed:\n${plutus.stderr}`);
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
  };
}
