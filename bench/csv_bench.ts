/**
 * The CSV benchmark: a 1,000,000-row (and a 4,000,000-row) marketing export loaded with
 * the real CLI, `plutus upload`, timed end to end with the peak memory of the process,
 * and compared with the sqlite3 shell's `.import` of the same file where sqlite3 exists.
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import {
  type GeneratedCounts,
  ORDERS_CONFIG,
  ORDERS_SCHEMA,
  writeOrdersCsv,
} from "./marketing_csv.ts";
import {
  commandExists,
  measureCommand,
  type Measured,
  measureSqliteImport,
  PLUTUS,
} from "./measure.ts";

/** One benchmark result line. */
export interface CsvBenchResult {
  rows: number;
  megabytes: number;
  plutus: Measured;
  rowsPerSecond: number;
  sqliteImport?: Measured;
  loadedRows: number;
  expectedRows: number;
}

/** Generates (or reuses) the file, loads it into a fresh project, checks the result. */
export async function benchCsv(rows: number, workDir: string): Promise<CsvBenchResult> {
  await Deno.mkdir(workDir, { recursive: true });
  const file = join(workDir, `orders_${rows}.csv`);
  const counts = await cachedFile(file, rows);

  const project = join(workDir, `project_${rows}`);
  await Deno.remove(project, { recursive: true }).catch(() => {});
  await Deno.mkdir(join(project, "schema"), { recursive: true });
  await Deno.writeTextFile(join(project, "plutus.yaml"), ORDERS_CONFIG);
  await Deno.writeTextFile(join(project, "schema", "orders.yaml"), ORDERS_SCHEMA);

  const plutus = await measureCommand([...PLUTUS, "upload", file, "--project", project]);
  if (plutus.code !== 0) {
    throw new Error(`plutus upload failed (${plutus.code}):\n${plutus.stderr}${plutus.stdout}`);
  }
  const db = new DatabaseSync(join(project, "data", "plutus.db"), { readOnly: true });
  const loadedRows = (db.prepare("SELECT count(*) AS n FROM orders").get() as { n: number }).n;
  db.close();
  const expectedRows = counts.rows - counts.duplicates - counts.bad;

  let sqliteImport: Measured | undefined;
  if (await commandExists("sqlite3")) sqliteImport = await measureSqliteImport(file, workDir);
  await Deno.remove(project, { recursive: true });
  return {
    rows,
    megabytes: (await Deno.stat(file)).size / 1e6,
    plutus,
    rowsPerSecond: rows / (plutus.ms / 1000),
    sqliteImport,
    loadedRows,
    expectedRows,
  };
}

/** Writes the file once; later runs reuse it (its counts are kept beside it). */
export async function cachedFile(file: string, rows: number): Promise<GeneratedCounts> {
  const countsFile = `${file}.counts.json`;
  try {
    return JSON.parse(await Deno.readTextFile(countsFile));
  } catch {
    const counts = await writeOrdersCsv(file, rows);
    await Deno.writeTextFile(countsFile, JSON.stringify(counts));
    return counts;
  }
}
