/**
 * Writes a large, realistic orders export for benchmarks and crash tests: 12 columns,
 * "$1,234.50" amounts, two date formats, emails in mixed case, about 2% duplicate orders
 * and 0.5% rows that must be rejected.
 *
 * @module
 */

/** The schema the generated file loads into (schema/orders.yaml). */
export const ORDERS_SCHEMA = `columns:
  order_id:   { type: text, required: true }
  order_date: { type: date, required: true, clean: [{ parse_date: ["YYYY-MM-DD", "MM/DD/YYYY"] }] }
  email:      { type: email, clean: [trim, lower] }
  first_name: { type: text, clean: [trim] }
  last_name:  { type: text, clean: [trim] }
  country:    { type: text, max_length: 2 }
  channel:    { type: text, values: [google_ads, meta, linkedin, email, organic] }
  campaign:   { type: text }
  product:    { type: text }
  quantity:   { type: integer, min: 1 }
  amount:     { type: decimal, min: 0, clean: [parse_number] }
  status:     { type: text, values: [paid, pending, refunded] }
key: [order_id]
keep: last
`;

/** The source that reads it (a plutus.yaml). */
export const ORDERS_CONFIG = `sources:
  shop:
    kind: file
    files: "orders*.csv"
    table: orders
`;

const CHANNELS = ["google_ads", "meta", "linkedin", "email", "organic"];
const STATUSES = ["paid", "paid", "paid", "pending", "refunded"];
const FIRST = ["Alice", "Bob", "Chen", "Dana", "Elif", "Femi", "Gita", "Hugo"];
const LAST = ["Smith", "Jones", "Müller", "García", "Wang", "Okafor", "Rossi", "Novak"];
const COUNTRIES = ["US", "DE", "GB", "FR", "ES", "NG", "IN", "BR"];

/** What the file holds, for checking a load. */
export interface GeneratedCounts {
  rows: number;
  duplicates: number;
  bad: number;
}

/** Writes `rows` data rows to `path`; returns how many duplicates and bad rows it holds. */
export async function writeOrdersCsv(path: string, rows: number): Promise<GeneratedCounts> {
  using file = await Deno.open(path, { write: true, create: true, truncate: true });
  const encoder = new TextEncoder();
  let buffer =
    "order_id,order_date,email,first_name,last_name,country,channel,campaign,product,quantity,amount,status\n";
  let duplicates = 0;
  let bad = 0;
  for (let i = 0; i < rows; i++) {
    const duplicate = i % 50 === 49; // the same order again, e.g. from an overlapping export
    const broken = i % 200 === 101; // a row the schema must reject
    if (duplicate) duplicates++;
    if (broken) bad++;
    const id = duplicate ? i - 1 : i;
    const day = 1 + (id % 28);
    const date = id % 2 === 0
      ? `2026-03-${String(day).padStart(2, "0")}`
      : `03/${String(day).padStart(2, "0")}/2026`;
    const first = FIRST[id % FIRST.length]!;
    const last = LAST[(id >> 3) % LAST.length]!;
    const email = broken
      ? `${first}.${last}@`
      : `${id % 3 === 0 ? first : first.toLowerCase()}.${last}${id % 90_000}@Example.com`;
    const cents = (id * 7919) % 250_000;
    const amount = `$${Math.floor(cents / 100).toLocaleString("en-US")}.${
      String(cents % 100).padStart(2, "0")
    }`;
    buffer +=
      `ORD-${String(id).padStart(8, "0")},${date},${email},${first},"${last}, Jr",${
        COUNTRIES[id % 8]
      },` +
      `${CHANNELS[id % 5]},"Campaign ${id % 300} - Black Friday",SKU-${id % 1000},${
        1 + (id % 5)
      },"${amount}",${STATUSES[id % 5]}\n`;
    if (buffer.length > 1 << 20) {
      await write(file, encoder.encode(buffer));
      buffer = "";
    }
  }
  await write(file, encoder.encode(buffer));
  return { rows, duplicates, bad };
}

async function write(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) written += await file.write(bytes.subarray(written));
}
