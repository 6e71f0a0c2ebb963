/**
 * Prepared values on their way from the preparing worker to the loader: kinds in one byte
 * array, numbers in one float array and all text in one string with its lengths — three
 * buffers moved, not copied, and one string copied, instead of a structured clone of
 * millions of small values or JSON text both threads must walk.
 *
 * @module
 */
import type { Stored } from "../transform/validate_column.ts";

/** Values packed for postMessage; list `transfer` as the message's transferables. */
export interface PackedValues {
  kinds: Uint8Array;
  numbers: Float64Array;
  lengths: Uint32Array;
  text: string;
}

// kind 0 is null: a fresh Uint8Array is all nulls
const NUMBER = 1;
const TEXT = 2;

/** Packs values: each is null, a number or a string. */
export function packValues(values: readonly Stored[]): PackedValues {
  const kinds = new Uint8Array(values.length);
  let numberCount = 0;
  let textCount = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (typeof value === "string") {
      kinds[i] = TEXT;
      textCount++;
    } else if (typeof value === "number") {
      kinds[i] = NUMBER;
      numberCount++;
    }
  }
  const numbers = new Float64Array(numberCount);
  const lengths = new Uint32Array(textCount);
  const texts: string[] = new Array(textCount);
  let n = 0;
  let t = 0;
  for (let i = 0; i < values.length; i++) {
    const kind = kinds[i];
    if (kind === TEXT) {
      const text = values[i] as string;
      lengths[t] = text.length;
      texts[t++] = text;
    } else if (kind === NUMBER) numbers[n++] = values[i] as number;
  }
  return { kinds, numbers, lengths, text: texts.join("") };
}

/** The buffers to transfer with a packed message. */
export function transferables(packed: PackedValues): ArrayBuffer[] {
  return [packed.kinds.buffer, packed.numbers.buffer, packed.lengths.buffer] as ArrayBuffer[];
}

/** The values back, in order. */
export function unpackValues(packed: PackedValues): Stored[] {
  const { kinds, numbers, lengths, text } = packed;
  const values: Stored[] = new Array(kinds.length);
  let n = 0;
  let t = 0;
  let at = 0;
  for (let i = 0; i < kinds.length; i++) {
    const kind = kinds[i];
    if (kind === TEXT) {
      const end = at + lengths[t++]!;
      values[i] = text.slice(at, end);
      at = end;
    } else if (kind === NUMBER) values[i] = numbers[n++]!;
    else values[i] = null;
  }
  return values;
}
