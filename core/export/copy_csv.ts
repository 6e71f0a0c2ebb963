/**
 * Turns rows as a database's `COPY … TO STDOUT (FORMAT csv)` writes them into the CSV an
 * export writes (csv_text.ts): bytes in, bytes out, no string for most values.
 *
 * Why: reading a table row by row makes a value for each field (15M for a 1M-row export),
 * then a line of text, then its bytes; PostgreSQL's own CSV is already right for nearly
 * every field, so it is copied, and only the fields an export writes otherwise are decoded
 * and written by csv_text.ts, the same code as the row-by-row export.
 *
 * The input: fields separated by `,`, rows ended by `\n`. A NULL is nothing at all. A field
 * is quoted (inner quotes doubled) when it is an empty text or holds `,` `"` CR or LF (or is
 * `\.`). A field is copied as it is only when it is not quoted and the export would write it
 * the same: no formula start (`= + - @`) and no white space at either end (checked on its
 * first and last bytes; a byte of a character past ASCII there sends the field to the slow
 * path), no `;` in the semicolon dialect, and for a column that decodes its text (numbers,
 * booleans, times) only when the column says the text is already the number it writes.
 *
 * @module
 */
import type { CopyColumn, SqlValue } from "../store/mod.ts";
import { COMMA, type CsvDialect, csvField, csvTypedField } from "./csv_text.ts";
import type { ColumnKind } from "./typed_columns.ts";
import { ByteBuffer } from "./byte_buffer.ts";

/** How to write the fields: as export_csv.ts writes them row by row. */
export interface CopyCsvOptions {
  dialect?: CsvDialect;
  /** Text written as it is (no leading ' before a formula start). */
  raw?: boolean;
  /** What each typed column holds, where some column is typed (see typed_columns.ts). */
  kinds?: readonly (ColumnKind | undefined)[];
}

const QUOTE = 0x22;
const COMMA_BYTE = 0x2c;
const SEMICOLON_BYTE = 0x3b;
const LF = 0x0a;
const DOT = 0x2e;
const CRLF = new Uint8Array([0x0d, 0x0a]);
// what a byte of an unquoted field is: the field's end, a ; or a . (one table lookup a byte)
const END = 1;
const HAS_SEMICOLON = 2;
const HAS_DOT = 4;
const MARKS = new Uint8Array(256);
MARKS[COMMA_BYTE] = MARKS[LF] = END;
MARKS[SEMICOLON_BYTE] = HAS_SEMICOLON;
MARKS[DOT] = HAS_DOT;
const SEMICOLON = new Uint8Array([SEMICOLON_BYTE]);
const COMMA_TEXT = new Uint8Array([COMMA_BYTE]);

// bytes a field may not start with and be copied: a formula start, ASCII white space, a
// quote; and any byte past ASCII (the start of a character that may be white space)
const NOT_FIRST = new Uint8Array(256);
for (const c of '=+-@\t\n\v\f\r "') NOT_FIRST[c.charCodeAt(0)] = 1;
// ... nor end with: white space
const NOT_LAST = new Uint8Array(256);
for (const c of "\t\n\v\f\r ") NOT_LAST[c.charCodeAt(0)] = 1;
for (let byte = 0x80; byte < 0x100; byte++) NOT_FIRST[byte] = NOT_LAST[byte] = 1;

/** Rewrites the bytes given to feed() into `take()`'s bytes; end() when the input ends. */
export class CopyCsvRewriter {
  readonly #columns: readonly CopyColumn[];
  readonly #dialect: CsvDialect;
  readonly #raw: boolean;
  readonly #kinds: readonly (ColumnKind | undefined)[] | undefined;
  readonly #semicolon: boolean;
  readonly #decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  readonly #out = new ByteBuffer();
  /** The field (column) the next byte belongs to. */
  #field = 0;
  /** A field begun in an earlier piece: its bytes so far (the slow path decodes it whole). */
  readonly #carry = new ByteBuffer();
  #carrying = false;
  /** Within a quoted field: 1 while inside its quotes (each quote flips it; "" twice). */
  #open = 0;
  /** Rows ended so far. */
  rows = 0;

  constructor(columns: readonly CopyColumn[], options: CopyCsvOptions = {}) {
    this.#columns = columns;
    this.#dialect = options.dialect ?? COMMA;
    this.#raw = options.raw ?? false;
    this.#kinds = options.kinds;
    this.#semicolon = this.#dialect.separator === ";";
  }

  /** The bytes written so far and not taken yet. */
  get size(): number {
    return this.#out.used;
  }

  /** Hands out the bytes written so far (valid until the next feed()). */
  take(): Uint8Array {
    return this.#out.take();
  }

  /** Reads the next piece of the input; a field or a row may go on in the next piece. */
  feed(piece: Uint8Array): void {
    // a plain view: a Node Buffer's subarray() (Postgres.js hands out Buffers) costs a
    // constructor call in JavaScript, many times a row
    const bytes = new Uint8Array(piece.buffer, piece.byteOffset, piece.length);
    let at = 0;
    if (this.#carrying) {
      // the rest of a field begun before: it is read whole, then written by the slow path
      const quoted = this.#carry.array[0] === QUOTE;
      const end = quoted ? this.#quotedEnd(bytes, 0) : unquotedEnd(bytes, 0);
      if (end === -1) {
        this.#carry.bytes(bytes);
        return;
      }
      this.#carry.bytes(bytes, 0, end);
      const field = this.#carry.take();
      this.#carrying = false;
      this.#slow(field, 0, field.length);
      this.#out.bytes(
        bytes[end] === LF ? CRLF : this.#semicolon ? SEMICOLON : COMMA_TEXT,
        0,
        bytes[end] === LF ? 2 : 1,
      );
      at = this.#delimiter(bytes, end);
    }
    // copied bytes are written in runs: from `run` up to a field written otherwise
    let run = at;
    const length = bytes.length;
    if (this.#columns.length === 0) return this.#noColumns(bytes);
    while (at < length) {
      const start = at;
      const first = bytes[start]!;
      const column = this.#columns[this.#field];
      if (column === undefined) throw new Error(`a row came with more than ${this.#field} fields`);
      let end: number;
      let copy = false;
      if (first === QUOTE) {
        this.#open = 0;
        end = this.#quotedEnd(bytes, start);
      } else {
        // an unquoted field: up to the next , or \n, noting a ; and a . in it
        end = start;
        let seen = 0;
        for (; end < length; end++) {
          const mark = MARKS[bytes[end]!]!;
          if (mark === 0) continue;
          if (mark === END) break;
          seen |= mark;
        }
        const semicolon = (seen & HAS_SEMICOLON) !== 0;
        const dot = (seen & HAS_DOT) !== 0;
        if (end === length) end = -1;
        else if (end === start) copy = true; // NULL: nothing either way
        else if (column.decode === undefined) {
          copy = NOT_FIRST[first] === 0 && NOT_LAST[bytes[end - 1]!] === 0 &&
            !(semicolon && this.#semicolon);
        } else {
          // a number: the decimal comma changes a point
          copy = column.verbatim?.(bytes, start, end) === true && !(dot && this.#semicolon);
        }
      }
      if (end === -1) {
        // the field goes on in the next piece
        this.#out.bytes(bytes, run, start);
        this.#carry.bytes(bytes, start, length);
        this.#carrying = true;
        return;
      }
      if (!copy) {
        this.#out.bytes(bytes, run, start);
        this.#slow(bytes, start, end);
        run = end;
      }
      if (bytes[end] === LF) {
        this.#out.bytes(bytes, run, end);
        this.#out.bytes(CRLF, 0, 2);
        run = end + 1;
      } else if (this.#semicolon) {
        this.#out.bytes(bytes, run, end);
        this.#out.bytes(SEMICOLON, 0, 1);
        run = end + 1;
      }
      at = this.#delimiter(bytes, end);
    }
    this.#out.bytes(bytes, run, length);
  }

  /** Rows of no columns (a table of only the row hash): each an empty line. */
  #noColumns(bytes: Uint8Array): void {
    for (const byte of bytes) {
      if (byte !== LF) throw new Error("a row came with fields for no columns");
      this.#out.bytes(CRLF, 0, 2);
      this.rows++;
    }
  }

  /** Says whether the input ended at the end of a row (a cut stream did not). */
  end(): void {
    if (this.#carrying || this.#field !== 0) {
      throw new Error("the rows from the database ended in the middle of a row");
    }
  }

  /** Steps over the delimiter at `at` (`,` or `\n`), counting fields and rows. */
  #delimiter(bytes: Uint8Array, at: number): number {
    if (bytes[at] === LF) {
      if (this.#field !== this.#columns.length - 1) {
        throw new Error(`a row came with ${this.#field + 1} fields for ${this.#columns.length}`);
      }
      this.#field = 0;
      this.rows++;
    } else {
      this.#field++;
    }
    return at + 1;
  }

  /** Writes field `bytes[from, to)` as the row-by-row export would. */
  #slow(bytes: Uint8Array, from: number, to: number): void {
    const column = this.#columns[this.#field]!;
    let value: SqlValue;
    if (from === to) value = null;
    else if (bytes[from] === QUOTE) {
      value = this.#text(bytes, from + 1, to - 1).replaceAll('""', '"');
    } else value = this.#text(bytes, from, to);
    if (value !== null && column.decode) value = column.decode(value);
    const text = this.#kinds
      ? csvTypedField(value, this.#kinds[this.#field], this.#dialect)
      : csvField(value, this.#raw, this.#dialect);
    this.#out.text(text);
  }

  /** The text of `bytes[from, to)`: short ASCII (most fields) without a decoder's call. */
  #text(bytes: Uint8Array, from: number, to: number): string {
    if (to - from > 64) return this.#decoder.decode(bytes.subarray(from, to));
    let text = "";
    for (let i = from; i < to; i++) {
      const byte = bytes[i]!;
      if (byte >= 0x80) return text + this.#decoder.decode(bytes.subarray(i, to));
      text += String.fromCharCode(byte);
    }
    return text;
  }

  /**
   * Where the quoted field at `start` (or, from 0, the one carried over) ends: on the `,` or
   * `\n` after its closing quote; -1 when the piece ends first (#open says where it was).
   */
  #quotedEnd(bytes: Uint8Array, start: number): number {
    let open = this.#open;
    for (let at = start; at < bytes.length; at++) {
      const byte = bytes[at]!;
      if (byte === QUOTE) open ^= 1;
      else if (open === 0 && (byte === COMMA_BYTE || byte === LF)) {
        this.#open = 0;
        return at;
      }
    }
    this.#open = open;
    return -1;
  }
}

/** Where the unquoted field at `start` ends (on its `,` or `\n`), or -1: in the next piece. */
function unquotedEnd(bytes: Uint8Array, start: number): number {
  for (let at = start; at < bytes.length; at++) {
    if (bytes[at] === COMMA_BYTE || bytes[at] === LF) return at;
  }
  return -1;
}
