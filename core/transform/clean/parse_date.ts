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

type Parser = (text: string) => DateParts | undefined;

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

/** Compiles a format such as `DD.MM.YYYY HH:mm` into a parser. */
export function compileDateFormat(format: string): Parser {
  if (format === "excel") return parseExcelText;
  if (format === "unix" || format === "unix_ms") {
    const scale = format === "unix" ? 1000 : 1;
    return (text) => /^\d+(\.\d+)?$/.test(text) ? fromEpoch(Number(text) * scale) : undefined;
  }
  let pattern = "";
  let last = 0;
  for (const match of format.matchAll(TOKEN_PATTERN)) {
    pattern += escapeRegex(format.slice(last, match.index)) + TOKENS[match[0]];
    last = match.index + match[0].length;
  }
  pattern += escapeRegex(format.slice(last));
  const regex = new RegExp(`^${pattern}$`, "i");
  return (text) => {
    const groups = regex.exec(text)?.groups;
    return groups ? partsFromGroups(groups) : undefined;
  };
}

/** Parses a date or datetime value with the given formats, or the unambiguous forms. */
export function parseDate(value: Cell, parsers: readonly Parser[] = []): string | null | CellError {
  if (value === null) return null;
  if (value instanceof Date) return fromDateObject(value);
  if (typeof value === "number") {
    const useExcel = parsers.includes(parseExcelText);
    const parts = useExcel ? fromExcelSerial(value) : undefined;
    return parts ? formatParts(parts) : new CellError(
      `${value} is a number, not a date; if it is an Excel serial day use {parse_date: excel}`,
    );
  }
  if (typeof value !== "string") return new CellError(`${showCell(value)} is not a date`);
  const text = value.trim();
  if (text === "") return null;
  for (const parser of parsers.length > 0 ? parsers : AUTO) {
    const parts = parser(text);
    if (parts === undefined) continue;
    return isValid(parts)
      ? formatParts(parts)
      : new CellError(`${showCell(value)} is not a real date`);
  }
  if (parsers.length > 0) {
    return new CellError(`${showCell(value)} does not match the date format`);
  }
  return new CellError(
    ambiguousReason(text) ?? `${showCell(value)} is not a date this rule can read`,
  );
}

/** Formats parts as ISO 8601: a date, or a datetime with seconds and the offset if known. */
export function formatParts(parts: DateParts): string {
  const date = `${pad(parts.year, 4)}-${pad(parts.month)}-${pad(parts.day)}`;
  if (parts.hour === undefined) return date;
  const ms = parts.millisecond ? `.${pad(parts.millisecond, 3)}` : "";
  return `${date}T${pad(parts.hour)}:${pad(parts.minute ?? 0)}:${pad(parts.second ?? 0)}${ms}${
    parts.offset ?? ""
  }`;
}

/** Whether the parts name a real calendar day and time (no February 30th, no 25:00). */
export function isValid(parts: DateParts): boolean {
  const { year, month, day } = parts;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return false;
  if (parts.hour === undefined) return true;
  return parts.hour <= 23 && (parts.minute ?? 0) <= 59 && (parts.second ?? 0) <= 59;
}

/** Reads ISO text (what parse_date writes) back into parts; used by type checks. */
export function parseIso(text: string): DateParts | undefined {
  return ISO(text);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function partsFromGroups(groups: Record<string, string | undefined>): DateParts {
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
  if (groups.offset) parts.offset = normalizeOffset(groups.offset);
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

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/\s+/g, "\\s+");
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, "0");
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

function timeParser(datePattern: string): Parser {
  const regex = new RegExp(`^${datePattern}${TIME}$`, "i");
  return (text) => {
    const groups = regex.exec(text)?.groups;
    if (!groups) return undefined;
    if (groups.offset && /^(UTC|GMT)$/i.test(groups.offset)) groups.offset = "Z";
    return partsFromGroups(groups);
  };
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
