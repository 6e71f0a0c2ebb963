/**
 * Writes rows of values straight into bytes, the same bytes as `csvLine()` or
 * `csvTypedLine()` (csv_text.ts) encoded: an export's rows, most of whose values are plain
 * ASCII text or numbers, without a line of text and its encoding each.
 *
 * A text value is copied a character at a time while it stays plain ASCII: no formula start
 * (`= + - @`) or white space first, no quote, separator, CR or LF, no white space last.
 * Anything else (a character past ASCII, a value to quote or protect, bytes) is written by
 * csv_text.ts itself, from the value's first byte again.
 *
 * @module
 */
import { COMMA, type CsvDialect, csvField, csvTypedField } from "./csv_text.ts";
import type { ColumnKind } from "./typed_columns.ts";
import { ByteBuffer } from "./byte_buffer.ts";

// ASCII characters a plain value may not start with, hold, or end with
const NOT_FIRST = new Uint8Array(128);
const NOT_INSIDE = new Uint8Array(128);
const NOT_LAST = new Uint8Array(128);
for (const c of "=+-@\t\n\v\f\r ") NOT_FIRST[c.charCodeAt(0)] = 1;
for (const c of '"\r\n') NOT_INSIDE[c.charCodeAt(0)] = 1;
for (const c of "\t\n\v\f\r ") NOT_LAST[c.charCodeAt(0)] = 1;

/** Rows written into a growing buffer; take() hands its bytes out. */
export class CsvRowWriter {
  readonly #dialect: CsvDialect;
  readonly #raw: boolean;
  readonly #kinds: readonly (ColumnKind | undefined)[] | undefined;
  readonly #separator: number;
  readonly #out = new ByteBuffer();

  constructor(
    options: {
      dialect?: CsvDialect;
      raw?: boolean;
      kinds?: readonly (ColumnKind | undefined)[];
    } = {},
  ) {
    this.#dialect = options.dialect ?? COMMA;
    this.#raw = options.raw ?? false;
    this.#kinds = options.kinds;
    this.#separator = this.#dialect.separator.charCodeAt(0);
  }

  /** The bytes written and not taken yet. */
  get size(): number {
    return this.#out.used;
  }

  /** Hands out the bytes written so far (valid until the next write()). */
  take(): Uint8Array {
    return this.#out.take();
  }

  /** Writes one row, ended by CRLF. */
  write(values: readonly unknown[]): void {
    for (let i = 0; i < values.length; i++) {
      if (i > 0) this.#out.byte(this.#separator);
      const value = values[i];
      if (value === null || value === undefined) continue;
      if (typeof value === "string" && this.#plain(value)) continue;
      this.#out.text(
        this.#kinds
          ? csvTypedField(value, this.#kinds[i], this.#dialect)
          : csvField(value, this.#raw, this.#dialect),
      );
    }
    this.#out.byte(0x0d);
    this.#out.byte(0x0a);
  }

  /** Copies `value` if it is plain ASCII text; false (nothing written) if it is not. */
  #plain(value: string): boolean {
    const length = value.length;
    if (length === 0) return true;
    const first = value.charCodeAt(0);
    const last = value.charCodeAt(length - 1);
    if (first >= 0x80 || NOT_FIRST[first] === 1 || last >= 0x80 || NOT_LAST[last] === 1) {
      return false;
    }
    this.#out.room(length);
    const out = this.#out.array;
    const separator = this.#separator;
    let used = this.#out.used;
    for (let i = 0; i < length; i++) {
      const unit = value.charCodeAt(i);
      if (unit >= 0x80 || NOT_INSIDE[unit] === 1 || unit === separator) return false;
      out[used++] = unit;
    }
    this.#out.used = used;
    return true;
  }
}
