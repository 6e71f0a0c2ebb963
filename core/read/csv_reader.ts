/**
 * Streams a CSV file: sniffs its encoding and layout from the first MiB, then parses it
 * chunk by chunk with papaparse, so memory stays flat whatever the file's size. Every row
 * keeps the line it started on.
 *
 * @module
 */
import { createHash } from "node:crypto";
import Papa from "papaparse";
import { SourceError } from "../../util/errors.ts";
import type { Cell } from "../transform/cell.ts";
import { assertText, sniffEncoding } from "./sniff_encoding.ts";
import { sniffCsvLayout } from "./sniff_csv_layout.ts";
import { countAfterStop, stopInfo } from "./footer_rows.ts";
import type { ReadOptions, RowBatch, StopInfo, TableReader } from "./table_reader.ts";

/** CSV options from `csv:` in a source; absent ones are sniffed. */
export interface CsvReadOptions extends ReadOptions {
  delimiter?: string;
  encoding?: string;
  quote?: string;
}

// Enough for sniffing; the rows that follow are read in smaller chunks, which keeps the
// strings and rows in flight (and so the heap) small.
const SAMPLE_BYTES = 1 << 20;
const CHUNK_BYTES = 1 << 16;
// A row longer than this is a quote that never closes, or not a CSV at all.
const MAX_ROW_CHARS = 64 << 20;

interface ParseResult {
  data: string[][];
  errors: { code: string; message: string; row: number }[];
  meta: { cursor: number };
}

/** Opens a CSV file and reads its header; rows() streams the rest. */
export async function openCsv(
  path: string,
  fileName: string,
  options: CsvReadOptions = {},
): Promise<TableReader> {
  const file = await Deno.open(path);
  try {
    return await readHead(file, fileName, options);
  } catch (error) {
    file.close();
    throw error;
  }
}

async function readHead(file: Deno.FsFile, fileName: string, options: CsvReadOptions) {
  const sample = await readUpTo(file, new Uint8Array(SAMPLE_BYTES));
  if (sample.length === 0) {
    throw new SourceError(`${fileName} is empty`, {
      code: "empty_file",
      hint: "Export the data again; the file has no bytes at all.",
      location: fileName,
    });
  }
  const { encoding, bomLength } = sniffEncoding(sample, fileName, options.encoding);
  const decoder = new TextDecoder(encoding, { fatal: true });
  // bytes the last read left of a character it began: the next read starts with them
  let unfinished = 0;
  // `line` is where `before` (decoded, not yet parsed) starts; `bytes` follow it
  const decode = (bytes: Uint8Array, stream: boolean, line: number, before = "") => {
    try {
      const text = decoder.decode(bytes, { stream });
      unfinished = unfinishedUtf8(bytes);
      return text;
    } catch {
      // UTF-8 can be checked byte by byte: the error names the very line
      const exact = encoding === "utf-8"
        ? line + lineBreaks(before) + newlineBytes(bytes, firstInvalidUtf8(bytes, unfinished))
        : undefined;
      const at = exact ?? line;
      throw new SourceError(
        exact === undefined
          ? `${fileName}:${at}: the text is not valid ${encoding} from around this line on`
          : `${fileName}:${at}: the text is not valid ${encoding} on this line`,
        {
          code: "bad_encoding",
          location: `${fileName}:${at}`,
          hint: encoding === "utf-8"
            ? "The file mixes encodings; if it came from Excel on Windows, set csv: {encoding: windows-1252} in its source."
            : `Set csv: {encoding: …} in its source to the file's real encoding.`,
        },
      );
    }
  };
  const sampleText = decode(sample.subarray(bomLength), true, 1);
  assertText(sampleText, fileName);
  const layout = sniffCsvLayout(sampleText, options);
  // Files joined or edited by hand mix CRLF and LF: split at every LF, and drop the CR
  // that ends a row's last value (papaparse already skips it after a closing quote).
  // Line breaks inside quoted values stay as the file has them. CR alone: old Mac files.
  const newline = layout.newline === "\r" ? "\r" : "\n";
  const parser = new Papa.Parser({
    delimiter: layout.delimiter,
    newline,
    quoteChar: options.quote ?? '"',
  });
  const quoteCode = (options.quote ?? '"').charCodeAt(0);
  const parse = (input: string, last: boolean) => parser.parse(input, 0, !last) as ParseResult;

  const afterSkip = sampleText.slice(layout.headerOffset);
  const head = readFirstRow(afterSkip, layout.delimiter, newline, options.quote);
  const headerCells = head.cells;
  if (headerCells) dropEndingCr(headerCells);
  if (head.end >= afterSkip.length && sample.length === SAMPLE_BYTES) {
    throw new SourceError(
      `${fileName}:${layout.skipLines + 1}: the header line does not end within the first MB`,
      {
        code: "no_header",
        location: `${fileName}:${layout.skipLines + 1}`,
        hint:
          "This is not a CSV export with a header line (is it one long line of data, or another format?). Export it again as CSV.",
      },
    );
  }
  if (!headerCells || headerCells.every((cell) => cell.trim() === "")) {
    throw new SourceError(
      `${fileName} has no header line${
        layout.skipLines ? ` after skipping ${layout.skipLines} line(s)` : ""
      }`,
      {
        code: "no_header",
        hint: "The first line of a CSV must name its columns; check csv.skip_lines in its source.",
        location: `${fileName}:${layout.skipLines + 1}`,
      },
    );
  }
  const header = headerCells.map((cell) => cell.trim());
  // a row that repeats the header is seen by its cells, lowered once here, not on every row
  const headerLower = header.map((name) => name.toLowerCase());
  const headerLine = layout.skipLines + 1;
  let carry = afterSkip.slice(head.end);
  const state = {
    stopped: undefined as StopInfo | undefined,
    blankRows: 0,
    sha256: undefined as string | undefined,
  };
  // Every byte parsed is hashed as it is read: the step compares this with the checksum
  // taken before reading, instead of reading the whole file a second time.
  const hash = createHash("sha256").update(sample);

  async function* rows(): AsyncGenerator<RowBatch> {
    let line = headerLine + 1 + headerCells!.reduce((n, cell) => n + lineBreaks(cell), 0);
    let done = sample.length < SAMPLE_BYTES;
    let buffer = new Uint8Array(CHUNK_BYTES);
    let stopping = false;
    // the row before was blank: a `#` line after one ends the table
    let afterBlank = false;
    try {
      while (true) {
        if (!done) {
          const bytes = await readUpTo(file, buffer);
          hash.update(bytes);
          done = bytes.length < buffer.length;
          carry += decode(bytes, !done, line, carry);
          // No row ends before a line break: wait for one, so a huge row is parsed once.
          if (!done && !carry.includes(newline)) {
            if (carry.length > MAX_ROW_CHARS) throw longLine(fileName, line);
            if (buffer.length < 16 << 20) buffer = new Uint8Array(buffer.length * 2);
            continue;
          }
        }
        if (done) carry += decode(new Uint8Array(), false, line);
        const input = layout.newline === "\r\n" ? splitLoneCr(carry, quoteCode, done) : carry;
        const result = parse(input, done);
        carry = done ? "" : input.slice(result.meta.cursor);
        if (carry.length > MAX_ROW_CHARS) throw tooLong(carry, newline, fileName, line);
        const missing = result.errors.find((error) => error.code === "MissingQuotes");
        if (missing) {
          const before = result.data.slice(0, missing.row).reduce((n, row) => n + rowLines(row), 0);
          // a quote closed, then text before the delimiter ("x"y,1): papaparse reads on to
          // a closing quote that never comes, and the row is another mistake than a missing "
          const closedEarly = result.errors.some((error) =>
            error.code === "InvalidQuotes" && error.row === missing.row
          );
          throw unclosedQuote(fileName, line + before, closedEarly);
        }
        const data = result.data;
        // A row longer than a chunk is parsed again from its start with each chunk read:
        // read more at a time while no row ends, so that a huge row costs linear time.
        const wanted = data.length === 0 ? Math.min(buffer.length * 2, 16 << 20) : CHUNK_BYTES;
        if (wanted !== buffer.length) buffer = new Uint8Array(wanted);
        // The line break that ends the last line is not a blank row of its own.
        const lastRow = data.at(-1);
        if (done && lastRow?.length === 1 && lastRow[0] === "") data.pop();
        // When the parsed text has one line break per row, no value spans lines, and the
        // line numbers need no look inside the values.
        const parsedEnd = done ? input.length : result.meta.cursor;
        const endsOpen = done && !input.endsWith(newline) ? 1 : 0;
        const oneLineEach = countOf(input, newline, parsedEnd) === data.length - endsOpen;

        const batch: RowBatch = { rows: [], lines: [], broken: [] };
        const rowErrors = result.errors.length === 0
          ? undefined
          : new Map(result.errors.map((error) => [error.row, describeParseError(error.code)]));
        const width = header.length;
        for (let index = 0; index < data.length; index++) {
          const cells = data[index]!;
          dropEndingCr(cells);
          const at = line;
          line += oneLineEach ? 1 : rowLines(cells);
          if (cells[0] === "" && cells.every((cell) => cell === "")) {
            state.blankRows++;
            afterBlank = true;
            continue;
          }
          const blankBefore = afterBlank;
          afterBlank = false;
          if (stopping) {
            countAfterStop(state.stopped!, cells, cells.length !== width);
            continue;
          }
          if (options.stopAt?.test(cells[0] ?? "")) {
            stopping = true;
            state.stopped = stopInfo(at, cells[0] ?? "", cells);
            continue;
          }
          if (blankBefore && width > 1 && comment(cells)) {
            // another table of the export starts: reading stops, as at a stop_at match
            stopping = true;
            state.stopped = { ...stopInfo(at, cells[0]!.trim(), cells), tableEnd: true };
            continue;
          }
          const problem = rowErrors?.get(index) ??
            (cells.length === width && sameCells(cells, headerLower) ? HEADER_AGAIN : undefined) ??
            (cells.length === width ? undefined : shapeProblem(cells, width));
          if (problem) batch.broken.push({ line: at, reason: problem, cells });
          else {
            if (cells.length > width) cells.length = width;
            batch.rows.push(cells as Cell[]);
            batch.lines.push(at);
          }
        }
        if (done) state.sha256 = hash.digest("hex");
        if (batch.rows.length > 0 || batch.broken.length > 0) yield batch;
        if (done) return;
      }
    } finally {
      file.close();
    }
  }

  return {
    fileName,
    header,
    headerLine,
    info: {
      format: "csv",
      encoding,
      delimiter: layout.delimiter,
      skippedLines: layout.skipLines,
      ...(layout.laterTable ? { laterTable: true } : {}),
    },
    rows,
    get stopped() {
      return state.stopped;
    },
    get blankRows() {
      return state.blankRows;
    },
    get sha256() {
      return state.sha256;
    },
    close: () => {
      try {
        file.close();
      } catch {
        // already closed by rows()
      }
    },
  } satisfies TableReader;
}

/**
 * In a CRLF file, a CR alone outside quotes is a line break that lost its LF (files joined
 * by hand, a broken export): it becomes an LF, so that the two rows it separates stay two
 * rows, as a text editor shows them. A CR inside a quoted value is data and stays. The
 * text keeps its length, so offsets into it hold. `text` starts at a row's start; a CR at
 * its end waits for the next chunk (its LF may be there) unless `final`.
 */
function splitLoneCr(text: string, quote: number, final: boolean): string {
  if (!/\r(?!\n)/.test(text)) return text;
  let out = "";
  let from = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === quote) quoted = !quoted; // "" inside a value flips twice
    else if (
      code === 13 && !quoted && text.charCodeAt(i + 1) !== 10 && (i + 1 < text.length || final)
    ) {
      out += `${text.slice(from, i)}\n`;
      from = i + 1;
    }
  }
  return out + text.slice(from);
}

/** The CR of a CRLF line end, left on the row's last value by splitting at LF. */
function dropEndingCr(cells: string[]): void {
  const end = cells.length - 1;
  if (cells[end]!.charCodeAt(cells[end]!.length - 1) === 13) cells[end] = cells[end]!.slice(0, -1);
}

/**
 * A comment line as GA4 and Looker Studio exports write between tables (after a blank
 * line): `# ----`, `# Start date: 20261101`, alone on its line or padded with empty fields
 * as a spreadsheet saves it. A row of data such as `#1003,30` (an order name) is none.
 */
function comment(cells: string[]): boolean {
  return /^#(\s|-|#|$)/.test(cells[0]!.trimStart()) &&
    cells.every((cell, i) => i === 0 || cell.trim() === "");
}

const HEADER_AGAIN =
  "the header again (a new page of the export, or a file pasted below another): not a row";

/**
 * Whether a row repeats the header (`lower`: its names in lower case), as an export of
 * several pages does on each page.
 */
function sameCells(cells: string[], lower: readonly string[]): boolean {
  return cells.every((cell, i) => cell.trim().toLowerCase() === lower[i]);
}

/** A row with fewer fields than the header, or more that are not empty, is refused. */
function shapeProblem(cells: string[], width: number): string | undefined {
  if (cells.length === width) return undefined;
  if (cells.length > width && cells.slice(width).every((cell) => cell === "")) return undefined;
  return `has ${cells.length} field(s), the header has ${width}: a missing or extra delimiter, or an unquoted delimiter in a value`;
}

function unclosedQuote(fileName: string, line: number, closedEarly = false): SourceError {
  if (closedEarly) {
    return new SourceError(
      `${fileName}:${line}: a quoted value has text right after its closing quote (such as "x"y)`,
      {
        code: "unclosed_quote",
        location: `${fileName}:${line}`,
        hint:
          'Open the file in a text editor at that line: a quote inside a quoted value must be doubled ("x""y"), and a value that is not quoted must not start with one. Fix it, or export the file again.',
      },
    );
  }
  return new SourceError(`${fileName}:${line}: a quoted field starts here and never closes`, {
    code: "unclosed_quote",
    location: `${fileName}:${line}`,
    hint:
      'Open the file in a text editor at that line: a value has an opening " without a closing one. Fix it, or export the file again.',
  });
}

/**
 * A row past MAX_ROW_CHARS. Outside quotes papaparse parses up to the last line break, so
 * text left over that holds one is a quoted value spanning lines; without one, a single line.
 */
function tooLong(carry: string, newline: string, fileName: string, line: number): SourceError {
  return carry.includes(newline) ? unclosedQuote(fileName, line) : longLine(fileName, line);
}

function longLine(fileName: string, line: number): SourceError {
  return new SourceError(
    `${fileName}:${line}: line ${line} is longer than ${
      MAX_ROW_CHARS >> 20
    } MB (is this a CSV file?)`,
    {
      code: "long_line",
      location: `${fileName}:${line}`,
      hint:
        "No CSV row is that long: the file is another format, or its line breaks were lost. Export it again as CSV.",
    },
  );
}

function describeParseError(code: string): string {
  return code === "InvalidQuotes"
    ? 'a quote inside a quoted value is not doubled (write "" for a quote), so where the value ends is unclear; the row may run into the lines after it'
    : `the row cannot be split into fields (${code})`;
}

/** How many times `text` occurs in `input` before `end`. */
function countOf(input: string, text: string, end: number): number {
  let count = 0;
  for (
    let at = input.indexOf(text);
    at !== -1 && at < end;
    at = input.indexOf(text, at + text.length)
  ) count++;
  return count;
}

/** Lines a row spans: one, plus the line breaks inside its quoted fields. */

function rowLines(cells: string[]): number {
  let lines = 1;
  for (const cell of cells) lines += lineBreaks(cell);
  return lines;
}

/**
 * The offset of the first byte that is not UTF-8 as TextDecoder reads it: the `skip` bytes
 * that finish a character the previous read began are passed over, and a cut-off end is fine.
 */
function firstInvalidUtf8(bytes: Uint8Array, skip: number): number {
  let i = 0;
  while (i < skip && i < bytes.length && (bytes[i]! & 0xc0) === 0x80) i++;
  while (i < bytes.length) {
    const byte = bytes[i]!;
    const more = byte < 0x80
      ? 0
      : byte >= 0xc2 && byte < 0xe0
      ? 1
      : byte >= 0xe0 && byte < 0xf0
      ? 2
      : byte >= 0xf0 && byte < 0xf5
      ? 3
      : -1;
    if (more < 0) return i;
    // the second byte's narrower range: no overlong forms, no surrogates, nothing past U+10FFFF
    const [low, high] = byte === 0xe0
      ? [0xa0, 0xbf]
      : byte === 0xed
      ? [0x80, 0x9f]
      : byte === 0xf0
      ? [0x90, 0xbf]
      : byte === 0xf4
      ? [0x80, 0x8f]
      : [0x80, 0xbf];
    for (let k = 1; k <= more; k++) {
      if (i + k >= bytes.length) return bytes.length;
      const next = bytes[i + k]!;
      if (k === 1 ? next < low || next > high : (next & 0xc0) !== 0x80) return i;
    }
    i += more + 1;
  }
  return bytes.length;
}

/** How many bytes the character that `bytes` end in still lacks (0 when it ends whole). */
function unfinishedUtf8(bytes: Uint8Array): number {
  for (let back = 1; back <= 3 && back <= bytes.length; back++) {
    const byte = bytes[bytes.length - back]!;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: its lead is further back
    const size = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return Math.max(0, size - back);
  }
  return 0;
}

/** Line breaks among the first `end` bytes, counted as lineBreaks() counts them in text. */
function newlineBytes(bytes: Uint8Array, end: number): number {
  let count = 0;
  for (let i = 0; i < end; i++) {
    if (bytes[i] === 0x0a || (bytes[i] === 0x0d && bytes[i + 1] !== 0x0a)) count++;
  }
  return count;
}

function lineBreaks(text: string): number {
  if (text.indexOf("\n") === -1 && text.indexOf("\r") === -1) return 0;
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 10 || (code === 13 && text.charCodeAt(i + 1) !== 10)) count++;
  }
  return count;
}

/**
 * The first row of `text` and where it ends. A step callback that stops after one row
 * gives the right end; papaparse's \`preview: 1\` reports the end of the second row when
 * the text has no quotes (its fast path).
 */
function readFirstRow(text: string, delimiter: string, newline: string, quote = '"') {
  const first: { cells?: string[]; end: number } = { end: text.length };
  const parser: Papa.Parser = new Papa.Parser({
    delimiter,
    newline: newline as "\n",
    quoteChar: quote,
    step: (result: { data: string[][]; meta: { cursor: number } }) => {
      first.cells = result.data[0];
      first.end = result.meta.cursor;
      parser.abort();
    },
  } as Papa.ParseConfig);
  parser.parse(text, 0, false);
  return first;
}

/** Fills `buffer` from the file (less only at its end); the decoder copies the bytes out. */
async function readUpTo(file: Deno.FsFile, buffer: Uint8Array): Promise<Uint8Array> {
  let filled = 0;
  while (filled < buffer.length) {
    const read = await file.read(buffer.subarray(filled));
    if (read === null) break;
    filled += read;
  }
  return buffer.subarray(0, filled);
}
