/**
 * Datetimes as the database stores them: UTC, fixed width, always with milliseconds —
 * `2026-11-16T14:00:00.000Z`. Only one fixed-width form makes text order the order of
 * instants in any SQL tool (`…:00Z` would sort after `…:00.500Z`), so `keep: latest`,
 * `ORDER BY` and `>` compare instants, whatever offsets the sources wrote.
 *
 * A value with an offset (`+02:00`, `Z`) is that instant. A value without one is a
 * wall-clock time in the project's `timezone:`; a plain date is midnight there. Where
 * the wall clock is ambiguous the rule is Temporal's "compatible" (RFC 5545, and what
 * JavaScript dates, Excel and PostgreSQL do): a time skipped when clocks go forward
 * (02:30 on a spring-forward night) is read as if the clock had not jumped yet, so it
 * lands one hour later on the new clock (03:30); a time that happens twice when clocks
 * go back is the first of the two (the summer-time one).
 *
 * @module
 */
import type { DateParts } from "./clean/parse_date.ts";

/** The stored form of a datetime; `GLOB` twin for SQL in DATETIME_GLOB. */
export const CANONICAL_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** The stored form as an SQLite GLOB pattern. */
export const DATETIME_GLOB =
  "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z";

/** Turns parsed date parts into the stored UTC text, or undefined outside years 0000–9999. */
export type ToUtc = (parts: DateParts) => string | undefined;

const HOUR_MS = 3_600_000;

/** Compiles the conversion for one zone (an IANA name Temporal knows). */
export function compileToUtc(timeZone: string): ToUtc {
  const offsetAt = compileZoneOffset(timeZone);
  return (parts) => {
    const wall = wallClockMs(parts);
    const epoch = parts.offset === undefined
      ? wall - offsetAt(wall)
      : wall - offsetMinutes(parts.offset) * 60_000;
    if (!Number.isFinite(epoch)) return undefined;
    const text = new Date(epoch).toISOString();
    // ±YYYYYY years are outside 0001–9999; so is year 0 (PostgreSQL refuses it), which
    // 0001-01-01 00:30 at +01:00 becomes in UTC
    return text.length === 24 && !text.startsWith("0000") ? text : undefined;
  };
}

/**
 * The zone's UTC offset (ms) for a wall-clock time given as if it were UTC. Temporal costs
 * a few microseconds a call, too much for every row of a large file: an hour of wall
 * clock that holds no clock change has one offset, so it is looked up once and kept.
 */
function compileZoneOffset(timeZone: string): (wallMs: number) => number {
  if (timeZone === "UTC") return () => 0;
  const exact = (wallMs: number): number => {
    const date = new Date(wallMs);
    const zoned = Temporal.PlainDateTime.from({
      year: date.getUTCFullYear(),
      month: date.getUTCMonth() + 1,
      day: date.getUTCDate(),
      hour: date.getUTCHours(),
      minute: date.getUTCMinutes(),
      second: date.getUTCSeconds(),
      millisecond: date.getUTCMilliseconds(),
    }).toZonedDateTime(timeZone, { disambiguation: "compatible" });
    return wallMs - zoned.epochMilliseconds;
  };
  const hours = new Map<number, number>();
  return (wallMs) => {
    const hour = Math.floor(wallMs / HOUR_MS);
    const known = hours.get(hour);
    if (known !== undefined) return known;
    const first = exact(hour * HOUR_MS);
    if (first !== exact(hour * HOUR_MS + HOUR_MS - 1)) return exact(wallMs); // a change inside
    if (hours.size >= 100_000) hours.clear(); // memory stays bounded on any input
    hours.set(hour, first);
    return first;
  };
}

/** The parts' wall-clock time as milliseconds, read as if it were UTC. */
function wallClockMs(parts: DateParts): number {
  const { year, month, day } = parts;
  const hour = parts.hour ?? 0;
  const minute = parts.minute ?? 0;
  const second = parts.second ?? 0;
  const ms = parts.millisecond ?? 0;
  if (year >= 100) return Date.UTC(year, month - 1, day, hour, minute, second, ms);
  // Date.UTC reads years 0–99 as 1900–1999
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, ms);
  return date.getTime();
}

/** "Z" → 0, "+02:00" → 120, "-05:30" → -330. */
function offsetMinutes(offset: string): number {
  if (offset === "Z") return 0;
  const sign = offset.startsWith("-") ? -1 : 1;
  return sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
}
