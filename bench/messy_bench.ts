/**
 * The messy-file benchmark (issue: speed on messy data): one 1M-row orders export whose ids
 * come in random order with ~37% repeats, loaded by `plutus upload`, by the same rows sorted
 * by id, by `sqlite3 .import` (no cleaning, all text) and by a pandas script doing the same
 * mapping, cleaning, dedupe and load — all in one run, so the ratios compare like with like
 * on this noisy machine. Then `plutus export` of the loaded table against `sqlite3 -csv`.
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import {
  MESSY_CONFIG,
  MESSY_SCHEMA,
  type MessyCounts,
  PANDAS_SCRIPT,
  writeMessyCsv,
} from "./messy_csv.ts";
import {
  commandExists,
  measureCommand,
  type Measured,
  measureSqliteImport,
  PLUTUS,
} from "./measure.ts";

/** Everything one run measured. */
export interface MessyBenchResult {
  rows: number;
  megabytes: number;
  counts: MessyCounts;
  unsorted: Measured;
  sorted: Measured;
  loadedRows: number;
  sqliteImport?: Measured;
  pandas?: Measured;
  pandasRows?: number;
  exported?: Measured;
  sqliteExport?: Measured;
}

/** Generates (or reuses) the files and measures every contender on them. */
export async function benchMessy(rows: number, workDir: string): Promise<MessyBenchResult> {
  await Deno.mkdir(workDir, { recursive: true });
  const file = join(workDir, `messy_${rows}.csv`);
  const sortedFile = join(workDir, `messy_sorted_${rows}.csv`);
  const counts = await cachedFiles(file, sortedFile, rows);

  const sorted = await upload(sortedFile, join(workDir, `messy_sorted_project_${rows}`));
  const project = join(workDir, `messy_project_${rows}`);
  const unsorted = await upload(file, project);
  const dbPath = join(project, "data", "plutus.db");
  const db = new DatabaseSync(dbPath, { readOnly: true });
  const loadedRows = (db.prepare("SELECT count(*) AS n FROM orders").get() as { n: number }).n;
  db.close();

  const result: MessyBenchResult = {
    rows,
    megabytes: (await Deno.stat(file)).size / 1e6,
    counts,
    unsorted,
    sorted,
    loadedRows,
  };
  if (await commandExists("sqlite3")) {
    result.sqliteImport = await measureSqliteImport(file, workDir);
    const out = join(workDir, "messy_sqlite_export.csv");
    result.sqliteExport = await measureCommand([
      "sh",
      "-c",
      `sqlite3 -csv -header '${dbPath}' 'SELECT * FROM orders' > '${out}'`,
    ]);
    await Deno.remove(out).catch(() => {});
  }
  // -o takes a name: the file goes into the project's exports/
  result.exported = await measureCommand([
    ...PLUTUS,
    "export",
    "orders",
    "-o",
    "bench.csv",
    "--project",
    project,
  ]);
  if (result.exported.code !== 0) {
    throw new Error(`plutus export failed (${result.exported.code}):\n${result.exported.stderr}`);
  }
  await Deno.remove(join(project, "exports", "bench.csv"));
  const python = await pandasPython();
  if (python) {
    const target = join(workDir, "messy_pandas.db");
    await Deno.remove(target).catch(() => {});
    result.pandas = await measureCommand([python, "-c", PANDAS_SCRIPT, file, target]);
    result.pandasRows = Number(result.pandas.stdout.trim());
    await Deno.remove(target).catch(() => {});
  }
  return result;
}

/** A fresh project with the messy source, loaded with `plutus upload`. */
async function upload(file: string, project: string): Promise<Measured> {
  await Deno.remove(project, { recursive: true }).catch(() => {});
  await Deno.mkdir(join(project, "schema"), { recursive: true });
  await Deno.writeTextFile(join(project, "plutus.yaml"), MESSY_CONFIG);
  await Deno.writeTextFile(join(project, "schema", "orders.yaml"), MESSY_SCHEMA);
  const measured = await measureCommand([...PLUTUS, "upload", file, "--project", project]);
  if (measured.code !== 0) {
    throw new Error(
      `plutus upload failed (${measured.code}):\n${measured.stderr}${measured.stdout}`,
    );
  }
  return measured;
}

/** A Python with pandas (Debian's python3-pandas is for /usr/bin/python3), if any. */
async function pandasPython(): Promise<string | undefined> {
  for (const python of ["python3", "/usr/bin/python3"]) {
    try {
      const { code } = await new Deno.Command(python, {
        args: ["-c", "import pandas"],
        stdout: "null",
        stderr: "null",
      }).output();
      if (code === 0) return python;
    } catch {
      // not there: try the next
    }
  }
  return undefined;
}

async function cachedFiles(file: string, sortedFile: string, rows: number): Promise<MessyCounts> {
  const countsFile = `${file}.counts.json`;
  try {
    await Deno.stat(sortedFile);
    return JSON.parse(await Deno.readTextFile(countsFile));
  } catch {
    const counts = await writeMessyCsv(file, sortedFile, rows);
    await Deno.writeTextFile(countsFile, JSON.stringify(counts));
    return counts;
  }
}
