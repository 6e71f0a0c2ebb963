/**
 * Checks an .ods workbook before SheetJS reads it whole: SheetJS inflates content.xml and
 * expands every `number-columns-repeated` / `number-rows-repeated` into cells, so an 879-byte
 * file repeating one cell 16 million times took 2.7 GB, and a zip bomb 1.6 GB. Here the
 * content is inflated as a stream (within an inflate limit) and its cells counted, repeats
 * included, without keeping any of it: a sheet past Excel's limits, or with more filled
 * cells than SheetJS holds within Plutus's memory bound, is refused naming the place.
 *
 * @module
 */
import { SourceError } from "../../util/errors.ts";
import { cutText, formatCount } from "../../util/list_text.ts";
import { MAX_COLUMNS, MAX_ROWS } from "./xlsx_reader.ts";
import { attribute, decodeXml } from "./xlsx_parts.ts";
import { asSourceError, entryStream, readZipDirectory } from "./zip_archive.ts";

/** content.xml inflated beyond this is refused: SheetJS holds it whole, and more beside. */
const MAX_CONTENT_BYTES = 100 << 20;
/** Filled cells SheetJS reads within the 400 MB bound (measured: 990,000 cells, 212 MB peak). */
export const MAX_ODS_CELLS = 1_000_000;

/** Throws a SourceError when the .ods at `path` is beyond the limits above. */
export async function checkOdsBounds(path: string, fileName: string): Promise<void> {
  using file = await Deno.open(path);
  const entries = await readZipDirectory(file, (await file.stat()).size, fileName);
  const content = entries.find((entry) => entry.name === "content.xml");
  if (!content) return; // SheetJS says what is missing
  const refuse = (message: string, hint: string) =>
    new SourceError(`${fileName}: ${message}`, {
      code: "workbook_too_large",
      location: fileName,
      hint,
    });
  const stream = await entryStream(file, content, fileName, {
    maxBytes: MAX_CONTENT_BYTES,
    maxRatio: 1000,
  });
  const decoder = new TextDecoder();
  let carry = "";
  let sheet = "";
  let row = 0; // rows before the current one
  let rowRepeat = 1;
  let column = 0;
  let cells = 0;
  const scan = (xml: string) => {
    for (let at = xml.indexOf("<table:"); at !== -1; at = xml.indexOf("<table:", at)) {
      const end = xml.indexOf(">", at);
      const tag = xml.slice(at, end + 1);
      const name = tag.slice(7, /[\s/>]/.exec(tag.slice(7))!.index + 7);
      if (name === "table") {
        sheet = decodeXml(attribute(tag, "table:name") ?? "");
        row = 0;
      } else if (name === "table-row") {
        rowRepeat = Number(attribute(tag, "table:number-rows-repeated") ?? 1);
        column = 0;
        if (!(row + rowRepeat <= MAX_ROWS)) {
          throw refuse(
            `sheet "${cutText(sheet)}" has more than Excel's 1,048,576 rows (from row ${row + 1}, ${
              cutText(String(rowRepeat), 20)
            } rows repeated): it is not a normal workbook`,
            "Check where the file came from; if it is a real export, save it as CSV and load that.",
          );
        }
        row += rowRepeat;
      } else if (name === "table-cell" || name === "covered-table-cell") {
        const repeat = Number(attribute(tag, "table:number-columns-repeated") ?? 1);
        const filled = !tag.endsWith("/>") || tag.includes("office:value-type=");
        if (!(column + repeat <= MAX_COLUMNS)) {
          throw refuse(
            `sheet "${cutText(sheet)}", row ${row}: ${filled ? "a filled" : "a"} cell repeated ${
              cutText(String(repeat), 20)
            } times reaches past Excel's last column XFD (16,384 columns): it is not a normal workbook`,
            "Check where the file came from; if it is a real export, save it as CSV and load that.",
          );
        }
        column += repeat;
        if (filled) cells += repeat * rowRepeat;
        if (cells > MAX_ODS_CELLS) {
          throw refuse(
            `it holds more than ${formatCount(MAX_ODS_CELLS)} filled cells (reached in sheet "${
              cutText(sheet)
            }", row ${row}), more than Plutus reads from an .ods file`,
            "Save it as .xlsx (read as a stream, without this limit) or as CSV, and load that.",
          );
        }
      }
      at = end;
    }
  };
  try {
    for await (const chunk of stream) {
      carry += decoder.decode(chunk, { stream: true });
      const end = carry.lastIndexOf(">");
      if (end === -1) continue; // bounded: content.xml itself is (MAX_CONTENT_BYTES)
      scan(carry.slice(0, end + 1));
      carry = carry.slice(end + 1);
    }
  } catch (error) {
    throw asSourceError(error, fileName, content);
  }
}
