/**
 * Whether the sheet a workbook opens on holds a table at all: a "Read me" sheet with a
 * title and a paragraph would give a "header" made of the title, and add-source would map
 * a column to it. When it holds none and another sheet does, that sheet is proposed.
 *
 * @module
 */
import { type FilePreview, previewFile } from "./preview_file.ts";
import { emptyToNull } from "../transform/cell.ts";

const filled = (cells: readonly unknown[]) =>
  cells.filter((cell) => emptyToNull((cell ?? null) as never) !== null).length;

/** A table has a header of two names or more, and a row with two values or more. */
export function holdsTable(preview: FilePreview): boolean {
  return filled(preview.header) >= 2 &&
    preview.rows.some((row) => row.broken === undefined && filled(row.cells) >= 2);
}

/** The sheet to propose instead, when `preview` (a workbook's sheet) holds no table. */
export interface SheetProposal {
  /** 1-based, as --sheet takes it. */
  number: number;
  name: string;
  /** What the shown sheet holds instead, in words. */
  instead: string;
}

/**
 * When `preview` shows a workbook's sheet without a table and another of its sheets (the
 * first 20 looked at) has one, that sheet; else undefined.
 */
export async function sheetWithTable(
  path: string,
  preview: FilePreview,
): Promise<SheetProposal | undefined> {
  const { sheet, sheets } = preview.info;
  if (!sheets || sheets.length < 2 || holdsTable(preview)) return undefined;
  for (const [i, name] of sheets.slice(0, 20).entries()) {
    if (name === sheet) continue;
    const other = await previewFile(path, 5, { sheet: i + 1 }).catch(() => undefined);
    if (other && holdsTable(other)) {
      const title = preview.header.find((cell) => cell.trim() !== "");
      return {
        number: i + 1,
        name,
        instead: title === undefined
          ? "nothing"
          : `text ("${title.length > 50 ? `${title.slice(0, 49)}…` : title}")`,
      };
    }
  }
  return undefined;
}
