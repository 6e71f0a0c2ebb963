/**
 * The demo project `plutus init --demo` writes: four sources into three tables, with the
 * mess real exports have — report titles, totals footers, "$1,234.50" amounts, European
 * number and date formats, the same email in different case, one line per item, and a
 * few rows that must be rejected. The sample files are generated here (deterministically)
 * so the compiled binary carries them.
 *
 * @module
 */

/** plutus.yaml of the demo. */
export const DEMO_PLUTUS_YAML = `# The Plutus demo project. Reference: docs/configuration.md
database: data/plutus.db
reject_limit: 0.05

sources:
  # Google Ads: Reports > Download > CSV. Two title lines, a "Total:" footer,
  # costs like "$1,234.50" and "--" where there is no value.
  google_ads:
    kind: file
    files: "google_ads_*.csv"
    table: ad_spend
    stop_at: "^Total:"
    columns:
      date: Day
      campaign: Campaign
      channel: { value: google_ads }
      spend: { from: Cost, clean: [{ null_if: "--" }, parse_number] }
      currency: Currency code
      impressions: { from: Impr., clean: [parse_number] }
      clicks: { from: Clicks, clean: [parse_number] }
      conversions: { from: Conversions, clean: [{ null_if: "--" }, parse_number] }

  # Meta Ads Manager, exported with German regional settings: semicolons, 01.11.2026,
  # 1.234,50. The delimiter and encoding are found automatically.
  meta_ads:
    kind: file
    files: "meta_ads_*.csv"
    table: ad_spend
    columns:
      date: { from: Day, clean: [{ parse_date: "DD.MM.YYYY" }] }
      campaign: Campaign name
      channel: { value: meta }
      spend: { from: "Amount spent (EUR)", clean: [{ parse_number: { decimal: "," } }] }
      currency: { value: EUR }
      impressions: { from: Impressions, clean: [{ parse_number: { decimal: "," } }] }
      clicks: { from: Link clicks, clean: [{ parse_number: { decimal: "," } }] }
      conversions: { from: Results, clean: [{ parse_number: { decimal: "," } }] }

  # HubSpot contacts export: US dates with times, lifecycle stages as labels.
  hubspot_leads:
    kind: file
    files: "hubspot_contacts*.csv"
    table: leads
    columns:
      email: Email
      first_name: First Name
      last_name: Last Name
      stage:
        from: Lifecycle Stage
        clean:
          - map: { Subscriber: subscriber, Lead: lead, Marketing Qualified Lead: mql,
                   Sales Qualified Lead: sql, Opportunity: opportunity, Customer: customer }
      source: Original Source
      country: Country/Region
      created_at: { from: Create Date, clean: [{ parse_date: "MM/DD/YYYY HH:mm" }] }

  # Shopify orders export: one line per line item, so an order with three items has
  # three lines, and only the first carries the totals. keep: first keeps that one.
  shopify_orders:
    kind: file
    files: "shopify_orders*.csv"
    table: orders
    columns:
      order_id: Name
      email: Email
      status: Financial Status
      ordered_at: Created at
      total: Total
      currency: Currency
      utm_source: { from: Landing Site, clean: [{ url_param: utm_source }] }
      utm_campaign: { from: Landing Site, clean: [{ url_param: utm_campaign }] }
`;

/** schema/ad_spend.yaml of the demo. */
export const DEMO_AD_SPEND = `# Ad spend by day, campaign and channel, from every ad platform.
columns:
  date:        { type: date, required: true }
  campaign:    { type: text, required: true, clean: [trim] }
  channel:     { type: text, required: true, values: [google_ads, meta, linkedin, tiktok] }
  spend:       { type: decimal, min: 0 }
  currency:    { type: text, clean: [upper], pattern: "^[A-Z]{3}$" }
  impressions: { type: integer, min: 0 }
  clicks:      { type: integer, min: 0 }
  conversions: { type: decimal, min: 0 }

# One row per day, campaign and channel; a later export of the same day replaces it.
key: [date, campaign, channel]
keep: last
`;

/** schema/leads.yaml of the demo. */
export const DEMO_LEADS = `# Leads and contacts from the CRM.
columns:
  email:      { type: email, required: true, clean: [trim, lower] }
  first_name: { type: text, clean: [trim, title] }
  last_name:  { type: text, clean: [trim, title] }
  stage:      { type: text, values: [subscriber, lead, mql, sql, opportunity, customer] }
  source:     { type: text, clean: [trim, lower] }
  country:    { type: text, clean: [trim] }
  created_at: { type: datetime, required: true }

# One row per email address (compared in lower case, thanks to clean: lower);
# of two rows for the same lead, the one created later wins.
key: [email]
keep: latest
order_by: created_at
`;

/** schema/orders.yaml of the demo. */
export const DEMO_ORDERS = `# Web shop orders.
columns:
  order_id:     { type: text, required: true }
  email:        { type: email, clean: [trim, lower] }
  status:       { type: text, values: [paid, pending, refunded, partially_refunded, voided] }
  ordered_at:   { type: datetime, required: true }
  total:        { type: decimal, min: 0 }
  currency:     { type: text }
  utm_source:   { type: text, clean: [lower] }
  utm_campaign: { type: text }

# One row per order; the first line of a multi-item order carries the totals.
key: [order_id]
keep: first
`;

/** A small deterministic generator, so every demo has the same numbers. */
function generator(seed: number): (max: number) => number {
  let state = seed;
  return (max) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return Math.floor((state / 2147483648) * max);
  };
}

const pad = (n: number) => String(n).padStart(2, "0");
const usd = (cents: number) =>
  `"$${
    (cents / 100).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })
  }"`;
const eur = (cents: number) =>
  (cents / 100).toLocaleString("de-DE", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

const GOOGLE_CAMPAIGNS = [
  ["Brand - Search", "Search"],
  ["Black Friday - Shopping", "Shopping"],
  ["Retargeting - Display", "Display"],
  ["Competitor - Search", "Search"],
];

/** A Google Ads campaign report for the given days of November 2026. */
function googleAdsReport(days: number[], seed: number, extraRows: string[] = []): string {
  const next = generator(seed);
  const rows: string[] = [];
  let cost = 0;
  let impressions = 0;
  let clicks = 0;
  for (const day of days) {
    for (const [campaign, type] of GOOGLE_CAMPAIGNS) {
      const spendCents = 15_000 + next(150_000);
      const shown = 2_000 + next(20_000);
      const clicked = 40 + next(900);
      const converted = next(6) === 0 ? "--" : `${next(40)}.00`;
      cost += spendCents;
      impressions += shown;
      clicks += clicked;
      rows.push(
        `2026-11-${pad(day)},${campaign},${type},USD,${usd(spendCents)},"${
          shown.toLocaleString("en-US")
        }",${clicked},${converted}`,
      );
    }
  }
  const total = `USD,${usd(cost)},"${impressions.toLocaleString("en-US")}",${clicks},--`;
  return [
    "Campaign performance report",
    `"November ${days[0]}, 2026 - November ${days.at(-1)}, 2026"`,
    "Day,Campaign,Campaign type,Currency code,Cost,Impr.,Clicks,Conversions",
    ...rows,
    ...extraRows,
    `Total: Account,,,${total}`,
    `Total: Search,,,${total}`,
    `Total: Shopping,,,${total}`,
    "",
  ].join("\n");
}

const META_CAMPAIGNS = ["Prospecting - Lookalike", "Retargeting - Cart", "Black Friday - Video"];

/** A Meta Ads Manager export with German regional settings. */
function metaAdsExport(): string {
  const next = generator(7);
  const lines = ["Day;Campaign name;Amount spent (EUR);Impressions;Link clicks;Results"];
  for (let day = 1; day <= 7; day++) {
    for (const campaign of META_CAMPAIGNS) {
      const shown = 5_000 + next(60_000);
      lines.push(
        `${pad(day)}.11.2026;${campaign};${eur(8_000 + next(120_000))};${
          shown.toLocaleString("de-DE")
        };${30 + next(700)};${next(4) === 0 ? "" : next(25)}`,
      );
    }
    // A campaign name with an unquoted semicolon: one field too many, so it is rejected.
    if (day === 4) lines.push("04.11.2026;Retargeting; Warm audiences;312,40;8.120;96;4");
  }
  return `${lines.join("\r\n")}\r\n`;
}

const FIRST = [
  "Jane",
  "Mark",
  "Anna",
  "Luis",
  "Chen",
  "Priya",
  "Tom",
  "Sara",
  "Omar",
  "Lena",
  "Ben",
  "Ines",
];
// Ordered so that Mark Smith and Anna Müller come up: they appear again further down.
const LAST = [
  "Doe",
  "García",
  "Wang",
  "Patel",
  "Müller",
  "Baker",
  "Rossi",
  "Smith",
  "Haddad",
  "Novak",
];
const STAGES = [
  "Subscriber",
  "Lead",
  "Marketing Qualified Lead",
  "Sales Qualified Lead",
  "Opportunity",
  "Customer",
];
const ORIGINS = [
  "Organic Search",
  "Paid Search",
  "Paid Social",
  "Direct Traffic",
  "Email Marketing",
];
const COUNTRIES = ["United States", "Germany", "United Kingdom", "France", "Spain"];

/** A HubSpot contacts export: 50 rows, 3 of them the same people again, 2 that are wrong. */
function hubspotContacts(): string {
  const next = generator(11);
  const lines = [
    '"Record ID","First Name","Last Name","Email","Lifecycle Stage","Create Date","Original Source","Country/Region"',
  ];
  const row = (
    id: number,
    first: string,
    last: string,
    email: string,
    stage: string,
    date: string,
  ) =>
    `"${id}","${first}","${last}","${email}","${stage}","${date}","${
      ORIGINS[id % ORIGINS.length]
    }","${COUNTRIES[id % COUNTRIES.length]}"`;
  for (let i = 0; i < 45; i++) {
    const first = FIRST[i % FIRST.length]!;
    const last = LAST[(i * 7) % LAST.length]!;
    const email = `${first}.${last}${i >= FIRST.length ? i : ""}@example.com`.toLowerCase().replace(
      "ü",
      "ue",
    ).replace("í", "i");
    const date = `11/${pad(1 + (i % 25))}/2026 ${pad(8 + next(10))}:${pad(next(60))}`;
    lines.push(
      row(
        5000 + i,
        i === 2 ? first.toUpperCase() : first,
        last,
        email,
        STAGES[next(STAGES.length)]!,
        date,
      ),
    );
  }
  // The same people again, written differently; the later record of each wins.
  lines.push(
    row(5101, "jane", "doe", " Jane.Doe@Example.com", "Sales Qualified Lead", "11/26/2026 09:15"),
  );
  lines.push(
    row(5102, "Mark", "Smith", "MARK.SMITH@EXAMPLE.COM", "Opportunity", "11/20/2026 16:40"),
  );
  lines.push(row(5103, "Anna", "Müller", "anna.mueller@example.com ", "Lead", "10/02/2026 11:05"));
  // Wrong: an email without a domain, and a stage the schema does not know.
  lines.push(row(5104, "Tom", "Baker", "tom.baker@", "Lead", "11/12/2026 10:00"));
  lines.push(row(5105, "Sara", "Rossi", "sara.rossi@example.com", "Prospect", "11/13/2026 13:30"));
  return `${lines.join("\n")}\n`;
}

const PRODUCTS = [["Wool Scarf", 3900], ["Leather Gloves", 5900], ["Cashmere Beanie", 4500], [
  "Gift Card",
  5000,
]] as const;
const LANDINGS = [
  "/products/wool-scarf?utm_source=google&utm_medium=cpc&utm_campaign=black_friday",
  "/collections/winter?utm_source=facebook&utm_medium=paid_social&utm_campaign=retargeting_cart",
  "/",
  "/blogs/news/gift-guide?utm_source=newsletter&utm_medium=email&utm_campaign=nov_digest",
  "",
];

/** A Shopify orders export: one line per item, totals only on an order's first line. */
function shopifyOrders(): string {
  const next = generator(23);
  const lines = [
    "Name,Email,Financial Status,Fulfillment Status,Currency,Subtotal,Shipping,Taxes,Total,Discount Code,Created at,Lineitem quantity,Lineitem name,Lineitem price,Landing Site",
  ];
  for (let n = 0; n < 30; n++) {
    const items = n === 17 ? 1 : 1 + next(3);
    const chosen = Array.from({ length: items }, () => PRODUCTS[next(PRODUCTS.length)]!);
    const quantities = chosen.map(() => 1 + next(2));
    const subtotal = chosen.reduce((sum, [, price], i) => sum + price * quantities[i]!, 0);
    const shipping = subtotal > 10_000 ? 0 : 595;
    const taxes = Math.round(subtotal * 0.08);
    const total = subtotal + shipping + taxes;
    // One order has a status the schema does not list: it is rejected, to be looked at.
    const status = n === 17
      ? "authorized"
      : n % 11 === 5
      ? "pending"
      : n === 23
      ? "refunded"
      : "paid";
    const created = `2026-11-${pad(1 + (n % 26))} ${pad(9 + next(12))}:${pad(next(60))}:${
      pad(next(60))
    } -0500`;
    const email = `customer${100 + n}@example.com`;
    const money = (cents: number) => (cents / 100).toFixed(2);
    chosen.forEach(([name, price], i) => {
      const first = i === 0;
      lines.push([
        `#${1001 + n}`,
        email,
        first ? status : "",
        first ? "fulfilled" : "",
        "USD",
        first ? money(subtotal) : "",
        first ? money(shipping) : "",
        first ? money(taxes) : "",
        first ? money(total) : "",
        first && n % 4 === 0 ? "BFCM20" : "",
        created,
        String(quantities[i]),
        name,
        money(price),
        first ? LANDINGS[n % LANDINGS.length]! : "",
      ].join(","));
    });
  }
  return `${lines.join("\n")}\n`;
}

/** The demo's sample files, by name, as they go into inbox/. */
export function demoFiles(): Record<string, string> {
  return {
    "google_ads_campaigns_2026-11-01_2026-11-07.csv": googleAdsReport(
      [1, 2, 3, 4, 5, 6, 7],
      3,
      ['2026-11-31,Brand - Search,Search,USD,"$412.00","3,120",98,4.00'],
    ),
    "meta_ads_2026-11.csv": metaAdsExport(),
    "hubspot_contacts_2026-11-26.csv": hubspotContacts(),
    "shopify_orders_2026-11.csv": shopifyOrders(),
  };
}

/** A second Google Ads export, overlapping the first by a day: for trying updates. */
export function demoFollowUpFile(): [string, string] {
  return ["google_ads_campaigns_2026-11-07_2026-11-08.csv", googleAdsReport([7, 8], 5)];
}
