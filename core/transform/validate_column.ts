/**
 * Checks a cleaned value against its column in schema/<table>.yaml and turns it into what
 * SQLite stores: TEXT, INTEGER (booleans as 0/1), REAL, ISO dates as TEXT, datetimes as
 * UTC TEXT in one fixed-width form (utc_datetime.ts).
 *
 * @module
 */
import { closestMatch } from "../../util/closest_match.ts";
import { machineTimeZone } from "../../config/time_zone.ts";
import { compileLinearRegex } from "../../config/linear_regex.ts";
import type { ColumnSchema } from "../../config/table_schema.ts";
import { type Cell, CellError, showCell } from "./cell.ts";
import { type DateParts, formatParts, isValid, parseDate, parseIso } from "./clean/parse_date.ts";
import { compileToUtc } from "./utc_datetime.ts";
import { isWebAddress } from "./web_address.ts";

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
// 1.000 is one in English and a thousand in German: neither is read without a rule saying which.
const THOUSAND_OR_ONE = /^[+-]?[1-9]\d{0,2}\.000$/;

const DECIMAL_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const NUMBER_HINT =
  " (add parse_number to the column's clean rules to read currency and separators)";

type TypeCheck = (value: Exclude<Cell, null>) => Stored | CellError;

const TYPE_CHECKS: Record<Exclude<ColumnSchema["type"], "datetime">, TypeCheck> = {
  text: (value) => {
    if (value instanceof Date) return parseDate(value) as string;
    const text = String(value);
    return text.includes("\u0000") ? new CellError("contains a NUL character (binary data)") : text;
  },
  integer: (value) => {
    if (typeof value === "string" && value.length <= 15) {
      const digits = plainDigits(value); // most cells: read without a regex
      if (digits !== undefined) return digits;
    }
    if (typeof value === "string" && THOUSAND_OR_ONE.test(value.trim())) {
      const text = value.trim();
      return new CellError(
        `${showCell(value)} could be ${Number(text)} or ${
          Number(text.replace(".", ""))
        } (a dot between thousands): add {parse_number: {decimal: ","}} to the column's clean ` +
          `rules if the file writes 1.000 for a thousand, or {parse_number: {decimal: "."}} if for one`,
      );
    }
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
    if (typeof value === "string" && value.length === 10 && isPlainIsoDate(value)) return value;
    const parts = dateParts(value);
    if (parts instanceof CellError) return parts;
    return formatParts({ year: parts.year, month: parts.month, day: parts.day });
  },
  email: (value) => {
    const text = String(value);
    return (isPlainEmail(text) || ASCII_EMAIL.test(text) || EMAIL.test(text)) &&
        !text.includes("..")
      ? text
      : new CellError(`${showCell(value)} is not an email address`);
  },
  url: (value) => {
    const text = String(value);
    return isWebAddress(text)
      ? text
      : new CellError(`${showCell(value)} is not a web address (http:// or https://)`);
  },
};

/**
 * The check of a datetime column: any ISO form in, the stored UTC form out; values without
 * an offset are wall-clock times in `timeZone`.
 */
function datetimeCheck(timeZone: string): TypeCheck {
  const toUtc = compileToUtc(timeZone);
  return (value) => {
    const parts = dateParts(value);
    if (parts instanceof CellError) return parts;
    return toUtc(parts) ??
      new CellError(`${showCell(value)} is outside the years 0001 to 9999 (in UTC)`);
  };
}

/** Dates reach type checks as ISO text from parse_date, or as Date objects from sheets. */
function dateParts(value: Exclude<Cell, null>): DateParts | CellError {
  const text = value instanceof Date ? parseDate(value) : value;
  if (text instanceof CellError) return text;
  if (typeof text === "string") {
    if (text.length === 10 && isPlainIsoDate(text)) {
      return {
        year: Number(text.slice(0, 4)),
        month: Number(text.slice(5, 7)),
        day: Number(text.slice(8)),
      };
    }
    const parts = parseIso(text.trim());
    if (parts) {
      return isValid(parts) ? parts : new CellError(`${showCell(value)} is not a real date`);
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

// The characters of ASCII_EMAIL's local part besides letters, digits and "_" (\w).
const LOCAL_SIGNS = new Set([..."!#$%&'*+/=?^`{|}~-"].map((sign) => sign.charCodeAt(0)));

/**
 * ASCII_EMAIL's match, by a scan (the regex costs more than the rest of the row's checks):
 * true only where the regex matches; false sends the text on to the regexes.
 */
function isPlainEmail(text: string): boolean {
  const at = text.indexOf("@");
  if (at < 1 || at > 64) return false;
  for (let i = 0; i < at; i++) {
    const code = text.charCodeAt(i);
    if (isWordCode(code) || LOCAL_SIGNS.has(code)) continue;
    if (code !== 46 || i === 0 || i === at - 1) return false; // "." only inside
  }
  // labels of letters and digits with "-" inside, each ending in "."; then 2+ letters
  let labelStart = at + 1;
  let letters = true; // the label so far has letters only: it may be the last
  for (let i = labelStart; i <= text.length; i++) {
    const code = i < text.length ? text.charCodeAt(i) : -1;
    const letter = (code | 0x20) >= 97 && (code | 0x20) <= 122;
    if (letter || (code >= 48 && code <= 57)) {
      letters &&= letter;
      continue;
    }
    if (code === 45) { // "-": not first in its label
      if (i === labelStart) return false;
      letters = false;
      continue;
    }
    if (code === 46) { // ".": ends a label, which may not end in "-"
      if (i === labelStart || text.charCodeAt(i - 1) === 45) return false;
      labelStart = i + 1;
      letters = true;
      continue;
    }
    // the end: a top-level label of 2+ letters after at least one label
    return code === -1 && labelStart > at + 1 && letters && i - labelStart >= 2;
  }
  return false;
}

function isWordCode(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) ||
    (code >= 48 && code <= 57) || code === 95;
}

/** Text of ASCII digits only (at most 15: a safe integer), as a number; else undefined. */
function plainDigits(text: string): number | undefined {
  if (text.length === 0) return undefined;
  let number = 0;
  for (let i = 0; i < text.length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return undefined;
    number = number * 10 + digit;
  }
  return number;
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

/** How a column is checked besides its schema. */
export interface ValidatorOptions {
  /** Required even if the schema does not say so (a key column). */
  required?: boolean;
  /** The zone datetimes without an offset are read in (IANA); the machine's when absent. */
  timeZone?: string;
}

/** Compiles the checks of one column: required, type, values, min/max, pattern, length. */
export function compileColumnValidator(
  column: ColumnSchema,
  options: ValidatorOptions = {},
): ColumnValidator {
  const required = column.required || options.required === true;
  const check = column.type === "datetime"
    ? datetimeCheck(options.timeZone ?? machineTimeZone())
    : TYPE_CHECKS[column.type];
  const constraints = compileConstraints(column, check);
  if (constraints.length === 0) {
    return (value) =>
      value === null ? (required ? new CellError("a value is required") : null) : check(value);
  }
  return (value) => {
    if (value === null) return required ? new CellError("a value is required") : null;
    const stored = check(value);
    if (stored instanceof CellError || stored === null) return stored;
    // a datetime is shown as the source wrote it, not as stored in UTC
    const shown = column.type === "datetime" ? value : stored;
    for (const constraint of constraints) {
      const problem = constraint(stored, shown);
      if (problem) return new CellError(problem);
    }
    return stored;
  };
}

/** The day after a YYYY-MM-DD date. */
function nextDay(date: string): string {
  const [year, month, day] = date.split("-").map(Number);
  return new Date(Date.UTC(year!, month! - 1, day! + 1)).toISOString().slice(0, 10);
}

/** A check of a stored value; `shown` is how its message shows the value. */
type Constraint = (value: string | number, shown: Exclude<Cell, null>) => string | undefined;

function compileConstraints(column: ColumnSchema, check: TypeCheck): Constraint[] {
  const checks: Constraint[] = [];
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
  const bound = (limit: number | string) => {
    if (isNumber) return Number(limit);
    // a datetime bound is read like the column's values: `min: 2024-01-01` is midnight there
    const stored = column.type === "datetime" ? check(limit) : undefined;
    return typeof stored === "string" ? stored : String(limit);
  };
  // messages give a bound as written: a datetime's is stored in UTC, which nobody wrote
  if (column.min !== undefined) {
    const min = bound(column.min);
    const written = String(column.min);
    checks.push((value, shown) =>
      value < min ? `${showCell(shown)} is below the minimum ${written}` : undefined
    );
  }
  const maxText = String(column.max);
  if (
    column.max !== undefined && column.type === "datetime" && maxText.length === 10 &&
    isPlainIsoDate(maxText)
  ) {
    // `max: 2026-03-31` on a datetime means that whole day, not its first instant
    const end = bound(nextDay(maxText));
    checks.push((value, shown) =>
      value >= end
        ? `${showCell(shown)} is above the maximum ${maxText} (the whole day counts)`
        : undefined
    );
  } else if (column.max !== undefined) {
    const max = bound(column.max);
    checks.push((value, shown) =>
      value > max ? `${showCell(shown)} is above the maximum ${maxText}` : undefined
    );
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
