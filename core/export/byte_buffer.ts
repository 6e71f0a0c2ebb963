/**
 * Bytes of an export written into one growing buffer, and handed out to be written to the
 * file (copy_csv.ts, csv_rows.ts).
 *
 * @module
 */

const ENCODER = new TextEncoder();

/** A growing buffer: `array[0, used)` holds what is written (hot loops write it directly). */
export class ByteBuffer {
  array = new Uint8Array(1 << 16);
  used = 0;

  /** Hands out the bytes written so far (valid until the next write). */
  take(): Uint8Array {
    const bytes = this.array.subarray(0, this.used);
    this.used = 0;
    return bytes;
  }

  /** Makes room for `bytes` more bytes. */
  room(bytes: number): void {
    if (this.used + bytes <= this.array.length) return;
    const grown = new Uint8Array(Math.max(2 * this.array.length, this.used + bytes));
    grown.set(this.array.subarray(0, this.used));
    this.array = grown;
  }

  /** Writes `text` as UTF-8 (ASCII a character at a time: most text is short and ASCII). */
  text(text: string): void {
    this.room(text.length * 3);
    const out = this.array;
    let used = this.used;
    for (let i = 0; i < text.length; i++) {
      const unit = text.charCodeAt(i);
      if (unit >= 0x80) {
        used += ENCODER.encodeInto(text.slice(i), out.subarray(used)).written;
        break;
      }
      out[used++] = unit;
    }
    this.used = used;
  }

  /** Writes `bytes[from, to)`. */
  bytes(bytes: Uint8Array, from = 0, to = bytes.length): void {
    if (to <= from) return;
    this.room(to - from);
    this.array.set(bytes.subarray(from, to), this.used);
    this.used += to - from;
  }

  byte(byte: number): void {
    this.room(1);
    this.array[this.used++] = byte;
  }
}
