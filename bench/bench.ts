/**
 * `deno task bench`: Plutus's performance targets, measured.
 *
 *   deno task bench            the CSV benchmark, 1M and 4M rows
 *   deno task bench --quick    1M rows only
 *
 * Files go to .out/bench/ (git-ignored) and are reused between runs.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { fileURLToPath as fromFileUrl } from "node:url";
import { benchCsv, type CsvBenchResult } from "./csv_bench.ts";

const TARGET_ROWS_PER_SECOND = 100_000;
const TARGET_PEAK_MB = 250;

const { values } = parseArgs({ args: Deno.args, options: { quick: { type: "boolean" } } });
const workDir = fromFileUrl(new URL("../.out/bench/", import.meta.url));
const sizes = values.quick ? [1_000_000] : [1_000_000, 4_000_000];

console.log(`CSV: plutus upload of a 12-column marketing export (2% duplicates, 0.5% bad rows)\n`);
const results: CsvBenchResult[] = [];
for (const rows of sizes) {
  const result = await benchCsv(rows, workDir);
  results.push(result);
  report(result);
}
const failedTargets = results.filter((r) =>
  r.rowsPerSecond < TARGET_ROWS_PER_SECOND || (r.plutus.peakMb ?? 0) > TARGET_PEAK_MB
);
console.log(
  failedTargets.length === 0
    ? `\nAll targets met (≥ ${
      TARGET_ROWS_PER_SECOND.toLocaleString("en-US")
    } rows/s, ≤ ${TARGET_PEAK_MB} MB).`
    : `\nTargets missed: ${
      failedTargets.map((r) => `${r.rows.toLocaleString("en-US")} rows`).join(", ")
    }.`,
);
if (results.some((r) => r.loadedRows !== r.expectedRows)) Deno.exit(1);

function report(result: CsvBenchResult): void {
  const seconds = result.plutus.ms / 1000;
  const mark = (ok: boolean) => (ok ? "ok" : "MISSED");
  console.log(`${result.rows.toLocaleString("en-US")} rows, ${result.megabytes.toFixed(0)} MB:`);
  console.log(
    `  plutus upload   ${seconds.toFixed(1)} s   ${
      Math.round(result.rowsPerSecond).toLocaleString("en-US")
    } rows/s ` +
      `(${mark(result.rowsPerSecond >= TARGET_ROWS_PER_SECOND)})   peak RSS ${
        result.plutus.peakMb?.toFixed(0) ?? "?"
      } MB (${mark((result.plutus.peakMb ?? 0) <= TARGET_PEAK_MB)})`,
  );
  console.log(
    `  loaded rows     ${result.loadedRows.toLocaleString("en-US")} (expected ${
      result.expectedRows.toLocaleString("en-US")
    }: ${result.loadedRows === result.expectedRows ? "correct" : "WRONG"})`,
  );
  if (result.sqliteImport) {
    const importSeconds = result.sqliteImport.ms / 1000;
    console.log(
      `  sqlite3 .import ${importSeconds.toFixed(1)} s   ${
        Math.round(result.rows / importSeconds).toLocaleString("en-US")
      } rows/s (no cleaning, no checks, no dedupe)   plutus/sqlite3 time ratio ${
        (seconds / importSeconds).toFixed(2)
      }`,
    );
  } else console.log("  sqlite3 .import (no sqlite3 on this machine: skipped)");
}
