/**
 * A new source in seconds: from a sample file and a table, propose the source block —
 * a name and files pattern from the file name, each table column mapped to the header
 * that names it best, and the parse rules its values need — and add it to plutus.yaml
 * keeping the file's comments. It never guesses silently: what the sample cannot decide
 * (day/month order, a pattern another source's files also match, a sheet without a
 * table) comes back as a question or a warning. The parts live in propose/.
 *
 * @module
 */
import { basename } from "node:path";
import { Document, isMap, isScalar, parseDocument } from "yaml";
import { closestMatch, normalizeName } from "../../util/closest_match.ts";
import { ConfigError, PlutusError, UsageError } from "../../util/errors.ts";
import { escapeRegex } from "../../util/regex_text.ts";
import { parseConfig } from "../../config/load_config.ts";
import type { ColumnSchema } from "../../config/table_schema.ts";
import { previewFile } from "./preview_file.ts";
import { type DateOrder, fitDateFormat, provenOrder } from "./dates.ts";
import { filesPattern, patternsOverlap, sourceName } from "./file_pattern.ts";
import { alternativesNote, constantKeyWarning, matchHeaders } from "./headers.ts";
import { sheetWithTable } from "./sheet_choice.ts";
import { FOOTER_MAX_ROWS, footerLike, TOTALS, totalsRow } from "../read/footer_rows.ts";
import { repeatedKeyWarning } from "../pipeline/repeated_keys.ts";
import { checkSources, type Project } from "../project/project.ts";
import { type Cell, CellError, emptyToNull } from "../transform/cell.ts";
import { compileParseNumber, compileParsePercent } from "../transform/clean/parse_number.ts";
import { parseBool } from "../transform/clean/parse_bool.ts";

export { filesPattern, sourceName };
export type { DateOrder };

/** One proposed column mapping. */
export interface ProposedColumn {
  column: string;
  header?: string;
  /** Clean rules as they are written in YAML. */
  clean: unknown[];
  /** Something the analyst should check. */
  note?: string;
}

/** A date column whose values fit day/month and month/day alike: the analyst decides. */
export interface DateQuestion {
  column: string;
  header: string;
  /** The first and last distinct values of the sample. */
  examples: string[];
  orders: DateOrder[];
}

/** Number columns whose 1.234 reads as one and a bit or a thousand and more: the analyst decides. */
export interface DecimalQuestion {
  column: string;
  header: string;
  /** Its distinct dotted values, up to three. */
  examples: string[];
}

/** How a file writes its numbers, as the analyst says: `1.234,5` (comma) or `1,234.5` (dot). */
export type DecimalMark = "comma" | "dot";

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
  /** Date columns whose day/month order the sample does not prove (see `dateOrder`). */
  questions: DateQuestion[];
  /** Number columns whose decimal mark the file does not show (see `decimal`). */
  decimalQuestions: DecimalQuestion[];
  /** Sources whose files pattern a file could match along with this one's. */
  overlaps: { source: string; files: string[] }[];
  /** The source block as it would stand under `sources:`. */
  yaml: string;
  /** plutus.yaml with the source added (comments kept). */
  configText: string;
  /** plutus.yaml as the proposal read it: the source is added only to that (addProposedSource). */
  configBefore: string;
}

/** What the analyst decided beforehand. */
export interface ProposeOptions {
  name?: string;
  sheet?: string | number;
  /** The files pattern, instead of the one made from the file name. */
  files?: string;
  /** Day/month order for date columns whose values leave it open. */
  dateOrder?: DateOrder;
  /** The decimal mark, where the file's numbers leave it open (1.234 alone). */
  decimal?: DecimalMark;
  /** Lines before the header, instead of the ones found; written as `skip_lines`. */
  skipLines?: number;
}

/** Proposes a source reading files like `path` into `tableName`. */
export async function proposeSource(
  project: Project,
  path: string,
  tableName: string,
  options: ProposeOptions = {},
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
  const preview = await previewFile(path, SAMPLE_ROWS, {
    sheet: options.sheet,
    skipLines: options.skipLines,
  });
  const fileName = basename(path);
  if (options.sheet === undefined) {
    const better = await sheetWithTable(path, preview);
    if (better) {
      throw new UsageError(
        `${fileName}: its first sheet, "${preview.info.sheet}", holds no table (only ${better.instead}); ` +
          `sheet ${better.number}, "${better.name}", has one`,
        {
          code: "sheet_without_table",
          hint:
            `Run again with --sheet ${better.number} (plutus preview ${fileName} --sheet ${better.number} shows it).`,
        },
      );
    }
  }
  const name = options.name ?? sourceName(fileName);
  if (project.config.sources[name]) {
    throw new PlutusError(`plutus.yaml already has a source named "${name}"`, {
      code: "source_exists",
      hint: "Choose another name with --name.",
    });
  }
  // A totals footer is not data: read up to it, and judge the columns by the rows above;
  // nor is GA4's "Grand total" row under the header ("Grand total" fits no date format).
  const footer = findFooter(preview.rows, SAMPLE_ROWS);
  const rows = (footer ? preview.rows.slice(0, footer.index) : preview.rows)
    .filter((row) => row.broken === undefined && !totalsRow(row.cells));
  const samples = (index: number) =>
    rows.map((row) => row.cells[index] ?? null).filter((cell) => cell !== null && cell !== "");
  const texts = (index: number) =>
    samples(index).filter((v): v is string => typeof v === "string").map((v) => v.trim());
  // a date column may read any header that holds dates: shown as alternatives
  const holdsDates = preview.header.map((_, index) => {
    const values = texts(index);
    return values.length > 0 && values.length === samples(index).length &&
      !/^\d+(\.\d+)?$/.test(values[0]!) &&
      fitDateFormat(values.slice(0, 3)).note === undefined && // cheap first
      fitDateFormat(values).note === undefined;
  });
  const { chosen, alternatives } = matchHeaders(
    Object.keys(table.columns),
    preview.header,
    samples,
    (column) => {
      const type = table.columns[column]!.type;
      return type === "date" || type === "datetime"
        ? holdsDates.flatMap((dates, index) => (dates ? [index] : []))
        : [];
    },
  );
  // one export writes all its dates alike: a value past the 12th in any column decides
  const proofs = holdsDates.flatMap((dates, index) => {
    const proof = dates ? provenOrder(texts(index)) : undefined;
    return proof ? [{ ...proof, header: preview.header[index]! }] : [];
  });
  const fileOrder = new Set(proofs.map((proof) => proof.order)).size === 1 ? proofs[0] : undefined;
  const dateOrder = options.dateOrder !== undefined ? { order: options.dateOrder } : fileOrder && {
    order: fileOrder.order,
    why: `"${fileOrder.header}" has ${fileOrder.value}`,
  };
  const numberColumns = [...chosen].filter(([column]) => NUMERIC.has(table.columns[column]!.type));
  // a German export (";" between fields, dates as 31.03.2026) groups thousands with a dot
  const dotThousands = preview.info.delimiter === ";" ||
    preview.header.some((_, index) => {
      const values = texts(index);
      return values.length > 0 && values.every((t) => /^\d{1,2}\.\d{1,2}\.\d{4}( |$)/.test(t));
    });
  const numbers = numberColumns.flatMap(([, index]) => samples(index));
  const style = options.decimal === "comma"
    ? "comma"
    : numberStyle(numbers, { dotThousands: options.decimal === undefined && dotThousands });
  const decimalQuestions = style === "plain" && options.decimal === undefined
    ? dotQuestions(numberColumns, preview.header, texts)
    : [];
  const columns: ProposedColumn[] = [];
  const unmapped: string[] = [];
  const questions: DateQuestion[] = [];
  for (const [column, schema] of Object.entries(table.columns)) {
    const index = chosen.get(column);
    if (index === undefined) {
      unmapped.push(column);
      continue;
    }
    const header = preview.header[index]!;
    const { clean, note, undecided } = suggestClean(schema, samples(index), { style, dateOrder });
    if (undecided) {
      const distinct = [...new Set(texts(index))];
      const examples = distinct.length > 1 ? [distinct[0]!, distinct.at(-1)!] : distinct;
      questions.push({ column, header, examples, orders: undecided });
    }
    const others = alternatives.get(column);
    const dotted = decimalQuestions.find((q) => q.column === column)?.examples[0];
    const dots = dotted &&
      `${dotted} may be ${dotted.replace(/\./g, "")}: answer with --decimal comma or dot`;
    const notes = [note, dots, others && alternativesNote(preview.header, others, samples)]
      .filter(Boolean);
    columns.push({
      column,
      header,
      clean,
      note: notes.length > 0 ? notes.join("; ") : undefined,
    });
  }
  const files = options.files ?? filesPattern(fileName);
  const overlaps = Object.entries(project.config.sources).flatMap(([source, config]) =>
    config.kind === "file" && patternsOverlap(files, config.files, fileName)
      ? [{ source, files: config.files }]
      : []
  );
  const block: Record<string, unknown> = { kind: "file", files, table: tableName };
  if (options.sheet !== undefined) block.sheet = options.sheet;
  // a header found on a later table moves with the tables above it (a 31-day month has one
  // more row a day): written, it would point into next month's file at the wrong line
  if (options.skipLines !== undefined) block.skip_lines = options.skipLines;
  else if (preview.info.skippedLines > 0 && !preview.info.laterTable) {
    block.skip_lines = preview.info.skippedLines;
  }
  if (footer?.pattern) block.stop_at = footer.pattern;
  block.columns = Object.fromEntries(
    columns.map((
      c,
    ) => [c.column, c.clean.length === 0 ? c.header : { from: c.header, clean: c.clean }]),
  );
  const { configText, configBefore } = await addToConfig(project, name, block, columns, unmapped);
  const yaml = sourceYaml(name, block, columns, unmapped);
  const warnings = [
    constantKeyWarning(table, chosen, preview.header, rows),
    repeatedKeyWarning(table, chosen, rows),
    otherSheets(preview, columns),
  ].filter((w) => w !== undefined);
  return {
    name,
    files,
    table: tableName,
    columns,
    unmapped,
    warnings,
    questions,
    decimalQuestions,
    overlaps,
    yaml,
    configText,
    configBefore,
  };
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

// Enough rows to see a date past the 12th in a daily report of many campaigns.
const SAMPLE_ROWS = 2_000;

/**
 * The footer of a report, to stop reading at: totals (Google Ads' "Total: Account",
 * Salesforce's "Grand Totals (125 records)") and lines of text that are not rows
 * (Salesforce's "Generated By: …", "Confidential Information - Do Not Distribute"). It
 * is the run of such rows that ends the file, when the sample reaches the end of the file.
 * Its `pattern`, for `stop_at`, matches a totals row only as TOTALS recognises one (the
 * word, then `:`, `(` or the cell's end), so a campaign "Totally Free Shipping" or "Total
 * Wine" is not a footer. A footer whose text is not in the first column (a report that
 * starts in column B) gets no pattern: `stop_at` reads the first column only, and the run
 * holds such a footer back all the same (footer_rows.ts).
 */
export function findFooter(
  rows: readonly { cells: readonly Cell[]; broken?: string }[],
  sampleLimit: number,
): { index: number; pattern?: string } | undefined {
  if (rows.length === 0 || rows.length >= sampleLimit) return undefined;
  const filled = (index: number) =>
    rows[index]!.cells.filter((cell) => emptyToNull(cell) !== null).length;
  // the longest run of footer-like rows that ends the sample, read forward as the run reads
  // it (a row of one cell is footer after a totals row: withoutFooter in footer_rows.ts)
  const footerFrom = (start: number) => {
    let totals = false;
    for (let i = start; i < rows.length; i++) {
      const { cells, broken } = rows[i]!;
      if (!footerLike(cells, broken !== undefined, totals)) return false;
      totals ||= totalsRow(cells);
    }
    return true;
  };
  let index = Math.max(0, rows.length - FOOTER_MAX_ROWS);
  while (index < rows.length && !footerFrom(index)) index++;
  while (index < rows.length && filled(index) === 0) index++; // it starts with its first text
  if (index >= rows.length || index === 0) return undefined;
  const cell = rows[index]!.cells[0];
  const raw = typeof cell === "string" ? cell : "";
  if (raw.trim() === "") return { index };
  const text = raw.trim();
  const lead = raw === raw.trimStart() ? "^" : "^\\s*";
  const totals = TOTALS.exec(text);
  if (totals) {
    // "Total" then what TOTALS asks for: ^Total alone would stop at "Totally Free Shipping"
    const word = escapeRegex(totals[1]!, true);
    return { index, pattern: `${lead}${word}\\s*(:|\\(|$)` };
  }
  // a line of text: its first words, up to a colon ("Generated By:") or four words
  const words = /^[^:]{1,40}:|^\S+(\s+\S+){0,3}/.exec(text)![0];
  return { index, pattern: `${lead}${escapeRegex(words)}` };
}

const NUMERIC = new Set(["integer", "decimal"]);

/**
 * How a file writes its numbers, judged from all its number columns at once: a report
 * writes 1,234 in one column and 873 in the next, and the next file's 873 may be 1,204;
 * a German export writes 1.234,56 in one column and 1.024 (a thousand and twenty-four)
 * in the next, which read alone looks like a decimal.
 */
export function numberStyle(
  values: readonly Cell[],
  evidence: {
    /** The file is German-style (";" between fields, dates as 31.03.2026): 1.234 is 1234. */
    dotThousands?: boolean;
  } = {},
): "plain" | "grouped" | "comma" {
  const texts = values.filter((v): v is string => typeof v === "string").map(numberText);
  // 1.234,56 or 12,5: a decimal comma (1,234 alone could be either, so it does not count)
  if (texts.some((t) => /^-?\d{1,3}(\.\d{3})+,\d+$|^-?\d+,\d{1,2}$/.test(t))) return "comma";
  // a German file with no decimal comma in the sample: 1.234 and 10.000 are thousands, and
  // 1,234 a decimal — unless a value is written the English way (1.5, 1,234.50, 1,234,567)
  if (
    evidence.dotThousands &&
    !texts.some((t) => /\.\d{1,2}$|\.\d{4,}$|,\d{3}[.,]|^-?0\./.test(t)) &&
    texts.some((t) => DOT_GROUPED.test(t) || /^-?\d{1,3},\d{3}$/.test(t))
  ) return "comma";
  if (texts.some((t) => /^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(t))) return "grouped";
  return "plain";
}

/** The number alone: no currency sign or code, no spaces (1 234,50 € groups with them). */
function numberText(value: string): string {
  return value.replace(/^\s*([$€£¥]|[A-Z]{3}\s)|([$€£¥]|\s[A-Z]{3})\s*$/g, "")
    .replace(/[\s\u00a0\u202f]/g, "");
}

// 1.234 or 10.000.000: a number with dot-grouped thousands, or a decimal with 3 places
const DOT_GROUPED = /^-?[1-9]\d{0,2}(\.\d{3})+$/;

/**
 * Number columns whose every dotted value reads two ways (1.234: one and a bit, or a
 * thousand and more) in a file that does not say which: the analyst is told, by column,
 * instead of a silent guess that would store 1.234 € as 1.234 or as 1234.
 */
function dotQuestions(
  columns: readonly [string, number][],
  header: readonly string[],
  texts: (index: number) => string[],
): DecimalQuestion[] {
  const dotted = columns.map(([column, index]) => ({
    column,
    header: header[index]!,
    values: [...new Set(texts(index).filter((t) => numberText(t).includes(".")))],
  }));
  const all = dotted.flatMap((d) => d.values);
  if (all.length === 0 || !all.every((t) => DOT_GROUPED.test(numberText(t)))) return [];
  return dotted.filter((d) => d.values.length > 0).map(({ column, header, values }) => ({
    column,
    header,
    examples: values.slice(0, 3),
  }));
}

/** A decimal question in words: the column, its values, and both readings of one. */
export function describeDecimal({ column, header, examples }: DecimalQuestion): string {
  const value = examples[0]!;
  return `Column ${column} ("${header}") holds ${examples.join(", ")}: ${value} is ` +
    `${value.replace(/\./g, "")} if the file groups thousands with a dot (--decimal comma), ` +
    `or ${value} if the dot is a decimal point (--decimal dot); nothing in the sample shows which.`;
}

/** The rules a column's sample values need to pass its type, given the file's number style. */
export function suggestClean(
  column: ColumnSchema,
  values: Cell[],
  options: {
    style?: "plain" | "grouped" | "comma";
    /** The day/month order where the values leave it open, and why. */
    dateOrder?: { order: DateOrder; why?: string };
  } = {},
): { clean: unknown[]; note?: string; undecided?: DateOrder[] } {
  const style = options.style ?? "plain";
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
      const comma = compileParseNumber({ decimal: "," });
      if (all((t) => /%\s*$/.test(t))) {
        // "19,5 %" in a file of decimal commas: the percentage is written the same way
        const reads = (format: { decimal?: "," }) => {
          const percent = compileParsePercent(format);
          return all((t) => !(percent(t) instanceof CellError));
        };
        const commaPercent = { parse_percent: { decimal: "," } };
        if (style === "comma" && reads({ decimal: "," })) {
          return { clean: [...clean, commaPercent] };
        }
        if (reads({})) return { clean: [...clean, "parse_percent"] };
        if (reads({ decimal: "," })) return { clean: [...clean, commaPercent] };
        return {
          clean: [...clean, "parse_percent"],
          note: "values that are not percentages: check them",
        };
      }
      if (style === "comma" && all((t) => !(comma(t) instanceof CellError))) {
        return { clean: [...clean, { parse_number: { decimal: "," } }] };
      }
      if (all((t) => /^[+-]?\d+(\.\d+)?$/.test(t))) {
        // 1.000 read as one (decided: --decimal dot, or the file's other values) is written
        // down: without a rule an integer column refuses 1.000 as one or a thousand
        if (
          column.type === "integer" && style === "plain" &&
          real.some((t) => /^[+-]?[1-9]\d{0,2}\.000$/.test(t))
        ) {
          return { clean: [...clean, { parse_number: { decimal: "." } }] };
        }
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

      const fit = fitDateFormat(real, options.dateOrder);
      return {
        clean: fit.format === undefined ? clean : [...clean, { parse_date: fit.format }],
        note: fit.note ??
          (fit.undecided ? "day and month order unknown: give it with --date-order" : undefined),
        undecided: fit.undecided,
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
): Promise<{ configText: string; configBefore: string }> {
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
  return { configText: updated, configBefore: text };
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
