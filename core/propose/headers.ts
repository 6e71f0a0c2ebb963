/**
 * Which header fills which table column: the header that names the column best — and,
 * where several name it alike (Meta's "Reporting starts" and "Day" for a date), the one
 * whose values vary row by row, with the others shown as alternatives. A key column that
 * would take one value for the whole file is flagged: its rows would merge.
 *
 * @module
 */
import { editDistance, normalizeName } from "../../util/closest_match.ts";
import type { TableSchema } from "../../config/table_schema.ts";
import { type Cell, emptyToNull } from "../transform/cell.ts";
import { withoutUnit } from "../transform/header_unit.ts";

// Headers marketing tools use for common columns (compared without case, spaces or signs),
// in English and as German, French and Spanish interfaces export them.
const SYNONYMS: Record<string, string[]> = {
  date: [
    ...["day", "reportdate", "reportingstarts", "segmentsdate", "startdate", "timeperiod"],
    ...["datum", "tag", "berichtsbeginn", "jour", "débutdurapport", "fecha", "día", "dia"],
  ],
  spend: [
    ...["cost", "amountspent", "spent", "totalspent"],
    ...["kosten", "ausgegebenerbetrag", "coût", "cout", "montantdépensé", "costo", "coste"],
    "importegastado",
  ],
  cost: ["spend", "amountspent", "kosten", "coût", "costo", "coste"],
  impressions: ["impr", "impression", "impressionen", "impresiones"],
  clicks: [
    ...["linkclicks", "click", "klicks", "linkklicks", "clics", "clicsurunlien"],
    ...["clicsenelenlace"],
  ],
  ctr: ["clickthroughrate", "linkclickthroughrate", "klickrate", "tauxdeclics"],
  conversions: [
    ...["results", "conv", "allconv", "purchases", "konversionen", "ergebnisse"],
    ...["résultats", "resultats", "conversiones", "resultados"],
  ],
  campaign: [
    ...["campaignname", "kampagne", "kampagnenname", "campagne", "nomdelacampagne"],
    ...["campaña", "campana", "nombredelacampaña"],
  ],
  email: ["emailaddress", "mail", "emailadresse", "courriel", "adresseemail", "correo"],
  first_name: ["firstname", "givenname", "vorname", "prénom", "prenom", "nombre"],
  last_name: ["lastname", "surname", "familyname", "nachname", "nom", "apellido", "apellidos"],
  created_at: [
    ...["createdate", "createdat", "created", "createddate", "datecreated"],
    ...["erstelltam", "erstellungsdatum", "datedecréation", "fechadecreación"],
  ],
  updated_at: ["lastmodifieddate", "updatedat", "modified", "lastmodified"],
  order_id: ["name", "orderid", "ordernumber", "order", "orderno", "bestellnummer"],
  ordered_at: ["createdat", "orderdate", "date", "bestelldatum"],
  total: ["totalprice", "amount", "ordertotal", "grandtotal", "gesamtbetrag", "summe"],
  amount: ["total", "value", "dealamount", "revenue", "betrag", "montant", "importe"],
  deal_name: ["opportunityname", "dealname", "name"],
  close_date: ["closedate", "expectedclosedate", "abschlussdatum"],
  country: [
    ...["countryregion", "billingcountry", "shippingcountry", "land", "pays", "país", "pais"],
  ],
  stage: ["lifecyclestage", "dealstage", "status"],
  status: ["financialstatus", "state"],
  source: ["originalsource", "leadsource", "utmsource", "quelle"],
  phone: [
    ...["phonenumber", "mobile", "mobilephone", "tel", "telefon", "telefonnummer"],
    ...["téléphone", "telephone", "teléfono", "telefono"],
  ],
};

function simplify(text: string): string {
  return normalizeName(text).replace(/[^\p{L}\p{N}]/gu, "");
}

/** How well `header` names `column`: 1 its name, 0.9 a synonym, less a likeness, 0 none. */
function nameScore(column: string, header: string): number {
  const wanted = simplify(column);
  // "Amount spent (EUR)" names spend as "Amount spent" does: the unit is judged elsewhere
  const found = simplify(withoutUnit(header));
  if (found === "") return 0;
  if (found === wanted) return 1;
  if ((SYNONYMS[column] ?? []).map(simplify).includes(found)) return 0.9;
  if (found.includes(wanted) || (wanted.length > 3 && wanted.includes(found))) return 0.6;
  if (editDistance(found, wanted) <= Math.max(1, Math.floor(wanted.length / 4))) return 0.5;
  return 0;
}

/** The headers chosen for the table's columns, and the others that could fill them. */
export interface HeaderMatches {
  /** Table column → index of its header. */
  chosen: Map<string, number>;
  /** Table column → indexes of other headers that name it too, and no column took. */
  alternatives: Map<string, number[]>;
}

/**
 * Pairs each column with the header that names it best, each header at most once. Among
 * headers that name a column as well as its name or a synonym would, one whose values vary
 * in the sample wins over one with the same value on every row. `extra` lists more
 * headers a column could read (say, those holding dates for a date column), shown as
 * alternatives but never chosen on their own.
 */
export function matchHeaders(
  columns: readonly string[],
  header: readonly string[],
  samples: (index: number) => readonly Cell[],
  extra: (column: string) => readonly number[] = () => [],
): HeaderMatches {
  const distinct = header.map((_, index) => new Set(samples(index).map(String)).size);
  const pairs: { column: string; index: number; score: number }[] = [];
  for (const column of columns) {
    header.forEach((name, index) => {
      const score = nameScore(column, name);
      if (score > 0) pairs.push({ column, index, score });
    });
  }
  const strong = (score: number) => (score >= 0.9 ? 1 : 0);
  const varies = (index: number) => (distinct[index]! > 1 ? 1 : 0);
  pairs.sort((a, b) =>
    strong(b.score) - strong(a.score) || varies(b.index) - varies(a.index) ||
    b.score - a.score || a.index - b.index
  );
  const chosen = new Map<string, number>();
  const used = new Set<number>();
  for (const pair of pairs) {
    if (chosen.has(pair.column) || used.has(pair.index)) continue;
    chosen.set(pair.column, pair.index);
    used.add(pair.index);
  }
  const alternatives = new Map<string, number[]>();
  for (const [column, index] of chosen) {
    // as good a name as the chosen one's (or a synonym): "Campaign type" is no campaign
    const score = pairs.find((pair) => pair.column === column && pair.index === index)!.score;
    const others = [
      ...pairs.filter((pair) => pair.column === column && pair.score >= Math.min(0.9, score))
        .map((pair) => pair.index),
      ...extra(column),
    ].filter((index, i, all) => !used.has(index) && all.indexOf(index) === i);
    if (others.length > 0) alternatives.set(column, others);
  }
  return { chosen, alternatives };
}

/** "also fits: "Reporting starts" (11/01/2026 on every row)" for a column's note. */
export function alternativesNote(
  header: readonly string[],
  indexes: readonly number[],
  samples: (index: number) => readonly Cell[],
): string {
  const described = indexes.map((index) => {
    const values = new Set(samples(index).map(String));
    const only = values.size === 1 ? ` (${[...values][0]} on every row)` : "";
    return `"${header[index]}"${only}`;
  });
  return `also fits: ${described.join(", ")} — map another if this one is not the right one`;
}

/**
 * When a key column's header has one value on every row of the sample and rows share
 * their whole key because of it, what to tell the analyst: loading would merge them.
 */
export function constantKeyWarning(
  table: TableSchema,
  chosen: ReadonlyMap<string, number>,
  header: readonly string[],
  rows: readonly { cells: readonly Cell[] }[],
): string | undefined {
  const key = table.key ?? [];
  const mapped = key.filter((column) => chosen.has(column));
  const cell = (row: { cells: readonly Cell[] }, column: string) =>
    emptyToNull(row.cells[chosen.get(column)!] ?? null);
  const filled = (column: string) => rows.map((row) => cell(row, column)).filter((v) => v !== null);
  const constant = mapped.filter((column) => {
    const values = filled(column);
    return values.length > 1 && new Set(values.map(String)).size === 1;
  });
  if (constant.length === 0) return undefined;
  const keys = new Set(
    rows.map((row) => JSON.stringify(mapped.map((column) => cell(row, column)))),
  );
  if (keys.size === rows.length) return undefined;
  const varying = mapped.filter((column) => !constant.includes(column));
  const column = constant[0]!;
  return `key column ${column} ("${header[chosen.get(column)!]}") has the same value, ${
    String(filled(column)[0])
  }, on every row: the sample's ${rows.length} rows would load as ${keys.size}, and every ` +
    `row would merge into one${varying.length > 0 ? ` per ${varying.join(" and ")}` : ""}: ` +
    `check the key or the mapping`;
}
