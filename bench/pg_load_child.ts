/**
 * The PostgreSQL half of `deno task bench pg` until the pipeline runs on PostgreSQL: reads
 * the orders CSV with papaparse, converts each row as the schema's clean rules would
 * (dates, "$1,234.50", lower-case emails; bad rows skipped), and loads it through the
 * PostgreSQL store exactly as a step does — COPY batches into staging, one merge, one
 * transaction. Prints the counts as JSON. Run by pg_bench.ts, which measures it.
 *
 * @module
 */
import Papa from "papaparse";
import { parseTableSchema } from "../config/load_table_schemas.ts";
import { PgDriver } from "../core/store/postgres/pg_driver.ts";
import type { Stored } from "../core/transform/validate_column.ts";
import { ORDERS_SCHEMA } from "./marketing_csv.ts";

const [url, file, schemaName] = Deno.args as [string, string, string];
const schema = parseTableSchema(ORDERS_SCHEMA, "schema/orders.yaml", "orders");
const driver = new PgDriver({ kind: "postgres", url, schema: schemaName });
const BATCH = 5000; // rows per COPY, as the pipeline's batches
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

function convert(row: string[]): Stored[] | undefined {
  const [id, date, email, first, last, country, channel, campaign, product, qty, amount, status] =
    row;
  const day = date!.includes("/")
    ? `${date!.slice(6, 10)}-${date!.slice(0, 2)}-${date!.slice(3, 5)}`
    : date!;
  const mail = email!.trim().toLowerCase();
  if (!EMAIL.test(mail)) return undefined;
  const money = Number(amount!.replace(/[$,]/g, ""));
  return [
    id!,
    day,
    mail,
    first!.trim(),
    last!.trim(),
    country!,
    channel!,
    campaign!,
    product!,
    Number(qty),
    money,
    status!,
  ];
}

const started = performance.now();
const timing = { merge: 0 };
const store = await driver.openWriter();
let valid = 0;
let rejected = 0;
const counts = await store.transaction(async (work) => {
  await work.applyTable(schema, await store.planTable(schema));
  const loader = await work.loader(schema, {
    source: "shop",
    runId: 1,
    loadedAt: new Date().toISOString(),
  });
  let batch: Stored[] = [];
  let header = true;
  const pending: Stored[][] = [];
  let inFlight = Promise.resolve();
  const stream = (await Deno.open(file)).readable.pipeThrough(new TextDecoderStream());
  let rest = "";
  for await (const text of stream) {
    const chunk = rest + text;
    const cut = chunk.lastIndexOf("\n");
    rest = chunk.slice(cut + 1);
    const parsed = Papa.parse<string[]>(chunk.slice(0, cut), { skipEmptyLines: true });
    for (const row of parsed.data) {
      if (header) {
        header = false;
        continue;
      }
      const values = convert(row);
      if (!values) {
        rejected++;
        continue;
      }
      valid++;
      for (const value of values) batch.push(value);
      if (batch.length >= BATCH * 12) {
        pending.push(batch);
        batch = [];
      }
    }
    // one COPY in flight while the next chunk is parsed, as the pipeline's worker does
    for (const ready of pending.splice(0)) {
      await inFlight;
      inFlight = loader.insert(ready);
    }
  }
  await inFlight;
  if (batch.length > 0) await loader.insert(batch);
  const merging = performance.now();
  const counts = await loader.counts(valid);
  timing.merge = performance.now() - merging;
  return counts;
});
await store.close();
console.log(JSON.stringify({ ...counts, rejected }));
console.error(
  `copy ${((performance.now() - started - timing.merge) / 1000).toFixed(1)} s, ` +
    `merge ${(timing.merge / 1000).toFixed(1)} s`,
);
