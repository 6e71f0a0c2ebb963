/**
 * Clean rules that change text: case, spaces, replacements, value maps, nulls, defaults and
 * URL parameters. Values that are not text pass through unchanged.
 *
 * @module
 */
import { compileLinearRegex } from "../../../config/linear_regex.ts";
import type { Cell } from "../cell.ts";
import { queryParam } from "./query_param.ts";

/** Collapses runs of white space (also no-break spaces) into one space, and trims. */
export function collapseSpaces(value: Cell): Cell {
  if (typeof value !== "string") return value;
  // a scan, not a regex: it runs on every cell of the column, and most have nothing to change
  const length = value.length;
  let plain = true; // white space only as single " " between other characters
  for (let i = 0; i < length && plain; i++) {
    const code = value.charCodeAt(i);
    plain = !isWhiteSpace(code) ||
      (code === 32 && i > 0 && i < length - 1 && !isWhiteSpace(value.charCodeAt(i + 1)));
  }
  if (plain) return value;
  const words: string[] = [];
  let start = -1; // where the word being read starts
  for (let i = 0; i <= length; i++) {
    if (i === length || isWhiteSpace(value.charCodeAt(i))) {
      if (start !== -1) words.push(value.slice(start, i));
      start = -1;
    } else if (start === -1) start = i;
  }
  return words.join(" ");
}

/** JavaScript's white space (`\s`, which is also what trim() drops). */
function isWhiteSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13) ||
    (code > 127 &&
      (code === 0xa0 || (code >= 0x2000 && code <= 0x200a) || code === 0xfeff ||
        code === 0x3000 || code === 0x202f || code === 0x205f || code === 0x1680 ||
        code === 0x2028 || code === 0x2029));
}

/** Removes white space (also no-break and zero-width spaces) at both ends. */
export function trim(value: Cell): Cell {
  if (typeof value !== "string") return value;
  // a scan, not a regex: it runs on every cell of the column, most with a space to drop
  let start = 0;
  let end = value.length;
  while (start < end && isSpaceCode(value.charCodeAt(start))) start++;
  while (end > start && isSpaceCode(value.charCodeAt(end - 1))) end--;
  return start === 0 && end === value.length ? value : value.slice(start, end);
}

/** Capitalises each word: "jane O'NEIL-smith" → "Jane O'neil-Smith". */
export function titleCase(value: Cell): Cell {
  if (typeof value !== "string") return value;
  return value.toLowerCase().replace(
    /(^|[\s\-/(])(\p{L})/gu,
    (_, before, letter) => before + letter.toUpperCase(),
  );
}

/** Builds null_if: the listed values (compared trimmed and case-insensitively) become null. */
export function nullIf(values: unknown): (value: Cell) => Cell {
  const list = (Array.isArray(values) ? values : [values]).map((v) => normalize(v));
  const nullSet = new Set(list);
  return (value) => (value !== null && nullSet.has(normalize(value)) ? null : value);
}

/** Builds replace: plain text (every occurrence) or a regular expression. */
export function replace(
  options: { from?: string; regex?: string; to: string },
): (value: Cell) => Cell {
  if (options.regex !== undefined) {
    const regex = compileLinearRegex(options.regex);
    const to = options.to;
    return (value) => (typeof value === "string" ? regex.replaceAll(value, to) : value);
  }
  const from = options.from!;
  return (value) => (typeof value === "string" ? value.replaceAll(from, options.to) : value);
}

/**
 * Builds map: a value found among the keys (trimmed, case-insensitive) becomes the mapped
 * value; any other value passes through, so validation can still refuse it.
 */
export function mapValues(table: Record<string, unknown>): (value: Cell) => Cell {
  const lookup = new Map<string, Cell>();
  for (const [from, to] of Object.entries(table)) lookup.set(normalize(from), to as Cell);
  return (value) => {
    if (value === null) return lookup.has("") ? lookup.get("")! : null;
    const key = normalize(value);
    return lookup.has(key) ? lookup.get(key)! : value;
  };
}

/** Builds default: an empty value becomes the given one. */
export function defaultValue(fallback: unknown): (value: Cell) => Cell {
  return (value) => (value === null ? fallback as Cell : value);
}

/**
 * Builds url_param: the value of one query parameter of a URL, e.g. utm_source from a
 * landing page. A URL without the parameter gives null; text that is no URL too.
 */
export function urlParam(name: string): (value: Cell) => Cell {
  return (value) => {
    if (typeof value !== "string") return null;
    const text = value.trim();
    const mark = text.indexOf("?");
    if (mark === -1) return null; // no query: no parameter (blank text too)
    const hash = text.indexOf("#", mark + 1);
    return queryParam(text, mark + 1, hash === -1 ? text.length : hash, name);
  };
}

function normalize(value: unknown): string {
  return String(value ?? "").trim().toLowerCase();
}

/**
 * What trim drops: JavaScript's white space (`\s`: tab to carriage return, space, no-break
 * and the Unicode spaces, byte-order mark) and the zero-width space.
 */
function isSpaceCode(code: number): boolean {
  return isWhiteSpace(code) || code === 0x200b;
}
