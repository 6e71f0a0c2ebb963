/**
 * Finds how a CSV is laid out from its first lines: the line ending, the delimiter, and
 * which line holds the header (exports often start with a report title and a date range).
 *
 * @module
 */
import Papa from "papaparse";

/** The layout of a CSV, as found or as configured. */
export interface CsvLayout {
  newline: "\r\n" | "\n" | "\r";
  delimiter: string;
  /** Lines before the header. */
  skipLines: number;
  /** Where the header line starts in the sampled text. */
  headerOffset: number;
  /**
   * The header was found on a later table of the file (after blank or `#` lines), one
   * with more rows than the first: its line may move from one export to the next.
   */
  laterTable?: boolean;
}

const CANDIDATES = [",", ";", "\t", "|"];
const SAMPLE_ROWS = 60;
// Lines looked at for the file's tables: GA4 puts a chart's table (a row a day) first.
// Bounded: the text is the sniffed sample (1 MiB at most), of which this many lines.
const TABLE_LINES = 3000;

/** Finds the layout of `text` (the decoded start of a file); given options win. */
export function sniffCsvLayout(
  text: string,
  options: { delimiter?: string; skipLines?: number; quote?: string } = {},
): CsvLayout {
  const newline = sniffNewline(text);
  const lines = leadingLines(
    text,
    newline,
    options.skipLines === undefined ? TABLE_LINES : SAMPLE_ROWS + options.skipLines,
  );
  // "sep=;" on the first line, as Excel reads and writes it: the delimiter, and not data
  const directive = /^sep=(.)\r?$/i.exec(lines[0]?.text ?? "");
  const first = directive ? 1 : 0;
  const delimiter = options.delimiter ?? directive?.[1] ??
    sniffDelimiter(lines.slice(0, SAMPLE_ROWS + 10), options.skipLines ?? first, options.quote);
  if (options.skipLines !== undefined) {
    const skipLines = options.skipLines;
    return { newline, delimiter, skipLines, headerOffset: offsetOfLine(lines, skipLines) };
  }
  const body = lines.slice(first);
  const header = findHeaderLine(body.slice(0, SAMPLE_ROWS + 10), delimiter, options.quote);
  const table = mainTable(body, header, delimiter, options.quote);
  const skipLines = first + table.header;
  return {
    newline,
    delimiter,
    skipLines,
    headerOffset: offsetOfLine(lines, skipLines),
    ...(table.later ? { laterTable: true } : {}),
  };
}

function sniffNewline(text: string): CsvLayout["newline"] {
  const lf = text.indexOf("\n");
  const cr = text.indexOf("\r");
  if (cr === -1) return "\n";
  if (lf === -1) return "\r";
  return cr + 1 === lf ? "\r\n" : lf < cr ? "\n" : "\r";
}

interface Line {
  text: string;
  offset: number;
}

function leadingLines(text: string, newline: string, count: number): Line[] {
  const lines: Line[] = [];
  let offset = 0;
  while (lines.length < count && offset < text.length) {
    const end = text.indexOf(newline, offset);
    if (end === -1) {
      lines.push({ text: text.slice(offset), offset });
      break;
    }
    lines.push({ text: text.slice(offset, end), offset });
    offset = end + newline.length;
  }
  return lines;
}

function offsetOfLine(lines: Line[], index: number): number {
  return lines[index]?.offset ??
    (lines.at(-1) ? lines.at(-1)!.offset + lines.at(-1)!.text.length : 0);
}

function fieldCounts(lines: Line[], delimiter: string, quote = '"'): number[] {
  return splitLines(lines, delimiter, quote).map((fields) => fields.length);
}

function splitLines(lines: Line[], delimiter: string, quote = '"'): string[][] {
  const parser = new Papa.Parser({ delimiter, quoteChar: quote, newline: "\n" });
  return lines.map((line) =>
    line.text.trim() === "" ? [] : (parser.parse(line.text, 0, false).data[0] as string[] ?? [])
  );
}

/** The count that most lines share (ties: the larger), ignoring blank and one-field lines. */
function modalCount(counts: number[]): { count: number; share: number } {
  const tally = new Map<number, number>();
  let considered = 0;
  for (const count of counts) {
    if (count < 2) continue;
    considered++;
    tally.set(count, (tally.get(count) ?? 0) + 1);
  }
  let best = { count: 1, times: 0 };
  for (const [count, times] of tally) {
    if (times > best.times || (times === best.times && count > best.count)) best = { count, times };
  }
  return { count: best.count, share: considered === 0 ? 0 : best.times / considered };
}

/**
 * The delimiter that splits most lines into the same number of fields. Among those that
 * are consistent enough (80% of lines agree), the one giving more fields wins: "1,5" in a
 * semicolon file splits every line in two on the comma, but in six on the semicolon.
 */
function sniffDelimiter(lines: Line[], skipLines?: number, quote?: string): string {
  const body = lines.slice(skipLines ?? 0).filter((line) => line.text.trim() !== "");
  const candidates = CANDIDATES.map((delimiter) => {
    const counts = fieldCounts(body, delimiter, quote);
    const modal = modalCount(counts);
    // A real delimiter splits the header like the rows; "1,5;2,5" splits only the rows.
    return { delimiter, ...modal, header: counts[0] === modal.count ? 1 : 0 };
  }).filter((candidate) => candidate.count >= 2);
  const consistent = candidates.filter((candidate) => candidate.share >= 0.8);
  const pool = consistent.length > 0 ? consistent : candidates;
  pool.sort((a, b) =>
    consistent.length > 0
      ? b.count - a.count || b.header - a.header || b.share - a.share
      : b.share * b.count - a.share * a.count
  );
  return pool[0]?.delimiter ?? ",";
}

/**
 * The first line with as many fields as most lines have: the titles above it have fewer —
 * or as many, padded with empty fields, as Excel's "CSV (semicolon)" writes them
 * (`Kampagnenbericht;;;`): a line with one filled field is a title when a later line fills more.
 */
function findHeaderLine(lines: Line[], delimiter: string, quote?: string): number {
  const fields = splitLines(lines, delimiter, quote);
  const counts = fields.map((f) => f.length);
  const { count } = modalCount(counts);
  if (count < 2) return Math.max(0, counts.findIndex((c) => c > 0));
  const filled = fields.map((f) => f.filter((field) => field.trim() !== "").length);
  const first = counts.findIndex((c) => c >= count);
  if (first === -1) return 0;
  const fuller = (from: number) => filled.slice(from + 1).some((n) => n >= 2);
  let index = first;
  while (index !== -1 && filled[index]! <= 1 && fuller(index)) {
    index = counts.findIndex((c, i) => i > index && c >= count);
  }
  return index === -1 ? first : index;
}

/** A run of lines that split into two fields or more: one table, its title rows aside. */
interface Block {
  start: number;
  /** Past its last line. */
  end: number;
}

/**
 * The header of the main table: `header`, or that of a later table with more rows, and
 * whether another table stands above it (so the lines above may vary). Exports
 * of GA4, Looker Studio or Search Console hold several tables, apart by blank and `#` lines;
 * the analyst means the one with the most rows in the sample (ties: the wider). A later
 * table counts only when its header names columns: every field filled, none a number, its
 * quotes closed — not the rest of a value that spans lines. Blocks apart by blank lines
 * only, of the same width, are one table with blank rows.
 */
function mainTable(
  lines: Line[],
  header: number,
  delimiter: string,
  quote = '"',
): { header: number; later: boolean } {
  // one table, as most files are: no line below the header lacks the delimiter (no blank
  // line, no `#` line), and splitting 3,000 lines would cost more than the rest of the sniff
  if (lines.every((line, i) => i <= header || line.text.includes(delimiter))) {
    const above = splitLines(lines.slice(0, header), delimiter, quote);
    return { header, later: above.some((f) => f.filter((v) => v.trim() !== "").length >= 2) };
  }
  const fields = splitLines(lines, delimiter, quote);
  const counts = fields.map((f) => f.length);
  const blocks: Block[] = [];
  let gapText = false;
  for (let i = 0; i < counts.length; i++) {
    if (counts[i]! < 2) {
      if (lines[i]!.text.trim() !== "") gapText = true;
      continue;
    }
    const last = blocks.at(-1);
    if (last && last.end === i) last.end = i + 1;
    else if (
      last && !gapText && counts[i] === counts[last.start] &&
      counts[last.end - 1] === counts[i]
    ) {
      last.end = i + 1;
    } else blocks.push({ start: i, end: i + 1 });
    gapText = false;
  }
  // a table's header opens its block, below padded titles at most (`Report;;;`)
  const opening = (block: Block) => {
    let at = block.start;
    while (at + 1 < block.end && fields[at]!.filter((f) => f.trim() !== "").length <= 1) at++;
    return at;
  };
  const own = blocks.findIndex((block) => block.start <= header && header < block.end);
  if (own === -1) return { header, later: false };
  const rowsOf = (block: Block, at: number) =>
    counts.slice(at + 1, block.end).filter((count) => count === counts[at]).length;
  // A table that comes back under the same header (an export of several pages) is one
  // table: its rows count together, and it starts at its first header.
  const named = (at: number) => fields[at]!.map((f) => f.trim().toLowerCase()).join("\u0000");
  const tables = new Map<string, { line: number; rows: number; width: number }>();
  const count = (at: number, rows: number) => {
    const table = tables.get(named(at));
    if (table) table.rows += rows;
    else tables.set(named(at), { line: at, rows, width: counts[at]! });
  };
  count(header, rowsOf(blocks[own]!, header));
  for (const block of blocks.slice(own + 1)) {
    const at = opening(block);
    if (namesColumns(fields[at]!, lines[at]!.text, quote)) count(at, rowsOf(block, at));
  }
  let best = tables.get(named(header))!;
  for (const table of tables.values()) {
    if (table.rows > best.rows || (table.rows === best.rows && table.width > best.width)) {
      best = table;
    }
  }
  return { header: best.line, later: best.line !== header || own > 0 };
}

/** A header line: every field filled, none a number or a date, its quotes closed. */
function namesColumns(fields: string[], text: string, quote: string): boolean {
  const quotes = text.split(quote).length - 1;
  return quotes % 2 === 0 &&
    fields.every((field) => field.trim() !== "" && !/^[\d\s.,:;%$€£+\-/]+$/u.test(field.trim()));
}
