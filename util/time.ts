/**
 * Timestamps as Plutus writes them: UTC for the database, local time for people.
 *
 * @module
 */

/** The current time as stored: ISO 8601 in UTC, to the second. */
export function nowIso(date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Local time as `YYYY-MM-DD HH:MM:SS`: logs are read by a person in their own time zone. */
export function localStamp(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${
    pad(date.getHours())
  }:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}
