/**
 * `deno task bench`: Plutus's performance targets, measured.
 *
 *   deno task bench               all: CSV (1M and 4M rows), XLSX (100k rows), API (100k
 *                                 records), GUI (pages over a 1M-row table, memory, status),
 *                                 startup (--version, --help, status)
 *   deno task bench csv --quick   CSV, 1M rows only
 *   deno task bench xlsx          XLSX only (likewise csv, api, gui, startup)
 *   deno task bench messy         a 1M-row export with ids in random order and ~37% repeats,
 *                                 against sqlite3 .import, the same rows sorted, and pandas
 *   deno task bench pg            the 1M-row export into PostgreSQL against psql \copy, and
 *                                 its export against psql \copy (SELECT …) TO (not in "all");
 *                                 --rows 4000000 for another size
 *
 * Files go to .out/bench/ (git-ignored) and are reused between runs.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { fileURLToPath as fromFileUrl } from "node:url";
import { benchCsv, type CsvBenchResult } from "./csv_bench.ts";
import { benchXlsx } from "./xlsx_bench.ts";
import { benchApi } from "./api_bench.ts";
import { benchGui } from "./gui_bench.ts";
import { benchStartup } from "./startup_bench.ts";
import { benchMessy, type MessyBenchResult } from "./messy_bench.ts";
import { benchPg } from "./pg_bench.ts";

const TARGET_ROWS_PER_SECOND = 100_000;
const TARGET_PEAK_MB = 250;
const TARGET_XLSX_SECONDS = 5;
const TARGET_XLSX_PEAK_MB = 400;
const TARGET_API_RECORDS_PER_SECOND = 20_000;
const TARGET_PAGE_MS = 50;
const TARGET_IDLE_MB = 80;
const TARGET_STATUS_MS = 1000;
// The messy file: shares of sqlite3 .import's and pandas's rows/s, in the same run.
const TARGET_MESSY_VS_IMPORT = 0.35;
const TARGET_MESSY_VS_PANDAS = 1.5;
const TARGET_MESSY_PEAK_MB = 200;
const TARGET_UNSORTED_VS_SORTED = 1.25;
const TARGET_EXPORT_VS_SQLITE = 0.6;
// PostgreSQL: shares of psql \copy's rows/s (load, export), in the same run.
const TARGET_PG_VS_PSQL = 0.4;
const TARGET_PG_EXPORT_VS_PSQL = 0.5;

const { values, positionals } = parseArgs({
  args: Deno.args,
  options: { quick: { type: "boolean" }, rows: { type: "string" } },
  allowPositionals: true,
});
const only = new Set(
  positionals.length > 0 ? positionals : ["csv", "messy", "xlsx", "api", "gui", "startup"],
);
const workDir = fromFileUrl(new URL("../.out/bench/", import.meta.url));
const sizes = values.quick ? [1_000_000] : [1_000_000, 4_000_000];

const results: CsvBenchResult[] = [];
const missed: string[] = [];
if (only.has("csv")) {
  console.log(
    `CSV: plutus upload of a 12-column marketing export (2% duplicates, 0.5% bad rows)\n`,
  );
  for (const rows of sizes) {
    const result = await benchCsv(rows, workDir);
    results.push(result);
    report(result);
    if (
      result.rowsPerSecond < TARGET_ROWS_PER_SECOND || (result.plutus.peakMb ?? 0) > TARGET_PEAK_MB
    ) {
      missed.push(`CSV ${rows.toLocaleString("en-US")} rows`);
    }
  }
}
if (only.has("messy")) {
  console.log(
    `\nMessy CSV: order ids in random order, ~37% repeats (keep: last), "$2,755.69", URLs, bad rows`,
  );
  reportMessy(await benchMessy(1_000_000, workDir));
}
if (only.has("pg")) {
  const rows = Number(values.rows ?? 1_000_000);
  console.log(
    `\nPostgreSQL: plutus upload of ${rows.toLocaleString("en-US")} rows vs psql \\copy`,
  );
  const pg = await benchPg(rows, workDir);
  const share = pg.psqlCopy.ms / pg.plutus.ms;
  const exportShare = pg.exportPsql.ms / pg.exportPlutus.ms;
  const peak = pg.plutus.peakMb ?? 0;
  console.log(
    `  plutus   ${(pg.plutus.ms / 1000).toFixed(1)} s, ${
      Math.round(pg.rows / (pg.plutus.ms / 1000)).toLocaleString("en-US")
    } rows/s, peak ${
      peak.toFixed(0)
    } MB, ${pg.loadedRows} rows (expected ${pg.expectedRows}); ${pg.timing}`,
  );
  console.log(
    `  psql     ${(pg.psqlCopy.ms / 1000).toFixed(1)} s \\copy into an all-text table: ` +
      `Plutus ${share.toFixed(2)}x (target >= ${TARGET_PG_VS_PSQL})`,
  );
  console.log(
    `  export   plutus export orders: ${(pg.exportPlutus.ms / 1000).toFixed(1)} s vs psql ${
      (pg.exportPsql.ms / 1000).toFixed(1)
    } s: ${exportShare.toFixed(2)}x (target >= ${TARGET_PG_EXPORT_VS_PSQL}), peak ${
      (pg.exportPlutus.peakMb ?? 0).toFixed(0)
    } MB, ${pg.exportedRows} rows; ${pg.tls ? "over TLS" : "without TLS"}`,
  );
  if (
    share < TARGET_PG_VS_PSQL || peak > TARGET_PEAK_MB || exportShare < TARGET_PG_EXPORT_VS_PSQL ||
    pg.loadedRows !== pg.expectedRows || pg.exportedRows !== pg.loadedRows
  ) missed.push("PostgreSQL");
}
if (only.has("xlsx")) {
  console.log(
    `\nXLSX: plutus upload of a 100,000-row, 12-column workbook (real date and number cells)`,
  );
  const xlsx = await benchXlsx(100_000, workDir);
  const seconds = xlsx.plutus.ms / 1000;
  const ok = seconds <= TARGET_XLSX_SECONDS && (xlsx.plutus.peakMb ?? 0) <= TARGET_XLSX_PEAK_MB;
  console.log(
    `  ${xlsx.megabytes.toFixed(1)} MB: ${
      seconds.toFixed(1)
    } s (target ≤ ${TARGET_XLSX_SECONDS} s), peak RSS ${
      xlsx.plutus.peakMb?.toFixed(0) ?? "?"
    } MB (target ≤ ${TARGET_XLSX_PEAK_MB} MB), ${xlsx.loaded.toLocaleString("en-US")} rows read: ${
      ok ? "ok" : "MISSED"
    }`,
  );
  if (!ok) missed.push("XLSX 100,000 rows");
}
if (only.has("api")) {
  console.log(
    `\nAPI: plutus run of a cursor-paged source, 100,000 records over 1,000 pages (local server)`,
  );
  const api = await benchApi(100_000, 100, workDir);
  const ok = api.recordsPerSecond >= TARGET_API_RECORDS_PER_SECOND;
  console.log(
    `  ${api.pages} requests, ${(api.plutus.ms / 1000).toFixed(1)} s: ${
      Math.round(api.recordsPerSecond).toLocaleString("en-US")
    } records/s (target ≥ ${TARGET_API_RECORDS_PER_SECOND.toLocaleString("en-US")}), peak RSS ${
      api.plutus.peakMb?.toFixed(0) ?? "?"
    } MB: ${ok ? "ok" : "MISSED"}`,
  );
  if (!ok) missed.push("API 100,000 records");
}
if (only.has("gui")) {
  console.log(
    `\nGUI: plutus serve over a 1,000,000-row table, 20 requests per page (target: p95 ≤ ${TARGET_PAGE_MS} ms)`,
  );
  const gui = await benchGui(1_000_000, workDir);
  for (const page of gui.pages) {
    const ok = page.status === 200 && page.p95Ms <= TARGET_PAGE_MS;
    const ms = (n: number) => `${n.toFixed(1).padStart(5)} ms`;
    console.log(
      `  ${page.page.padEnd(46)} median ${ms(page.medianMs)}, p95 ${ms(page.p95Ms)}, worst ${
        ms(page.worstMs)
      }${page.status === 200 ? "" : ` (HTTP ${page.status})`}: ${ok ? "ok" : "MISSED"}`,
    );
    if (!ok) missed.push(`GUI page ${page.page}`);
  }
  const idleOk = gui.idleRssMb < TARGET_IDLE_MB;
  console.log(
    `  resident memory: ${gui.startRssMb.toFixed(0)} MB at start, ${
      gui.idleRssMb.toFixed(0)
    } MB idle after the pages (target < ${TARGET_IDLE_MB} MB): ${idleOk ? "ok" : "MISSED"}; ` +
      `of it ${gui.idleOwnMb.toFixed(0)} MB the server's own (heaps), the rest pages of the ` +
      `deno executable's code`,
  );
  if (!idleOk) missed.push("GUI idle memory");
  const statusOk = Math.max(gui.startLatencyMs, gui.finishLatencyMs) <= TARGET_STATUS_MS;
  console.log(
    `  status to the browser: click → "running" ${gui.startLatencyMs.toFixed(0)} ms, ` +
      `run finished in the database → final status ${
        gui.finishLatencyMs.toFixed(0)
      } ms (target ≤ ${TARGET_STATUS_MS} ms): ${statusOk ? "ok" : "MISSED"}`,
  );
  if (!statusOk) missed.push("GUI status latency");
}
if (only.has("startup")) {
  console.log(`\nStartup: mean of 20 runs after 3 warm-ups (deno run, as deno task plutus)`);
  for (const timing of await benchStartup(workDir)) {
    const ok = timing.meanMs <= timing.targetMs;
    console.log(
      `  ${timing.command.padEnd(16)} ${
        timing.meanMs.toFixed(0).padStart(4)
      } ms (target ≤ ${timing.targetMs} ms): ${ok ? "ok" : "MISSED"}`,
    );
    if (!ok) missed.push(timing.command);
  }
}
console.log(missed.length === 0 ? "\nAll targets met." : `\nTargets missed: ${missed.join(", ")}.`);
if (results.some((r) => r.loadedRows !== r.expectedRows)) Deno.exit(1);

function reportMessy(result: MessyBenchResult): void {
  const seconds = (m: { ms: number }) => m.ms / 1000;
  const rate = (m: { ms: number }) => result.rows / seconds(m);
  const mark = (ok: boolean, what: string) => {
    if (!ok) missed.push(`messy CSV: ${what}`);
    return ok ? "ok" : "MISSED";
  };
  const plutusRate = rate(result.unsorted);
  const peak = result.unsorted.peakMb ?? 0;
  console.log(
    `${result.rows.toLocaleString("en-US")} rows, ${result.megabytes.toFixed(0)} MB, ${
      result.counts.repeats.toLocaleString("en-US")
    } repeated ids, ${result.counts.bad.toLocaleString("en-US")} bad rows:`,
  );
  console.log(
    `  plutus upload          ${seconds(result.unsorted).toFixed(1)} s   ${
      Math.round(plutusRate).toLocaleString("en-US")
    } rows/s   peak RSS ${peak.toFixed(0)} MB (target ≤ ${TARGET_MESSY_PEAK_MB}: ${
      mark(peak <= TARGET_MESSY_PEAK_MB, "peak memory")
    })`,
  );
  const ratio = seconds(result.unsorted) / seconds(result.sorted);
  console.log(
    `  same rows sorted by id ${seconds(result.sorted).toFixed(1)} s   unsorted/sorted ${
      ratio.toFixed(2)
    } (target ≤ ${TARGET_UNSORTED_VS_SORTED}: ${
      mark(ratio <= TARGET_UNSORTED_VS_SORTED, "keys in no order")
    })`,
  );
  const correct = result.loadedRows === result.counts.expectedRows;
  if (!correct) missed.push("messy CSV: rows loaded");
  console.log(
    `  loaded rows            ${result.loadedRows.toLocaleString("en-US")} (expected ${
      result.counts.expectedRows.toLocaleString("en-US")
    }: ${correct ? "correct" : "WRONG"})`,
  );
  if (result.sqliteImport) {
    const share = plutusRate / rate(result.sqliteImport);
    console.log(
      `  sqlite3 .import        ${seconds(result.sqliteImport).toFixed(1)} s   plutus ${
        share.toFixed(2)
      }× its rows/s (target ≥ ${TARGET_MESSY_VS_IMPORT}: ${
        mark(share >= TARGET_MESSY_VS_IMPORT, "vs sqlite3 .import")
      })`,
    );
  }
  if (result.pandas) {
    const share = plutusRate / rate(result.pandas);
    console.log(
      `  pandas script          ${seconds(result.pandas).toFixed(1)} s   peak RSS ${
        result.pandas.peakMb?.toFixed(0) ?? "?"
      } MB, ${result.pandasRows?.toLocaleString("en-US")} rows   plutus ${
        share.toFixed(2)
      }× its rows/s (target ≥ ${TARGET_MESSY_VS_PANDAS}: ${
        mark(share >= TARGET_MESSY_VS_PANDAS, "vs pandas")
      })`,
    );
  } else console.log("  pandas script (no python3 with pandas: skipped)");
  if (result.exported && result.sqliteExport) {
    const share = seconds(result.sqliteExport) / seconds(result.exported);
    console.log(
      `  plutus export          ${seconds(result.exported).toFixed(1)} s, sqlite3 -csv ${
        seconds(result.sqliteExport).toFixed(1)
      } s: ${share.toFixed(2)}× its speed (target ≥ ${TARGET_EXPORT_VS_SQLITE}: ${
        mark(share >= TARGET_EXPORT_VS_SQLITE, "export")
      })`,
    );
  }
}

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
