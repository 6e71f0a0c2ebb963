/**
 * Checks a cleaned value against its column in schema/<table>.yaml and turns it into what
 * SQLite stores: TEXT, INTEGER (booleans as 0/1), REAL, ISO dates as TEXT.
 *
 * @module
 */
import { closestMatch } from "../../config/closest_match.ts";
import { compileLinearRegex } from "../../config/linear_regex.ts";
import type { ColumnSchema } from "../../schema/table_schema.ts";
import { type Cell, CellError, showCell } from "./cell.ts";
import { formatParts, isValid, parseDate, parseIso } from "./clean/parse_date.ts";

/** A value as stored in SQLite. */
export type Stored = string | number | null;

/** Checks one value of one column. */
export type ColumnValidator = (value: Cell) => Stored | CellError;

// One @, no spaces or quotes, a domain of letter/digit labels with a TLD of letters.
// International addresses (müller@exämple.de) are valid and pass.
const EMAIL =
  /^[^\s@"<>,;:()[\]\\.](?:[^\s@"<>,;:()[\]\\]{0,62}[^\s@"<>,;:()[\]\\.])?@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+\p{L}{2,}$/u;
// The same for plain ASCII addresses, without the Unicode classes: most rows, much faster.
const ASCII_EMAIL =
  /^[\w!#$%&'*+/=?^`{|}~-](?:[\w!#$%&'*+/=?^`{|}~.-]{0,62}[\w!#$%&'*+/=?^`{|}~-])?@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/i;
const INTEGER_TEXT = /^[+-]?\d+(\.0+)?$/;

const DECIMAL_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const NUMBER_HINT =
  " (add parse_number to the column's clean rules to read currency and separators)";

type TypeCheck = (value: Exclude<Cell, null>) => Stored | CellError;

const TYPE_CHECKS: Record<ColumnSchema["type"], TypeCheck> = {
  text: (value) => {
    if (value instanceof Date) return parseDate(value) as string;
    const text = String(value);
    return text.includes("\u0000") ? new CellError("contains a NUL character (binary data)") : text;
  },
  integer: (value) => {
    const number = typeof value === "number"
      ? value
      : typeof value === "string" && INTEGER_TEXT.test(value.trim())
      ? Number(value.trim())
      : undefined;
    if (number === undefined || !Number.isInteger(number)) {
      return new CellError(
        `${showCell(value)} is not a whole number${typeof value === "string" ? NUMBER_HINT : ""}`,
      );
    }
    if (!Number.isSafeInteger(number)) {
      return new CellError(`${showCell(value)} is too large to store exactly (store it as text)`);
    }
    return number;
  },
  decimal: (value) => {
    const number = typeof value === "number"
      ? value
      : typeof value === "string" && DECIMAL_TEXT.test(value.trim())
      ? Number(value.trim())
      : undefined;
    if (number === undefined) {
      return new CellError(
        `${showCell(value)} is not a number${typeof value === "string" ? NUMBER_HINT : ""}`,
      );
    }
    return Number.isFinite(number)
      ? number
      : new CellError(`${showCell(value)} is too large a number`);
  },
  boolean: (value) => {
    if (typeof value === "boolean") return value ? 1 : 0;
    const text = String(value).trim().toLowerCase();
    if (["true", "1", "yes"].includes(text)) return 1;
    if (["false", "0", "no"].includes(text)) return 0;
    return new CellError(
      `${showCell(value)} is not true or false (add parse_bool for other words)`,
    );
  },
  date: (value) => {
    const iso = isoDateTime(value);
    if (iso instanceof CellError) return iso;
    return iso.slice(0, 10);
  },
  datetime: (value) => {
    const iso = isoDateTime(value);
    if (iso instanceof CellError) return iso;
    return iso.length === 10 ? `${iso}T00:00:00` : iso;
  },
  email: (value) => {
    const text = String(value);
    return (ASCII_EMAIL.test(text) || EMAIL.test(text)) && !text.includes("..")
      ? text
      : new CellError(`${showCell(value)} is not an email address`);
  },
  url: (value) => {
    const text = String(value);
    try {
      const url = new URL(text);
      if (url.protocol === "http:" || url.protocol === "https:") return text;
    } catch {
      // fall through to the refusal
    }
    return new CellError(`${showCell(value)} is not a web address (http:// or https://)`);
  },
};

/** Dates reach type checks as ISO text from parse_date, or as Date objects from sheets. */
function isoDateTime(value: Exclude<Cell, null>): string | CellError {
  if (value instanceof Date) return parseDate(value) as string;
  if (typeof value === "string") {
    if (value.length === 10 && isPlainIsoDate(value)) return value;
    const parts = parseIso(value.trim());
    if (parts) {
      return isValid(parts)
        ? formatParts(parts)
        : new CellError(`${showCell(value)} is not a real date`);
    }
  }
  return new CellError(`${showCell(value)} is not a date in YYYY-MM-DD form (${dateHint(value)})`);
}

/** What to add for a date written another way; numbers are often timestamps or Excel days. */
function dateHint(value: Exclude<Cell, null>): string {
  const text = String(value).trim();
  const add = (rule: string, what: string) =>
    `it looks like ${what}: add ${rule} to the column's clean rules`;
  if (/^\d{10}(\.\d+)?$/.test(text)) {
    return add("{parse_date: unix}", "a Unix timestamp in seconds");
  }
  if (/^\d{13}$/.test(text)) {
    return add("{parse_date: unix_ms}", "a Unix timestamp in milliseconds");
  }
  if (/^\d{5}(\.\d+)?$/.test(text)) return add("{parse_date: excel}", "an Excel day number");
  return `add parse_date to the column's clean rules, e.g. {parse_date: "MM/DD/YYYY"}`;
}

/** "2026-11-05" and a real day: the form parse_date writes, checked without a regex. */
function isPlainIsoDate(text: string): boolean {
  const digit = (i: number) => {
    const code = text.charCodeAt(i) - 48;
    return code >= 0 && code <= 9 ? code : NaN;
  };
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return false;
  const year = digit(0) * 1000 + digit(1) * 100 + digit(2) * 10 + digit(3);
  const month = digit(5) * 10 + digit(6);
  const day = digit(8) * 10 + digit(9);
  return !Number.isNaN(year + month + day) && isValid({ year, month, day });
}

/** Compiles the checks of one column: required, type, values, min/max, pattern, length. */
export function compileColumnValidator(
  column: ColumnSchema,
  options: { required?: boolean } = {},
): ColumnValidator {
  const required = column.required || options.required === true;
  const check = TYPE_CHECKS[column.type];
  const constraints = compileConstraints(column);
  if (constraints.length === 0) {
    return (value) =>
      value === null ? (required ? new CellError("a value is required") : null) : check(value);
  }
  return (value) => {
    if (value === null) return required ? new CellError("a value is required") : null;
    const stored = check(value);
    if (stored instanceof CellError || stored === null) return stored;
    for (const constraint of constraints) {
      const problem = constraint(stored);
      if (problem) return new CellError(problem);
    }
    return stored;
  };
}

function compileConstraints(
  column: ColumnSchema,
): ((value: string | number) => string | undefined)[] {
  const checks: ((value: string | number) => string | undefined)[] = [];
  if (column.values) {
    const allowed = new Set(column.values.map(String));
    const names = column.values.map(String);
    checks.push((value) => {
      if (allowed.has(String(value))) return undefined;
      const guess = closestMatch(String(value), names);
      return `${showCell(value)} is not one of ${names.join(", ")}${
        guess ? ` (did you mean "${guess}"?)` : ""
      }`;
    });
  }
  const isNumber = column.type === "integer" || column.type === "decimal";
  const bound = (limit: number | string) => isNumber ? Number(limit) : String(limit);
  if (column.min !== undefined) {
    const min = bound(column.min);
    checks.push((
      value,
    ) => (value < min ? `${showCell(value)} is below the minimum ${min}` : undefined));
  }
  if (column.max !== undefined) {
    const max = bound(column.max);
    checks.push((
      value,
    ) => (value > max ? `${showCell(value)} is above the maximum ${max}` : undefined));
  }
  if (column.pattern !== undefined) {
    const pattern = compileLinearRegex(column.pattern);
    checks.push((value) =>
      pattern.test(String(value))
        ? undefined
        : `${showCell(value)} does not match the pattern ${column.pattern}`
    );
  }
  if (column.max_length !== undefined) {
    const limit = column.max_length;
    checks.push((value) => {
      const text = String(value);
      if (text.length <= limit) return undefined; // UTF-16 length is never below the character count
      const length = [...text].length;
      return length > limit
        ? `is ${length} characters long, over the limit of ${limit}`
        : undefined;
    });
  }
  return checks;
}
