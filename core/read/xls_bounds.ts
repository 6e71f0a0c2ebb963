/**
 * Checks an .xls (Excel 97–2003) workbook before SheetJS reads it whole. Nothing in the
 * format is compressed, but SheetJS holds ~0.75 KB per filled cell (measured: 300,000 cells,
 * a 10.9 MB file, 399 MB), and a MULRK record packs a cell in 6 bytes: a 100 MB .xls could
 * ask for gigabytes. The cell records of the workbook stream are counted here without
 * keeping any of them; a file past the bounds is refused naming the way out.
 *
 * @module
 */
import { SourceError } from "../../util/errors.ts";
import { formatCount } from "../../util/list_text.ts";

/** Filled cells Plutus lets SheetJS read from one .xls (≈ 150 MB of cells). */
export const MAX_XLS_CELLS = 200_000;
/** A larger .xls is refused before it is read at all. */
const MAX_XLS_BYTES = 64 << 20;

// BIFF record types that hold cells: how many each holds, from its payload length.
const ONE_CELL = new Set([0x0203, 0x00fd, 0x0204, 0x027e, 0x0205, 0x0006, 0x00d6]);
const MULRK = 0x00bd; // row, first column, 6 bytes a cell, last column

/** Throws a SourceError when the .xls at `path` is beyond the bounds above. */
export async function checkXlsBounds(
  path: string,
  fileName: string,
  maxCells = MAX_XLS_CELLS,
): Promise<void> {
  const refuse = (what: string) =>
    new SourceError(`${fileName}: ${what}, more than Plutus reads from an .xls file`, {
      code: "workbook_too_large",
      location: fileName,
      hint:
        "Open it in Excel or LibreOffice and save it as .xlsx (read as a stream, without this limit) or as CSV, and load that.",
    });
  const size = (await Deno.stat(path)).size;
  if (size > MAX_XLS_BYTES) throw refuse(`it is ${formatCount(Math.round(size / 2 ** 20))} MB`);
  const { CFB } = await import("@e965/xlsx");
  let stream: Uint8Array | undefined;
  try {
    const container = CFB.read(await Deno.readFile(path), { type: "buffer" });
    const entry = CFB.find(container, "Workbook") ?? CFB.find(container, "Book");
    const content = entry?.content as ArrayLike<number> | undefined;
    if (content) stream = content instanceof Uint8Array ? content : Uint8Array.from(content);
  } catch {
    return; // not a readable container: SheetJS says what is wrong with it
  }
  if (!stream) return;
  const view = new DataView(stream.buffer, stream.byteOffset, stream.byteLength);
  let cells = 0;
  for (let at = 0; at + 4 <= stream.length;) {
    const type = view.getUint16(at, true);
    const length = view.getUint16(at + 2, true);
    if (ONE_CELL.has(type)) cells += 1;
    else if (type === MULRK && length >= 6) cells += Math.floor((length - 6) / 6);
    if (cells > maxCells) {
      throw refuse(`it holds more than ${formatCount(maxCells)} filled cells`);
    }
    at += 4 + length;
  }
}
