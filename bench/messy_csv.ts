/**
 * Writes an orders export shaped like a real CRM or shop export, the hard case for a load:
 * order ids in random order with ~37% of rows repeating an earlier id (keep: last),
 * "$2,755.69" amounts, e-mails in mixed case, landing-page URLs with UTM parameters, and a
 * few impossible dates and broken e-mails that must be rejected. A seeded generator, so the
 * same file (and the same sorted twin) comes out on every machine.
 *
 * @module
 */

/** The schema the file loads into (schema/orders.yaml). */
export const MESSY_SCHEMA = `columns:
  order_id:     { type: text, required: true, clean: [trim] }
  ordered_at:   { type: date, required: true }
  email:        { type: email, required: true, clean: [trim, lower] }
  customer:     { type: text, clean: [trim, collapse_spaces] }
  country:      { type: text, max_length: 2, clean: [trim, upper] }
  channel:      { type: text, values: [google_ads, meta, linkedin, email, organic], clean: [lower] }
  landing_page: { type: url }
  utm_source:   { type: text }
  product:      { type: text }
  quantity:     { type: integer, min: 1 }
  amount:       { type: decimal, min: 0, clean: [parse_number] }
  status:       { type: text, values: [paid, pending, refunded], clean: [lower] }
key: [order_id]
keep: last
`;

/** The source that reads it: utm_source comes from the landing page's URL. */
export const MESSY_CONFIG = `sources:
  shop:
    kind: file
    files: "messy*.csv"
    table: orders
    columns:
      order_id: Order ID
      ordered_at: Order Date
      email: Email
      customer: Customer
      country: Country
      channel: Channel
      landing_page: Landing Page
      utm_source: { from: Landing Page, clean: [{ url_param: utm_source }] }
      product: Product
      quantity: Quantity
      amount: Amount
      status: Status
`;

/**
 * The same mapping, cleaning, dedupe and load as a pandas script an analyst would write:
 * the anchor the issue names. Rows a rule rejects are dropped (pandas has no reject report).
 */
export const PANDAS_SCRIPT = `
import re, sqlite3, sys
import pandas as pd
src, db = sys.argv[1], sys.argv[2]
df = pd.read_csv(src, dtype=str, keep_default_na=False)
df = df.rename(columns={"Order ID": "order_id", "Order Date": "ordered_at", "Email": "email",
    "Customer": "customer", "Country": "country", "Channel": "channel",
    "Landing Page": "landing_page", "Product": "product", "Quantity": "quantity",
    "Amount": "amount", "Status": "status"})
df["order_id"] = df["order_id"].str.strip()
df["email"] = df["email"].str.strip().str.lower()
df["customer"] = df["customer"].str.strip().str.replace(r"\\s+", " ", regex=True)
df["country"] = df["country"].str.strip().str.upper()
df["channel"] = df["channel"].str.lower()
df["status"] = df["status"].str.lower()
df["utm_source"] = df["landing_page"].str.extract(r"[?&]utm_source=([^&#]*)", expand=False)
df["amount"] = pd.to_numeric(df["amount"].str.replace(r"[$,]", "", regex=True), errors="coerce")
df["quantity"] = pd.to_numeric(df["quantity"], errors="coerce")
dates = pd.to_datetime(df["ordered_at"], format="%Y-%m-%d", errors="coerce")
df["ordered_at"] = dates.dt.strftime("%Y-%m-%d")
ok = (dates.notna() & df["email"].str.match(r"^[^@\\s]+@[^@\\s]+\\.[a-z]{2,}$")
      & df["landing_page"].str.match(r"^https?://") & (df["amount"] >= 0) & (df["quantity"] >= 1)
      & df["channel"].isin(["google_ads", "meta", "linkedin", "email", "organic"])
      & df["status"].isin(["paid", "pending", "refunded"]) & (df["country"].str.len() <= 2))
df = df[ok].drop_duplicates(subset=["order_id"], keep="last")
con = sqlite3.connect(db)
df.to_sql("orders", con, if_exists="replace", index=False)
con.execute("CREATE UNIQUE INDEX orders_key ON orders (order_id)")
con.commit()
print(len(df))
`;

const CHANNELS = ["Google_Ads", "meta", "LinkedIn", "email", "organic"];
const STATUSES = ["paid", "Paid", "paid", "pending", "refunded"];
const FIRST = ["Alice", "Bob", "Chen", "Dana", "Elif", "Femi", "Gita", "Hugo", "Ines", "Jon"];
const LAST = ["Smith", "Jones", "Müller", "García", "Wang", "Okafor", "Rossi", "Novak"];
const COUNTRIES = ["us", "DE", "GB ", "fr", "ES", "NG", "IN", "BR"];
const SOURCES = ["google", "facebook", "linkedin", "newsletter", "bing"];
export const MESSY_HEADER =
  "Order ID,Order Date,Email,Customer,Country,Channel,Landing Page,Product,Quantity,Amount,Status\n";

/** What the file holds, for checking a load. */
export interface MessyCounts {
  rows: number;
  /** Distinct order ids among the rows that pass every rule. */
  expectedRows: number;
  /** Rows whose id came before in the file. */
  repeats: number;
  bad: number;
}

/** A small, fast, seeded generator (mulberry32): the same file on every machine. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One line of the file, and whether a rule rejects it. */
function line(next: () => number, id: number): { text: string; bad: boolean } {
  const broken = next() < 0.002;
  const month = 1 + Math.floor(next() * 12);
  const day = 1 + Math.floor(next() * 28);
  const date = broken && next() < 0.5
    ? "2026-02-30"
    : `2026-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
  const first = FIRST[Math.floor(next() * FIRST.length)]!;
  const last = LAST[Math.floor(next() * LAST.length)]!;
  const email = broken && date !== "2026-02-30"
    ? `${first}.${last}@`
    : ` ${first}.${last}${id % 97_003}@Example.COM`;
  const cents = Math.floor(next() * 500_000);
  const amount = `$${Math.floor(cents / 100).toLocaleString("en-US")}.${
    String(cents % 100).padStart(2, "0")
  }`;
  const source = SOURCES[Math.floor(next() * SOURCES.length)]!;
  const url = `https://shop.example.com/p/${id % 5000}?utm_source=${source}&utm_medium=cpc`;
  const text = `ORD-${String(id).padStart(9, "0")},${date},${email},"${first}  ${last}",${
    COUNTRIES[id % 8]
  },${CHANNELS[Math.floor(next() * 5)]},${url},SKU-${id % 1000},${1 + (id % 5)},"${amount}",${
    STATUSES[Math.floor(next() * 5)]
  }\n`;
  return { text, bad: broken };
}

/**
 * Writes `rows` rows to `path` in random id order, and the same rows sorted by id (stable,
 * so keep: last picks the same row) to `sortedPath`.
 */
export async function writeMessyCsv(
  path: string,
  sortedPath: string,
  rows: number,
): Promise<MessyCounts> {
  const next = random(20261130);
  // Ids drawn uniformly from as many ids as rows: ~1/e (37%) of rows repeat an earlier id.
  const lines: { id: number; text: string; bad: boolean }[] = new Array(rows);
  const lastGood = new Map<number, boolean>();
  let repeats = 0;
  let bad = 0;
  const seen = new Set<number>();
  for (let i = 0; i < rows; i++) {
    const id = Math.floor(next() * rows);
    if (seen.has(id)) repeats++;
    seen.add(id);
    const { text, bad: broken } = line(next, id);
    if (broken) bad++;
    lines[i] = { id, text, bad: broken };
    // keep: last — the id's surviving row is its last good row; a later bad row is rejected
    // and leaves the earlier good one in place.
    if (!broken) lastGood.set(id, true);
  }
  await writeLines(path, lines);
  lines.sort((a, b) => a.id - b.id); // Array.prototype.sort is stable
  await writeLines(sortedPath, lines);
  return { rows, expectedRows: lastGood.size, repeats, bad };
}

async function writeLines(path: string, lines: { text: string }[]): Promise<void> {
  using file = await Deno.open(path, { write: true, create: true, truncate: true });
  const encoder = new TextEncoder();
  let buffer = MESSY_HEADER;
  for (const { text } of lines) {
    buffer += text;
    if (buffer.length > 1 << 20) {
      await write(file, encoder.encode(buffer));
      buffer = "";
    }
  }
  await write(file, encoder.encode(buffer));
}

async function write(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) written += await file.write(bytes.subarray(written));
}
