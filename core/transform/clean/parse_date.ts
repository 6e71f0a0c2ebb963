/**
 * Dates and times as exports write them, turned into ISO 8601 text that any SQL tool
 * sorts correctly: `YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM:SS` with the offset when known.
 *
 * Formats use the tokens YYYY YY MMMM MMM MM M DD D HH H hh h mm ss SSS A Z, anything else
 * is literal: `MM/DD/YYYY`, `DD.MM.YYYY HH:mm`, `MMM D, YYYY`. The format `excel` reads
 * Excel serial day numbers (45231 is 2023-11-01), `unix` and `unix_ms` epoch timestamps.
 *
 * @module
 */
import { type Cell, CellError, showCell } from "../cell.ts";
import { escapeRegex } from "../../../util/regex_text.ts";

/** The pieces of a parsed date; time fields are absent for a plain date. */
export interface DateParts {
  year: number;
  month: number;
  day: number;
  hour?: number;
  minute?: number;
  second?: number;
  millisecond?: number;
  /** "Z" or "+02:00"; absent when the text did not say. */
  offset?: string;
}

/** The parts a text names, a reason it is refused, or undefined when it is not this format. */
type Parser = (text: string) => DateParts | string | undefined;
type PartsParser = (text: string) => DateParts | undefined;

const MONTHS = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
];
const MONTH_NAME =
  "(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|" +
  "sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?";

const TOKENS: Record<string, string> = {
  YYYY: "(?<year>\\d{4})",
  YY: "(?<yy>\\d{2})",
  MMMM: `(?<monthName>${MONTH_NAME})`,
  MMM: `(?<monthName>${MONTH_NAME})`,
  MM: "(?<month>\\d{2})",
  M: "(?<month>\\d{1,2})",
  DD: "(?<day>\\d{2})",
  D: "(?<day>\\d{1,2})",
  HH: "(?<hour>\\d{2})",
  H: "(?<hour>\\d{1,2})",
  hh: "(?<hour12>\\d{2})",
  h: "(?<hour12>\\d{1,2})",
  mm: "(?<minute>\\d{2})",
  ss: "(?<second>\\d{2})",
  SSS: "(?<fraction>\\d{1,9})",
  A: "(?<ampm>[AaPp]\\.?[Mm]\\.?)",
  a: "(?<ampm>[AaPp]\\.?[Mm]\\.?)",
  Z: "(?<offset>Z|[+-]\\d{2}:?\\d{2})",
};
const TOKEN_PATTERN = /YYYY|YY|MMMM|MMM|MM|M|DD|D|HH|H|hh|h|mm|ss|SSS|A|a|Z/g;

/** Whether a format reads numbers (Excel serial days, epoch times), not a written date. */
export function isNumberFormat(format: string): boolean {
  return Object.hasOwn(NUMBER_FORMATS, format);
}

/** Where the values come from, when that changes how a format reads them. */
export interface DateFormatOptions {
  /**
   * The values come from a workbook that counts serial days from 1904 (Excel for Mac's old
   * default, `date1904` in the workbook): `excel` reads its serials in that system.
   */
  date1904?: boolean;
}

/** Compiles a format such as `DD.MM.YYYY HH:mm` into a parser. */
export function compileDateFormat(format: string, options: DateFormatOptions = {}): Parser {
  if (format === "excel" && options.date1904) return parseExcel1904Text;
  if (isNumberFormat(format)) return NUMBER_FORMATS[format as keyof typeof NUMBER_FORMATS];
  const fixed = fixedWidthParser(format);
  if (fixed) return fixed;
  let pattern = "";
  let last = 0;
  for (const match of format.matchAll(TOKEN_PATTERN)) {
    pattern += escapeRegex(format.slice(last, match.index), true) + TOKENS[match[0]];
    last = match.index + match[0].length;
  }
  pattern += escapeRegex(format.slice(last), true);
  return positionalParser(pattern);
}

const FIXED_FIELDS: Record<string, keyof DateParts> = {
  YYYY: "year",
  MM: "month",
  DD: "day",
  HH: "hour",
  mm: "minute",
  ss: "second",
};

/**
 * For formats made only of fixed-width numbers and separators (YYYY-MM-DD, MM/DD/YYYY,
 * DD.MM.YYYY HH:mm:ss), a parser that reads digits by position: several times faster
 * than a regular expression, and dates are in most rows of most files.
 */
function fixedWidthParser(format: string): Parser | undefined {
  const fields: { field: keyof DateParts; at: number; width: number }[] = [];
  const literals: { at: number; code: number }[] = [];
  let at = 0;
  for (let i = 0; i < format.length;) {
    const token = ["YYYY", "MM", "DD", "HH", "mm", "ss"].find((t) => format.startsWith(t, i));
    if (token) {
      fields.push({ field: FIXED_FIELDS[token]!, at, width: token.length });
      at += token.length;
      i += token.length;
    } else {
      const char = format[i]!;
      if (/[A-Za-z]/.test(char)) return undefined; // another token (M, D, MMM, A…): use the regex
      literals.push({ at, code: char.charCodeAt(0) });
      at++;
      i++;
    }
  }
  const length = at;
  const hasTime = fields.some((f) => f.field === "hour");
  return (text) => {
    if (text.length !== length) return undefined;
    for (const literal of literals) {
      if (text.charCodeAt(literal.at) !== literal.code) return undefined;
    }
    const parts: DateParts = { year: 0, month: 1, day: 1 };
    if (hasTime) {
      parts.hour = 0;
      parts.minute = 0;
      parts.second = 0;
    }
    for (const { field, at, width } of fields) {
      let value = 0;
      for (let i = at; i < at + width; i++) {
        const digit = text.charCodeAt(i) - 48;
        if (digit < 0 || digit > 9) return undefined;
        value = value * 10 + digit;
      }
      (parts as unknown as Record<string, number>)[field] = value;
    }
    return parts;
  };
}

type GroupName =
  | "year"
  | "yy"
  | "monthName"
  | "month"
  | "day"
  | "hour"
  | "hour12"
  | "minute"
  | "second"
  | "fraction"
  | "ampm"
  | "offset";

/** The groups a pattern matched, before they become DateParts. */
interface Groups {
  year?: string;
  yy?: string;
  monthName?: string;
  month?: string;
  day?: string;
  hour?: string;
  hour12?: string;
  minute?: string;
  second?: string;
  fraction?: string;
  ampm?: string;
  offset?: string;
}

/**
 * Compiles a pattern written with named groups into a parser that reads plain numbered
 * groups: V8 builds a dictionary object for \`match.groups\`, and this runs for every row.
 */
function positionalParser(pattern: string): PartsParser {
  const names: GroupName[] = [];
  const source = pattern.replace(/\(\?<(\w+)>/g, (_, name: GroupName) => {
    names.push(name);
    return "(";
  });
  const regex = new RegExp(`^${source}$`, "i");
  const setters = names.map((name) => SETTERS[name]);
  return (text) => {
    const match = regex.exec(text);
    if (!match) return undefined;
    const groups = emptyGroups();
    for (let i = 0; i < setters.length; i++) {
      const value = match[i + 1];
      if (value !== undefined) setters[i]!(groups, value);
    }
    return partsFromGroups(groups);
  };
}

// One shape for every Groups object keeps the property stores monomorphic (fast).
function emptyGroups(): Groups {
  return {
    year: undefined,
    yy: undefined,
    monthName: undefined,
    month: undefined,
    day: undefined,
    hour: undefined,
    hour12: undefined,
    minute: undefined,
    second: undefined,
    fraction: undefined,
    ampm: undefined,
    offset: undefined,
  };
}

const SETTERS: Record<GroupName, (groups: Groups, value: string) => void> = {
  year: (g, v) => (g.year = v),
  yy: (g, v) => (g.yy = v),
  monthName: (g, v) => (g.monthName = v),
  month: (g, v) => (g.month = v),
  day: (g, v) => (g.day = v),
  hour: (g, v) => (g.hour = v),
  hour12: (g, v) => (g.hour12 = v),
  minute: (g, v) => (g.minute = v),
  second: (g, v) => (g.second = v),
  fraction: (g, v) => (g.fraction = v),
  ampm: (g, v) => (g.ampm = v),
  offset: (g, v) => (g.offset = v),
};

/** Parses a date or datetime value with the given formats, or the unambiguous forms. */
export function parseDate(value: Cell, parsers: readonly Parser[] = []): string | null | CellError {
  if (value === null) return null;
  if (value instanceof Date) return fromDateObject(value);
  if (typeof value === "number") {
    // Only the formats made for numbers read one (a JSON number, an XLSX number cell).
    const numeric = parsers.filter((parser) => NUMERIC_PARSERS.has(parser));
    if (numeric.length === 0) {
      return new CellError(
        `${value} is a number, not a date; if it is an Excel serial day use {parse_date: excel}`,
      );
    }
    // Read as its text, so a number has the same bounds and messages as the text form.
    return readText(value, String(value), numeric);
  }
  if (typeof value !== "string") return new CellError(`${showCell(value)} is not a date`);
  const text = value.trim();
  if (text === "") return null;
  return readText(value, text, parsers);
}

function readText(value: Cell, text: string, parsers: readonly Parser[]): string | CellError {
  let refused: string | undefined;
  for (const parser of parsers.length > 0 ? parsers : AUTO) {
    const parts = parser(text);
    if (parts === undefined) continue;
    if (typeof parts === "string") {
      refused ??= parts; // a later format may still read it
      continue;
    }
    if (isValid(parts)) return formatParts(parts);
    return new CellError(
      isValid({ ...parts, offset: undefined })
        ? `${showCell(value)} has UTC offset ${parts.offset}, outside -12:00 to +14:00`
        : `${showCell(value)} is not a real date`,
    );
  }
  if (refused !== undefined) return new CellError(`${showCell(value)} ${refused}`);
  if (parsers.length > 0) {
    return new CellError(`${showCell(value)} does not match the date format`);
  }
  return new CellError(
    ambiguousReason(text) ?? `${showCell(value)} is not a date this rule can read`,
  );
}

/** Formats parts as ISO 8601: a date, or a datetime with seconds and the offset if known. */
export function formatParts(parts: DateParts): string {
  const date = (parts.year >= 1000 ? String(parts.year) : pad(parts.year, 4)) + "-" +
    pad2(parts.month) + "-" +
    pad2(parts.day);
  if (parts.hour === undefined) return date;
  const ms = parts.millisecond ? `.${pad(parts.millisecond, 3)}` : "";
  return `${date}T${pad(parts.hour)}:${pad(parts.minute ?? 0)}:${pad(parts.second ?? 0)}${ms}${
    parts.offset ?? ""
  }`;
}

/**
 * Whether the parts name a real calendar day and time (no February 30th, no 25:00) and a
 * real UTC offset (-12:00 to +14:00).
 */
export function isValid(parts: DateParts): boolean {
  const { year, month, day } = parts;
  // no calendar has a year 0 (1 BC comes before 1 AD): "0000-01-01" is a placeholder, and
  // PostgreSQL refuses it
  if (year < 1) return false;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return false;
  if (parts.hour === undefined) return true;
  return parts.hour <= 23 && (parts.minute ?? 0) <= 59 && (parts.second ?? 0) <= 59 &&
    realOffset(parts.offset);
}

/** "Z", or an offset the world's clocks use: -12:00 to +14:00, minutes below 60. */
function realOffset(offset: string | undefined): boolean {
  if (offset === undefined || offset === "Z") return true;
  const hours = Number(offset.slice(1, 3));
  const minutes = Number(offset.slice(4, 6));
  const total = hours * 60 + minutes;
  return minutes <= 59 && (offset.startsWith("-") ? total <= 12 * 60 : total <= 14 * 60);
}

/** Reads ISO text (what parse_date writes) back into parts; used by type checks. */
export function parseIso(text: string): DateParts | undefined {
  return ISO(text);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function partsFromGroups(groups: Groups): DateParts {
  const year = groups.year !== undefined
    ? Number(groups.year)
    : twoDigitYear(Number(groups.yy ?? "0"));
  const month = groups.monthName !== undefined
    ? monthNumber(groups.monthName)
    : Number(groups.month ?? "1");
  const parts: DateParts = { year, month, day: Number(groups.day ?? "1") };
  if (groups.hour !== undefined || groups.hour12 !== undefined) {
    let hour = Number(groups.hour ?? groups.hour12);
    if (groups.hour12 !== undefined) {
      if (hour < 1 || hour > 12) hour = 99; // made invalid on purpose
      else if (groups.ampm) hour = (hour % 12) + (/^p/i.test(groups.ampm) ? 12 : 0);
    } else if (groups.ampm && hour <= 12) {
      hour = (hour % 12) + (/^p/i.test(groups.ampm) ? 12 : 0);
    }
    parts.hour = hour;
    parts.minute = Number(groups.minute ?? "0");
    parts.second = Number(groups.second ?? "0");
    if (groups.fraction) parts.millisecond = Math.round(Number(`0.${groups.fraction}`) * 1000);
    if (parts.millisecond === 1000) parts.millisecond = 999;
  }
  if (groups.offset) {
    parts.offset = /^(UTC|GMT)$/i.test(groups.offset) ? "Z" : normalizeOffset(groups.offset);
  }
  return parts;
}

function monthNumber(name: string): number {
  const prefix = name.toLowerCase().slice(0, 3);
  return MONTHS.findIndex((month) => month.startsWith(prefix)) + 1;
}

// POSIX rule: 69–99 are 1969–1999, 00–68 are 2000–2068.
function twoDigitYear(yy: number): number {
  return yy >= 69 ? 1900 + yy : 2000 + yy;
}

function normalizeOffset(offset: string): string {
  if (offset === "Z" || offset === "z") return "Z";
  const digits = offset.replace(":", "");
  return `${digits.slice(0, 3)}:${digits.slice(3)}`;
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, "0");
}

const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, "0"));

function pad2(value: number): string {
  return TWO_DIGITS[value] ?? pad(value);
}

// Excel counts days from 1899-12-30 (its phantom 1900-02-29 makes this right from March 1900).
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);

function fromExcelSerial(serial: number): DateParts | undefined {
  if (!Number.isFinite(serial) || serial < 1 || serial > 2958465) return undefined;
  const parts = fromEpoch(EXCEL_EPOCH_MS + Math.round(serial * 86400000));
  if (!parts) return undefined;
  delete parts.offset; // Excel has no time zones: the time is as written
  return Number.isInteger(serial) ? dateOnly(parts) : parts;
}

function dateOnly(parts: DateParts): DateParts {
  return { year: parts.year, month: parts.month, day: parts.day };
}

function parseExcelText(text: string): DateParts | undefined {
  return /^\d+(\.\d+)?$/.test(text) ? fromExcelSerial(Number(text)) : undefined;
}

// The 1904 system's day 0 is 1904-01-01, the 1900 system's day 1462: the same bounds (day 0
// is 1904-01-01 itself, a real day there), and no phantom 1900-02-29 to step over.
function parseExcel1904Text(text: string): DateParts | undefined {
  if (!/^\d+(\.\d+)?$/.test(text)) return undefined;
  const serial = Number(text);
  return serial <= 2958465 - 1462 ? fromExcelSerial(serial + 1462) : undefined;
}

const EPOCH_TEXT = /^(\d+)(?:\.(\d+))?$/;

// Whole milliseconds only: a finer fraction would be cut without a word.
function parseUnixText(text: string): DateParts | string | undefined {
  const match = EPOCH_TEXT.exec(text);
  if (!match) return undefined;
  const fraction = (match[2] ?? "").replace(/0+$/, "");
  if (fraction.length > 3) {
    return "has a fraction of a millisecond; {parse_date: unix} reads seconds to 3 decimals";
  }
  return epochParts(Number(match[1]) * 1000 + Number(fraction.padEnd(3, "0")), "unix");
}

function parseUnixMsText(text: string): DateParts | string | undefined {
  const match = EPOCH_TEXT.exec(text);
  if (!match) return undefined;
  if (/[1-9]/.test(match[2] ?? "")) {
    return "has a fraction of a millisecond; {parse_date: unix_ms} reads whole milliseconds";
  }
  return epochParts(Number(match[1]), "unix_ms");
}

// Past the year 9999 the ISO text would have five digits: most likely milliseconds read as
// seconds, never a real date in a marketing export.
function epochParts(ms: number, format: "unix" | "unix_ms"): DateParts | string | undefined {
  const parts = ms <= MAX_EPOCH_MS ? fromEpoch(ms) : undefined;
  if (parts) return parts;
  return format === "unix"
    ? "is after the year 9999 as seconds; if it counts milliseconds use {parse_date: unix_ms}"
    : "is after the year 9999 as milliseconds";
}

const MAX_EPOCH_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

// The formats that read numbers: they read a number cell as well as text.
const NUMBER_FORMATS = { excel: parseExcelText, unix: parseUnixText, unix_ms: parseUnixMsText };
const NUMERIC_PARSERS = new Set<Parser>([...Object.values(NUMBER_FORMATS), parseExcel1904Text]);

function fromEpoch(ms: number): DateParts | undefined {
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) return undefined;
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
    second: date.getUTCSeconds(),
    millisecond: date.getUTCMilliseconds(),
    offset: "Z",
  };
}

/**
 * A Date from a spreadsheet carries no zone: its UTC fields are the wall-clock time the
 * sheet shows. Midnight means a plain date.
 */
function fromDateObject(date: Date): string | CellError {
  if (Number.isNaN(date.getTime())) return new CellError("an invalid date");
  const parts = fromEpoch(date.getTime())!;
  delete parts.offset;
  const midnight = parts.hour === 0 && parts.minute === 0 && parts.second === 0 &&
    parts.millisecond === 0;
  return formatParts(midnight ? dateOnly(parts) : parts);
}

const TIME =
  "(?:[T\\s]+(?<hour>\\d{1,2}):(?<minute>\\d{2})(?::(?<second>\\d{2})(?:[.,](?<fraction>\\d{1,9}))?)?" +
  "\\s*(?<ampm>[AaPp]\\.?[Mm]\\.?)?\\s*(?<offset>Z|[+-]\\d{2}:?\\d{2}|UTC|GMT)?)?";

function timeParser(datePattern: string): PartsParser {
  return positionalParser(`${datePattern}${TIME}`);
}

const ISO = timeParser("(?<year>\\d{4})-(?<month>\\d{2})-(?<day>\\d{2})");

/** The forms read without a format: none of them can mean two different days. */
const AUTO: Parser[] = [
  ISO,
  timeParser("(?<year>\\d{4})[/.](?<month>\\d{1,2})[/.](?<day>\\d{1,2})"),
  timeParser(
    `(?:[a-z]{3,9},?\\s+)?(?<monthName>${MONTH_NAME})\\s+(?<day>\\d{1,2})(?:st|nd|rd|th)?,?\\s+(?<year>\\d{4})`,
  ),
  timeParser(
    `(?:[a-z]{3,9},?\\s+)?(?<day>\\d{1,2})(?:st|nd|rd|th)?[\\s-]+(?<monthName>${MONTH_NAME})[\\s-]+(?<year>\\d{4})`,
  ),
  timeParser(`(?<year>\\d{4})-(?<monthName>${MONTH_NAME})-(?<day>\\d{1,2})`),
  unambiguousNumeric,
];

/** 25/12/2026 can only be day-first, 12/25/2026 only month-first; 05/06/2026 is refused. */
function unambiguousNumeric(text: string): DateParts | undefined {
  const match = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(.*)$/.exec(text);
  if (!match) return undefined;
  const [, first, , second, year, rest] = match;
  const a = Number(first);
  const b = Number(second);
  // the same number twice (05/05) is one day whichever way it is read
  if (a <= 12 && b <= 12 && a !== b) return undefined;
  const dayFirst = a > 12;
  return ISO(`${year}-${pad(dayFirst ? b : a)}-${pad(dayFirst ? a : b)}${rest}`);
}

function ambiguousReason(text: string): string | undefined {
  const match = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{2}|\d{4})\b/.exec(text);
  if (!match) return undefined;
  const [, , sep, , y] = match;
  const year = y!.length === 2 ? "YY" : "YYYY";
  return `${JSON.stringify(text)} could be month-first or day-first: say which with ` +
    `{parse_date: "MM${sep}DD${sep}${year}"} or {parse_date: "DD${sep}MM${sep}${year}"}`;
}

/**
 * Writes a sheet's date (its wall-clock time in the Date's UTC fields) in `format`, the
 * way a spreadsheet set to that format shows it: the text the format reads back as the
 * same date. Undefined for a format that writes no such text (a time zone, 12-hour time
 * without its AM/PM) or a date it cannot write.
 */
export function formatDateAs(date: Date, format: string): string | undefined {
  if (Number.isNaN(date.getTime())) return undefined;
  const ms = date.getTime();
  if (format === "excel") return String(ms / 86_400_000 + 25_569);
  if (format === "unix") return Number.isInteger(ms / 1000) ? String(ms / 1000) : undefined;
  if (format === "unix_ms") return String(ms);
  const hour = date.getUTCHours();
  const month = MONTHS[date.getUTCMonth()]!;
  const fields: Record<string, string | undefined> = {
    YYYY: pad(date.getUTCFullYear(), 4),
    YY: undefined, // a century the format cannot say
    MMMM: month[0]!.toUpperCase() + month.slice(1),
    MMM: month[0]!.toUpperCase() + month.slice(1, 3),
    MM: pad2(date.getUTCMonth() + 1),
    M: String(date.getUTCMonth() + 1),
    DD: pad2(date.getUTCDate()),
    D: String(date.getUTCDate()),
    HH: pad2(hour),
    H: String(hour),
    hh: pad2(hour % 12 || 12),
    h: String(hour % 12 || 12),
    mm: pad2(date.getUTCMinutes()),
    ss: pad2(date.getUTCSeconds()),
    SSS: pad(date.getUTCMilliseconds(), 3),
    A: hour < 12 ? "AM" : "PM",
    a: hour < 12 ? "am" : "pm",
    Z: undefined, // a sheet's date has no offset
  };
  let text = "";
  let last = 0;
  for (const match of format.matchAll(TOKEN_PATTERN)) {
    const field = fields[match[0]];
    if (field === undefined) return undefined;
    text += format.slice(last, match.index) + field;
    last = match.index + match[0].length;
  }
  return text + format.slice(last);
}
