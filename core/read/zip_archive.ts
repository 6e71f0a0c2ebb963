/**
 * Reads entries of a ZIP archive (xlsx and ods workbooks are ZIP files) straight from the
 * file: the central directory once, then any entry as a stream, inflated with the
 * platform's DecompressionStream. An entry that inflates beyond a limit is refused, so a
 * "zip bomb" cannot fill memory or disk.
 *
 * @module
 */
import { SourceError } from "../../util/errors.ts";

/** One file inside the archive. */
export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
  encrypted: boolean;
}

/** The most any one entry may inflate to, and the most it may grow by. */
export interface InflateLimits {
  maxBytes: number;
  maxRatio: number;
}

/** Generous for real workbooks (a 1M-row sheet is ~150 MB of XML), fatal for bombs. */
export const DEFAULT_LIMITS: InflateLimits = { maxBytes: 2 * 1024 ** 3, maxRatio: 1000 };

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;

/** Lists the entries of the ZIP file `file` (of `size` bytes). */
export async function readZipDirectory(
  file: Deno.FsFile,
  size: number,
  fileName: string,
): Promise<ZipEntry[]> {
  const corrupt = (what: string) =>
    new SourceError(`${fileName} is not a readable workbook: ${what}`, {
      code: "corrupt_file",
      location: fileName,
      hint:
        "The file is damaged or incomplete (an interrupted download?). Download or export it again.",
    });
  const tailSize = Math.min(size, 65_557);
  const tail = await readAt(file, size - tailSize, tailSize);
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (view.getUint32(i, true) === EOCD_SIGNATURE) {
      eocd = i;
      break;
    }
  }
  if (eocd === -1) throw corrupt("its table of contents is missing");
  const count = view.getUint16(eocd + 10, true);
  const directorySize = view.getUint32(eocd + 12, true);
  const directoryOffset = view.getUint32(eocd + 16, true);
  if (directoryOffset === 0xffffffff || count === 0xffff) {
    throw corrupt("it is a ZIP64 archive, which is not supported");
  }
  if (directoryOffset + directorySize > size) {
    throw corrupt("its table of contents points past its end");
  }
  const directory = await readAt(file, directoryOffset, directorySize);
  const dv = new DataView(directory.buffer, directory.byteOffset, directory.byteLength);
  const entries: ZipEntry[] = [];
  const decoder = new TextDecoder();
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + 46 > directory.length || dv.getUint32(at, true) !== CENTRAL_SIGNATURE) {
      throw corrupt("its table of contents is damaged");
    }
    const nameLength = dv.getUint16(at + 28, true);
    const extraLength = dv.getUint16(at + 30, true);
    const commentLength = dv.getUint16(at + 32, true);
    entries.push({
      name: decoder.decode(directory.subarray(at + 46, at + 46 + nameLength)),
      method: dv.getUint16(at + 10, true),
      encrypted: (dv.getUint16(at + 8, true) & 1) === 1,
      compressedSize: dv.getUint32(at + 20, true),
      uncompressedSize: dv.getUint32(at + 24, true),
      localHeaderOffset: dv.getUint32(at + 42, true),
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The entry's inflated bytes as a stream, refused past `limits`. */
export async function entryStream(
  file: Deno.FsFile,
  entry: ZipEntry,
  fileName: string,
  limits: InflateLimits = DEFAULT_LIMITS,
): Promise<ReadableStream<Uint8Array>> {
  if (entry.encrypted) {
    throw new SourceError(`${fileName} is password-protected`, {
      code: "encrypted_file",
      location: fileName,
      hint: "Save a copy without a password, then load that copy.",
    });
  }
  if (entry.method !== 0 && entry.method !== 8) {
    throw new SourceError(
      `${fileName} uses a compression Plutus cannot read (method ${entry.method})`,
      {
        code: "corrupt_file",
        location: fileName,
        hint: "Open it in a spreadsheet program and save it again as .xlsx.",
      },
    );
  }
  const header = await readAt(file, entry.localHeaderOffset, 30);
  const hv = new DataView(header.buffer, header.byteOffset, header.byteLength);
  if (header.length < 30 || hv.getUint32(0, true) !== LOCAL_SIGNATURE) {
    throw new SourceError(`${fileName} is not a readable workbook: ${entry.name} is damaged`, {
      code: "corrupt_file",
      location: fileName,
      hint: "Download or export the file again.",
    });
  }
  const start = entry.localHeaderOffset + 30 + hv.getUint16(26, true) + hv.getUint16(28, true);
  let position = start;
  const end = start + entry.compressedSize;
  const compressed = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (position >= end) return controller.close();
      // 16 KB at a time: deflate grows at most ~1030 times, so each inflated chunk stays
      // under 17 MB (64 KB inflated to 64 MB chunks, held whole before any limit saw them)
      const chunk = await readAt(file, position, Math.min(1 << 14, end - position));
      if (chunk.length === 0) {
        return controller.error(
          new SourceError(`${fileName} ends too early: ${entry.name} is cut off`, {
            code: "corrupt_file",
            location: fileName,
            hint: "The file is incomplete (an interrupted download?). Download or export it again.",
          }),
        );
      }
      position += chunk.length;
      controller.enqueue(chunk);
    },
  });
  const inflated = entry.method === 8
    ? compressed.pipeThrough(
      new DecompressionStream("deflate-raw") as unknown as TransformStream<Uint8Array, Uint8Array>,
    )
    : compressed;
  // Real sheets inflate 5 to 100 times; a small part may do more, hence the 64 KB floor.
  const allowed = Math.min(
    limits.maxBytes,
    Math.max(entry.compressedSize, 1 << 16) * limits.maxRatio,
  );
  let total = 0;
  return inflated.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        total += chunk.length;
        if (total > allowed) {
          controller.error(
            new SourceError(
              `${fileName} inflates to more than ${
                Math.round(allowed / (1 << 20))
              } MB: it is not a normal workbook (a "zip bomb"?)`,
              {
                code: "zip_bomb",
                location: fileName,
                hint: "Check where the file came from; Plutus does not read it.",
              },
            ),
          );
          return;
        }
        controller.enqueue(chunk);
      },
    }),
  );
}

/** The most of a part read whole (workbook, relations, styles) may hold: real ones hold < 1 MB. */
export const MAX_PART_CHARS = 32 << 20;

/** An entry's whole text (for the small parts of a workbook: workbook, relations, styles). */
export async function entryText(
  file: Deno.FsFile,
  entry: ZipEntry,
  fileName: string,
  maxChars = MAX_PART_CHARS,
): Promise<string> {
  let text = "";
  const decoder = new TextDecoder();
  try {
    for await (const chunk of await entryStream(file, entry, fileName)) {
      text += decoder.decode(chunk, { stream: true });
      if (text.length > maxChars) throw partTooLarge(fileName, entry, maxChars);
    }
  } catch (error) {
    throw asSourceError(error, fileName, entry);
  }
  return text + decoder.decode();
}

/** A part of a workbook larger than any a spreadsheet program writes. */
export function partTooLarge(fileName: string, entry: ZipEntry, maxChars: number): SourceError {
  return new SourceError(
    `${fileName} is not a normal workbook: its part ${entry.name} holds more than ${
      Math.round(maxChars / (1 << 20))
    } MB`,
    {
      code: "workbook_too_large",
      location: fileName,
      hint: "Check where the file came from; if it is a real export, save it as CSV and load that.",
    },
  );
}

/** Inflate errors from the platform become the same clear message. */
export function asSourceError(error: unknown, fileName: string, entry: ZipEntry): Error {
  if (error instanceof SourceError) return error;
  return new SourceError(
    `${fileName} is not a readable workbook: ${entry.name} is damaged (${
      (error as Error).message
    })`,
    {
      code: "corrupt_file",
      location: fileName,
      hint: "Download or export the file again.",
    },
  );
}

async function readAt(file: Deno.FsFile, offset: number, length: number): Promise<Uint8Array> {
  await file.seek(offset, Deno.SeekMode.Start);
  const buffer = new Uint8Array(length);
  let filled = 0;
  while (filled < length) {
    const read = await file.read(buffer.subarray(filled));
    if (read === null) break;
    filled += read;
  }
  return buffer.subarray(0, filled);
}
