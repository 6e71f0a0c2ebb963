/**
 * Yes/no columns as tools export them: true/false, yes/no, y/n, 1/0, on/off, x/blank.
 *
 * @module
 */
import { type Cell, CellError, showCell } from "../cell.ts";

const TRUE_WORDS = ["true", "t", "yes", "y", "1", "on", "x", "✓", "checked"];
const FALSE_WORDS = ["false", "f", "no", "n", "0", "off", "unchecked"];

/** Words for true and for false, compared trimmed and case-insensitively. */
export interface BoolWords {
  true: readonly (string | number)[];
  false: readonly (string | number)[];
}

/** Builds parse_bool with the default words, or the analyst's own. */
export function parseBool(words?: BoolWords | null): (value: Cell) => Cell | CellError {
  const yes = new Set((words?.true ?? TRUE_WORDS).map((w) => String(w).trim().toLowerCase()));
  const no = new Set((words?.false ?? FALSE_WORDS).map((w) => String(w).trim().toLowerCase()));
  return (value) => {
    if (value === null || typeof value === "boolean") return value;
    const text = String(value).trim().toLowerCase();
    if (text === "") return null;
    if (yes.has(text)) return true;
    if (no.has(text)) return false;
    return new CellError(
      `${showCell(value)} is neither yes nor no; known words: ${[...yes].join(", ")} / ${
        [...no].join(", ")
      }`,
    );
  };
}
