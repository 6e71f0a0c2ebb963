/**
 * The spreadsheet benchmark: a 100,000-row, 12-column .xlsx (written by SheetJS, with real
 * date cells and numbers) loaded with `plutus upload`, timed with its peak memory.
 *
 * @module
 */
import { join } from "node:path";
import { ORDERS_SCHEMA } from "./marketing_csv.ts";
import { measureCommand, type Measured, PLUTUS } from "./measure.ts";

/** The result of one spreadsheet load. */
export interface XlsxBenchResult {
  rows: number;
  megabytes: number;
  plutus: Measured;
  loaded: number;
}

/** Generates (once) and loads a workbook of `rows` rows. */
export async function benchXlsx(rows: number, workDir: string): Promise<XlsxBenchResult> {
  await Deno.mkdir(workDir, { recursive: true });
  const file = join(workDir, `orders_${rows}.xlsx`);
  if (!(await Deno.stat(file).catch(() => undefined))) await writeWorkbook(file, rows);
  const project = join(workDir, `xlsx_project_${rows}`);
  await Deno.remove(project, { recursive: true }).catch(() => {});
  await Deno.mkdir(join(project, "schema"), { recursive: true });
  await Deno.writeTextFile(
    join(project, "plutus.yaml"),
    'sources:\n  shop:\n    kind: file\n    files: "orders*.xlsx"\n    table: orders\n',
  );
  await Deno.writeTextFile(join(project, "schema", "orders.yaml"), ORDERS_SCHEMA);
  const plutus = await measureCommand([...PLUTUS, "upload", file, "--project", project]);
  if (plutus.code !== 0) {
    throw new Error(`plutus upload failed (${plutus.code}):\n${plutus.stderr}${plutus.stdout}`);
  }
  const loaded = Number(
    /shop\s+\S+\s+succeeded\s+([\d,]+)/.exec(plutus.stdout)?.[1]?.replaceAll(",", "") ?? 0,
  );
  await Deno.remove(project, { recursive: true });
  return { rows, megabytes: (await Deno.stat(file)).size / 1e6, plutus, loaded };
}

async function writeWorkbook(path: string, rows: number): Promise<void> {
  const XLSX = await import("@e965/xlsx");
  const data: unknown[][] = [[
    "order_id",
    "order_date",
    "email",
    "first_name",
    "last_name",
    "country",
    "channel",
    "campaign",
    "product",
    "quantity",
    "amount",
    "status",
  ]];
  const channels = ["google_ads", "meta", "linkedin", "email", "organic"];
  for (let i = 0; i < rows; i++) {
    data.push([
      `ORD-${String(i).padStart(8, "0")}`,
      new Date(Date.UTC(2026, 2, 1 + (i % 28))),
      `user${i}@example.com`,
      "Alice",
      "Smith",
      "US",
      channels[i % 5],
      `Campaign ${i % 300} - Black Friday`,
      `SKU-${i % 1000}`,
      1 + (i % 5),
      Math.round((i * 7919) % 250_000) / 100,
      "paid",
    ]);
  }
  const sheet = XLSX.utils.aoa_to_sheet(data, { cellDates: true, dense: true });
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, sheet, "Orders");
  await Deno.writeFile(
    path,
    XLSX.write(book, { type: "buffer", bookType: "xlsx", compression: true }),
  );
}
