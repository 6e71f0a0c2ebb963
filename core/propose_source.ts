/**
 * A new source in seconds: from a sample file and a table, propose the source block —
 * a name and files pattern from the file name, each table column mapped to the header
 * that names it best, and the parse rules its values need — and add it to plutus.yaml
 * keeping the file's comments.
 *
 * @module
 */
import { basename, extname } from "node:path";
import { Document, isMap, isScalar, parseDocument } from "yaml";
import { closestMatch, editDistance, normalizeName } from "../config/closest_match.ts";
import { ConfigError, PlutusError } from "../config/errors.ts";
import { parseConfig } from "../config/load_config.ts";
import type { ColumnSchema } from "../schema/table_schema.ts";
import { previewFile } from "./preview_file.ts";
import { FOOTER_MAX_ROWS, footerLike, TOTALS } from "./read/footer_rows.ts";
import { repeatedKeyWarning } from "./repeated_keys.ts";
import { checkSources, type Project } from "./project.ts";
import { type Cell, CellError, emptyToNull } from "./transform/cell.ts";
import { compileDateFormat, parseDate } from "./transform/clean/parse_date.ts";
import { compileParseNumber } from "./transform/clean/parse_number.ts";
import { parseBool } from "./transform/clean/parse_bool.ts";

/** One proposed column mapping. */
export interface ProposedColumn {
  column: string;
  header?: string;
  /** Clean rules as they are written in YAML. */
  clean: unknown[];
  /** Something the analyst should check. */
  note?: string;
}

/** A proposed source, and its YAML. */
export interface SourceProposal {
  name: string;
  files: string;
  table: string;
  columns: ProposedColumn[];
  /** Table columns no header seems to fill. */
  unmapped: string[];
  /** What the sample rows suggest the analyst check before loading. */
  warnings: string[];
  /** The source block as it would stand under `sources:`. */
  yaml: string;
  /** plutus.yaml with the source added (comments kept). */
  configText: string;
}

// Headers marketing tools use for common columns (compared without case, spaces or signs),
// in English and as German, French and Spanish interfaces export them.
const SYNONYMS: Record<string, string[]> = {
  date: [
    ...["day", "reportdate", "reportingstarts", "segmentsdate", "startdate"],
    ...["datum", "tag", "berichtsbeginn", "jour", "débutdurapport", "fecha", "día", "dia"],
  ],
  spend: [
    ...[
      "cost",
      "amountspent",
      "spent",
      "costusd",
      "amountspentusd",
      "amountspenteur",
      "totalspent",
    ],
    ...["kosten", "ausgegebenerbetrag", "coût", "cout", "montantdépensé", "costo", "coste"],
    "importegastado",
  ],
  cost: ["spend", "amountspent", "kosten", "coût", "costo", "coste"],
  impressions: ["impr", "impression", "impressionen", "impresiones"],
  clicks: [
    ...["linkclicks", "click", "klicks", "linkklicks", "clics", "clicsurunlien"],
    ...["clicsenelenlace"],
  ],
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

const DATE_FORMATS = [
  "YYYY-MM-DD",
  "MM/DD/YYYY",
  "DD/MM/YYYY",
  "DD.MM.YYYY",
  "M/D/YYYY",
  "D/M/YYYY",
  "D.M.YYYY",
  "YYYY/MM/DD",
  "MM/DD/YYYY HH:mm",
  "DD/MM/YYYY HH:mm",
  "DD.MM.YYYY HH:mm",
  "M/D/YYYY H:mm",
  "MM/DD/YYYY h:mm A",
  "MM/DD/YY",
  "DD/MM/YY",
  "MMM D, YYYY",
  "D MMM YYYY",
];

/** Proposes a source reading files like `path` into `tableName`. */
export async function proposeSource(
  project: Project,
  path: string,
  tableName: string,
  options: { name?: string; sheet?: string | number } = {},
): Promise<SourceProposal> {
  const table = project.tables.get(tableName);
  if (!table) {
    throw new PlutusError(`there is no table "${tableName}"`, {
      code: "no_table",
      hint: `Tables: ${
        [...project.tables.keys()].join(", ") || "none yet: add a file to schema/ first"
      }.`,
    });
  }
  const preview = await previewFile(path, SAMPLE_ROWS, { sheet: options.sheet });
  const fileName = basename(path);
  const name = options.name ?? sourceName(fileName);
  if (project.config.sources[name]) {
    throw new PlutusError(`plutus.yaml already has a source named "${name}"`, {
      code: "source_exists",
      hint: "Choose another name with --name.",
    });
  }
  // A totals footer is not data: read up to it, and judge the columns by the rows above.
  const footer = findFooter(preview.rows, SAMPLE_ROWS);
  const rows = (footer ? preview.rows.slice(0, footer.index) : preview.rows)
    .filter((row) => row.broken === undefined);
  const samples = (index: number) =>
    rows.map((row) => row.cells[index] ?? null).filter((cell) => cell !== null && cell !== "");
  const matches = matchHeaders(Object.keys(table.columns), preview.header);
  const style = numberStyle(
    [...matches].filter(([column]) => NUMERIC.has(table.columns[column]!.type))
      .flatMap(([, index]) => samples(index)),
  );
  const columns: ProposedColumn[] = [];
  const unmapped: string[] = [];
  for (const [column, schema] of Object.entries(table.columns)) {
    const index = matches.get(column);
    if (index === undefined) {
      unmapped.push(column);
      continue;
    }
    columns.push({
      column,
      header: preview.header[index]!,
      ...suggestClean(schema, samples(index), style),
    });
  }
  const files = filesPattern(fileName);
  const block: Record<string, unknown> = { kind: "file", files, table: tableName };
  if (options.sheet !== undefined) block.sheet = options.sheet;
  if (preview.info.skippedLines > 0) block.skip_lines = preview.info.skippedLines;
  if (footer) block.stop_at = footer.pattern;
  block.columns = Object.fromEntries(
    columns.map((
      c,
    ) => [c.column, c.clean.length === 0 ? c.header : { from: c.header, clean: c.clean }]),
  );
  const configText = await addToConfig(project, name, block, columns, unmapped);
  const yaml = sourceYaml(name, block, columns, unmapped);
  const warnings = [repeatedKeyWarning(table, matches, rows), otherSheets(preview, columns)]
    .filter((w) => w !== undefined);
  return { name, files, table: tableName, columns, unmapped, warnings, yaml, configText };
}

/** When nothing matched on a workbook's sheet, the other sheets may hold the data. */
function otherSheets(
  preview: { info: { sheet?: string; sheets?: string[] } },
  columns: readonly ProposedColumn[],
): string | undefined {
  const { sheet, sheets } = preview.info;
  if (columns.length > 0 || !sheets || sheets.length < 2) return undefined;
  const others = sheets.flatMap((name, i) => (name === sheet ? [] : [`${i + 1}. ${name}`]));
  return `no header of sheet "${sheet}" names a column of the table; the file also has ${
    others.join(", ")
  }: try --sheet with one of them (plutus preview FILE --sheet N shows it)`;
}

const SAMPLE_ROWS = 200;

/**
 * The footer of a report, to stop reading at: totals (Google Ads' "Total: Account",
 * Salesforce's "Grand Totals (125 records)") and lines of text that are not rows
 * (Salesforce's "Generated By: …", "Confidential Information - Do Not Distribute"). It
 * is the run of such rows that ends the file, when the sample reaches the end of the file.
 */
export function findFooter(
  rows: readonly { cells: readonly Cell[]; broken?: string }[],
  sampleLimit: number,
): { index: number; pattern: string } | undefined {
  if (rows.length === 0 || rows.length >= sampleLimit) return undefined;
  const first = (index: number) => {
    const cell = rows[index]!.cells[0];
    return typeof cell === "string" ? cell.trim() : "";
  };
  const filled = (index: number) =>
    rows[index]!.cells.filter((cell) => emptyToNull(cell) !== null).length;
  const isFooter = (index: number) =>
    footerLike(rows[index]!.cells, rows[index]!.broken !== undefined);
  let index = rows.length;
  while (index > 0 && index > rows.length - FOOTER_MAX_ROWS && isFooter(index - 1)) index--;
  while (index < rows.length && filled(index) === 0) index++; // it starts with its first text
  if (index >= rows.length || index === 0) return undefined;
  const text = first(index);
  const totals = TOTALS.exec(text);
  // a line of text: its first words, up to a colon ("Generated By:") or four words
  const words = totals?.[1] ?? /^[^:]{1,40}:|^\S+(\s+\S+){0,3}/.exec(text)![0];
  return { index, pattern: `^${words.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}` };
}

/** "google_ads_campaigns_2026-11-01.csv" → "google_ads_campaigns". */
export function sourceName(fileName: string): string {
  const stem = basename(fileName, extname(fileName)).toLowerCase();
  // dates and ids vary between exports: "report1764151200000" is a "report"
  const words = stem.replace(/\d+/g, "_").replace(/[^a-z]+/g, "_").split("_").filter((word) =>
    word.length > 1
  );
  const name = words.join("_");
  return /^[a-z]/.test(name) ? name : `source_${name || "file"}`;
}

/** "google_ads_2026-11-01.csv" → "google_ads_*.csv": dates and numbers vary between exports. */
export function filesPattern(fileName: string): string {
  const extension = extname(fileName);
  const stem = basename(fileName, extension);
  const pattern = stem.replace(/[\d][\d._\-]*[\d]|\d/g, "*").replace(/\*[^a-zA-Z]*\*/g, "*");
  // a name of digits alone ("2026-11.csv") would make a pattern that reads every file
  if (!/[a-zA-Z]/.test(pattern)) return fileName;
  return `${pattern === stem ? `${stem}*` : pattern}${extension.toLowerCase()}`;
}

function simplify(text: string): string {
  return normalizeName(text).replace(/[^\p{L}\p{N}]/gu, "");
}

/** Pairs each column with the header that names it best (each header at most once). */
function matchHeaders(columns: string[], header: string[]): Map<string, number> {
  const pairs: { column: string; index: number; score: number }[] = [];
  for (const column of columns) {
    const wanted = simplify(column);
    const synonyms = (SYNONYMS[column] ?? []).map(simplify);
    header.forEach((name, index) => {
      const found = simplify(name.replace(/\s*\([^)]*\)\s*$/, "")); // "Amount spent (EUR)" → "amountspent"
      if (found === "") return;
      let score = 0;
      if (found === wanted) score = 1;
      else if (synonyms.includes(found)) score = 0.9;
      else if (found.includes(wanted) || (wanted.length > 3 && wanted.includes(found))) score = 0.6;
      else if (editDistance(found, wanted) <= Math.max(1, Math.floor(wanted.length / 4))) {
        score = 0.5;
      }
      if (score > 0) pairs.push({ column, index, score });
    });
  }
  pairs.sort((a, b) => b.score - a.score || a.index - b.index);
  const chosen = new Map<string, number>();
  const used = new Set<number>();
  for (const pair of pairs) {
    if (chosen.has(pair.column) || used.has(pair.index)) continue;
    chosen.set(pair.column, pair.index);
    used.add(pair.index);
  }
  return chosen;
}

const NUMERIC = new Set(["integer", "decimal"]);

/**
 * How a file writes its numbers, judged from all its number columns at once: a report
 * writes 1,234 in one column and 873 in the next, and the next file's 873 may be 1,204;
 * a German export writes 1.234,56 in one column and 1.024 (a thousand and twenty-four)
 * in the next, which read alone looks like a decimal.
 */
export function numberStyle(values: readonly Cell[]): "plain" | "grouped" | "comma" {
  // the number alone: no currency sign or code, no spaces (1 234,50 € groups with them)
  const texts = values.filter((v): v is string => typeof v === "string").map((v) =>
    v.replace(/^\s*([$€£¥]|[A-Z]{3}\s)|([$€£¥]|\s[A-Z]{3})\s*$/g, "").replace(
      /[\s\u00a0\u202f]/g,
      "",
    )
  );
  // 1.234,56 or 12,5: a decimal comma (1,234 alone could be either, so it does not count)
  if (texts.some((t) => /^-?\d{1,3}(\.\d{3})+,\d+$|^-?\d+,\d{1,2}$/.test(t))) return "comma";
  if (texts.some((t) => /^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(t))) return "grouped";
  return "plain";
}

/** The rules a column's sample values need to pass its type, given the file's number style. */
export function suggestClean(
  column: ColumnSchema,
  values: Cell[],
  style: "plain" | "grouped" | "comma",
): { clean: unknown[]; note?: string } {
  const texts = values.filter((v): v is string => typeof v === "string").map((v) => v.trim());
  if (texts.length === 0) return { clean: [] };
  const nulls = [
    ...new Set(texts.filter((t) => /^(--|-|n\/a|na|null|none|\(not set\)|#n\/a)$/i.test(t))),
  ];
  const real = texts.filter((t) => !nulls.includes(t));
  const clean: unknown[] = nulls.length > 0 ? [{ null_if: nulls }] : [];
  const all = (test: (value: string) => boolean) => real.length > 0 && real.every(test);
  const allowed = column.values?.filter((v): v is string => typeof v === "string");
  if (allowed && allowed.length > 0) {
    const { map, note } = mapToAllowed([...new Set(real)], allowed);
    return { clean: Object.keys(map).length > 0 ? [...clean, { map }] : clean, note };
  }
  switch (column.type) {
    case "integer":
    case "decimal": {
      if (all((t) => /%\s*$/.test(t))) return { clean: [...clean, "parse_percent"] };
      const comma = compileParseNumber({ decimal: "," });
      if (style === "comma" && all((t) => !(comma(t) instanceof CellError))) {
        return { clean: [...clean, { parse_number: { decimal: "," } }] };
      }
      if (all((t) => /^[+-]?\d+(\.\d+)?$/.test(t))) {
        return { clean: style === "grouped" ? [...clean, "parse_number"] : clean };
      }
      const dot = compileParseNumber();
      if (all((t) => !(dot(t) instanceof CellError))) return { clean: [...clean, "parse_number"] };
      if (all((t) => !(comma(t) instanceof CellError))) {
        return { clean: [...clean, { parse_number: { decimal: "," } }] };
      }
      return { clean, note: "values that are not numbers: check them" };
    }
    case "date":
    case "datetime": {
      // ISO dates need nothing; other forms get their format written down, so that a
      // later file with 05/06/2026 is not refused as ambiguous
      if (all((t) => /^\d{4}-\d{2}-\d{2}([T ]|$)/.test(t))) return { clean };
      // numbers: timestamps (Stripe, HubSpot's API) or Excel day numbers
      if (all((t) => /^\d{10}$/.test(t))) return { clean: [...clean, { parse_date: "unix" }] };
      if (all((t) => /^\d{13}$/.test(t))) return { clean: [...clean, { parse_date: "unix_ms" }] };
      if (all((t) => /^\d{5}(\.\d+)?$/.test(t))) {
        return { clean: [...clean, { parse_date: "excel" }] };
      }

      const fitting = DATE_FORMATS.filter((format) => {
        const parser = compileDateFormat(format);
        return all((t) => typeof parseDate(t, [parser]) === "string");
      });
      if (fitting.length === 0) {
        return { clean, note: "no date format fits every value: check them" };
      }
      const [first, second] = fitting;
      const ambiguous = second !== undefined &&
        first!.replace(/D/g, "M") === second.replace(/D/g, "M");
      return {
        clean: [...clean, { parse_date: first }],
        note: ambiguous
          ? `the values fit both ${first} and ${second}: check which one the export uses`
          : undefined,
      };
    }
    case "boolean": {
      const words = parseBool();
      if (all((t) => !(words(t) instanceof CellError))) return { clean: [...clean, "parse_bool"] };
      return { clean };
    }
    default:
      return { clean };
  }
}

/**
 * A map from the values an export uses to the ones the schema allows: the same words in
 * another case, initials ("Marketing Qualified Lead" → mql), or a close spelling.
 */
function mapToAllowed(values: string[], allowed: string[]): {
  map: Record<string, string>;
  note?: string;
} {
  const map: Record<string, string> = {};
  const unknown: string[] = [];
  let guessed = false;
  for (const value of values) {
    if (allowed.includes(value)) continue;
    const initials = value.split(/[\s_-]+/).map((word) => word[0] ?? "").join("").toLowerCase();
    const found = allowed.find((a) => normalizeName(a) === normalizeName(value)) ??
      allowed.find((a) => initials.length >= 2 && a.toLowerCase() === initials);
    const close = found ?? closestMatch(value, allowed);
    if (close === undefined) unknown.push(value);
    else {
      map[value] = close;
      guessed ||= found === undefined;
    }
  }
  const notes = [
    unknown.length > 0
      ? `values the schema does not allow: ${
        unknown.map((v) => JSON.stringify(v)).join(", ")
      } — map them, or add them to the schema's values`
      : "",
    guessed ? "some values were mapped by a close spelling: check the map" : "",
  ].filter(Boolean);
  return { map, note: notes.length > 0 ? notes.join("; ") : undefined };
}

/** plutus.yaml's text with the source added, comments kept; checked before it is returned. */
async function addToConfig(
  project: Project,
  name: string,
  block: Record<string, unknown>,
  columns: ProposedColumn[],
  unmapped: string[],
): Promise<string> {
  const text = await Deno.readTextFile(project.paths.config);
  const document = parseDocument(text);
  const sources = document.get("sources", true);
  if (!isMap(sources)) document.set("sources", document.createNode({}));
  // `sources: {}` as plutus.yaml may start: the new source goes in block style all the same
  else if (sources.items.length === 0) sources.flow = false;
  document.setIn(["sources", name], sourceNode(document, block, columns, unmapped));
  const updated = document.toString();
  try {
    const { config, file } = parseConfig(updated, "plutus.yaml", project.env);
    checkSources(config, file, project.tables);
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new PlutusError(
        `the proposed source would make plutus.yaml invalid: ${error.message}`,
        {
          code: "proposal_invalid",
          hint: "Write the source by hand from the proposal shown, or report this as a bug.",
        },
      );
    }
    throw error;
  }
  return updated;
}

/**
 * The source as a YAML node: block style, each column's map on one line, and the notes
 * as comments where the analyst will read them.
 */
function sourceNode(
  document: Document,
  block: Record<string, unknown>,
  columns: ProposedColumn[],
  unmapped: string[],
) {
  const node = document.createNode(block);
  const map = isMap(node) ? node.get("columns", true) : undefined;
  if (isMap(map)) {
    for (const item of map.items) {
      const proposed = columns.find((c) =>
        c.column === (isScalar(item.key) ? item.key.value : undefined)
      );
      // one line per column, but a value map reads better as a list of its own
      const hasMap = proposed?.clean.some((rule) =>
        typeof rule === "object" && rule !== null && "map" in rule
      );
      if (isMap(item.value) && !hasMap) item.value.flow = true;
      const note = proposed?.note;
      if (note && isScalar(item.key)) item.key.commentBefore = ` check: ${note}`;
    }
    if (unmapped.length > 0) {
      map.comment =
        ` no header found for: ${unmapped.join(", ")} — map them if the file has them, ` +
        `or give every row the same value: ${unmapped[0]}: { value: … }`;
    }
  }
  return node;
}

function sourceYaml(
  name: string,
  block: Record<string, unknown>,
  columns: ProposedColumn[],
  unmapped: string[],
): string {
  const document = new Document({});
  document.set(name, sourceNode(document, block, columns, unmapped));
  return document.toString().trimEnd().split("\n").map((line) => `  ${line}`).join("\n");
}
