/**
 * Finds the text encoding of a file from its first bytes: a byte order mark, UTF-16
 * without one, valid UTF-8, or else Windows-1252 (what Excel on Windows writes).
 * Also recognises files that are not text at all.
 *
 * @module
 */
import { SourceError } from "../../util/errors.ts";

/** The encoding found and how many bytes of byte order mark to skip. */
export interface EncodingGuess {
  encoding: "utf-8" | "utf-16le" | "utf-16be" | "windows-1252" | string;
  bomLength: number;
}

const SIGNATURES: [number[], string, string][] = [
  [
    [0x50, 0x4b, 0x03, 0x04],
    "a zip archive (an .xlsx or .ods workbook, most likely)",
    "Save it with its real extension (.xlsx or .ods), or export it as CSV from the spreadsheet.",
  ],
  [
    [0xd0, 0xcf, 0x11, 0xe0],
    "an old Office file (an .xls workbook, most likely)",
    "Save it with the .xls extension, or export it as CSV from the spreadsheet.",
  ],
  [[0x25, 0x50, 0x44, 0x46], "a PDF document", "Export the data as CSV or XLSX instead."],
  [[0x1f, 0x8b], "a gzip-compressed file", "Unzip it first, then put the CSV in inbox/."],
];

/**
 * Guesses the encoding of `sample` (the first bytes of a file). `declared` (from
 * `csv.encoding`) wins over the guess, though a matching BOM is still skipped.
 */
export function sniffEncoding(
  sample: Uint8Array,
  fileName: string,
  declared?: string,
): EncodingGuess {
  for (const [signature, what, hint] of SIGNATURES) {
    if (signature.every((byte, i) => sample[i] === byte)) {
      throw new SourceError(`${fileName} is ${what}, not a CSV text file`, {
        code: "not_csv",
        hint,
        location: fileName,
      });
    }
  }
  const bom = byteOrderMark(sample);
  if (declared) {
    const label = new TextDecoder(declared).encoding;
    return { encoding: label, bomLength: bom?.encoding === label ? bom.bomLength : 0 };
  }
  if (bom) return bom;
  const utf16 = utf16WithoutBom(sample);
  if (utf16) return { encoding: utf16, bomLength: 0 };
  return { encoding: isUtf8(sample) ? "utf-8" : "windows-1252", bomLength: 0 };
}

/**
 * Refuses decoded text that is binary data: NUL bytes or many control characters in the
 * first part of a file mean it is not a CSV, whatever its name says.
 */
export function assertText(text: string, fileName: string): void {
  let controls = 0;
  const length = Math.min(text.length, 65536);
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code < 32 && code !== 9 && code !== 10 && code !== 13) controls++;
  }
  if (controls > 8 && controls > length / 100) {
    throw new SourceError(`${fileName} does not look like a text file: it holds binary data`, {
      code: "not_csv",
      hint: "Check that it is the export you meant; CSV files are plain text.",
      location: fileName,
    });
  }
}

function byteOrderMark(bytes: Uint8Array): EncodingGuess | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { encoding: "utf-8", bomLength: 3 };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: "utf-16le", bomLength: 2 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: "utf-16be", bomLength: 2 };
  return undefined;
}

// ASCII text in UTF-16 has a zero in every other byte.
function utf16WithoutBom(bytes: Uint8Array): string | undefined {
  const pairs = Math.min(bytes.length, 4096) >> 1;
  if (pairs < 2) return undefined;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < pairs; i++) {
    if (bytes[2 * i] === 0) evenZeros++;
    if (bytes[2 * i + 1] === 0) oddZeros++;
  }
  if (oddZeros > pairs * 0.4 && evenZeros < pairs * 0.05) return "utf-16le";
  if (evenZeros > pairs * 0.4 && oddZeros < pairs * 0.05) return "utf-16be";
  return undefined;
}

function isUtf8(bytes: Uint8Array): boolean {
  // A sample may end inside a multi-byte character: drop up to 3 trailing bytes of one.
  let end = bytes.length;
  for (let back = 1; back <= 3 && end - back >= 0; back++) {
    const byte = bytes[end - back]!;
    if ((byte & 0xc0) === 0xc0) {
      end -= back;
      break;
    }
    if ((byte & 0x80) === 0) break;
  }
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, end));
    return true;
  } catch {
    return false;
  }
}
