/**
 * Terminal output: colours (off with NO_COLOR or when not a terminal), aligned tables and
 * readable numbers. Commands print through here so the look stays the same everywhere.
 *
 * @module
 */
import { escapeControls } from "../util/control_text.ts";
import { formatCount } from "../util/list_text.ts";

/** Whether stderr/stdout get colour: a terminal, and NO_COLOR not set. */
export const useColor = (stream: { isTerminal(): boolean }) =>
  !Deno.noColor && Deno.env.get("NO_COLOR") === undefined && stream.isTerminal();

let colorOut = false;
let colorErr = false;

/** Decides colour once, at start-up; `--no-color` turns it off. */
export function setupColor(enabled: boolean): void {
  colorOut = enabled && useColor(Deno.stdout);
  colorErr = enabled && useColor(Deno.stderr);
}

const paint = (code: string, reset: string) => (text: string, err = false) =>
  (err ? colorErr : colorOut) ? `\x1b[${code}m${text}\x1b[${reset}m` : text;

export const bold = paint("1", "22");
export const dim = paint("2", "22");
export const red = paint("31", "39");
export const green = paint("32", "39");
export const yellow = paint("33", "39");
export const cyan = paint("36", "39");

// The colour codes paint() writes: the only ESC sequences that reach the terminal.
const OWN_CODES = ["1", "2", "22", "31", "32", "33", "36", "39"].map((code) => `\x1b[${code}m`);
const ownCode = (text: string, at: number) => OWN_CODES.some((code) => text.startsWith(code, at));

/**
 * Text safe for the terminal: control characters in it (from a value, a file name, an
 * error message) are escaped, except line breaks and tabs when `keepLines`, and the
 * colour codes Plutus itself writes while colour is on. CSV and JSON output bypass this.
 */
export function terminalText(text: string, keepLines = true, err = false): string {
  return escapeControls(
    text,
    keepLines ? "\n\t" : "",
    (err ? colorErr : colorOut) ? ownCode : undefined,
  );
}

/** Writes a line to stdout, its control characters escaped. */
export function print(line = ""): void {
  writeAll(Deno.stdout, `${terminalText(line)}\n`);
}

/** Writes a line to stderr, its control characters escaped. */
export function printErr(line = ""): void {
  writeAll(Deno.stderr, `${terminalText(line, true, true)}\n`);
}

/** Writes text without a newline to a stream. */
export function writeAll(stream: { writeSync(p: Uint8Array): number }, text: string): void {
  writeBytes(stream, new TextEncoder().encode(text));
}

/** Writes bytes to a stream, all of them. */
export function writeBytes(stream: { writeSync(p: Uint8Array): number }, bytes: Uint8Array): void {
  let written = 0;
  while (written < bytes.length) written += stream.writeSync(bytes.subarray(written));
}

/** 1234567 → "1,234,567". */
export function count(value: number): string {
  return formatCount(value);
}

/** Milliseconds as "850 ms", "12.4 s", "3 min 5 s". */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** Visible width, ignoring colour codes. */
function width(text: string): number {
  // deno-lint-ignore no-control-regex
  return [...text.replace(/\x1b\[[0-9;]*m/g, "")].length;
}

/**
 * Lays rows out in columns. Columns whose header is in `right` are right-aligned
 * (numbers); long cells are cut at `maxWidth` with an ellipsis.
 */
export function table(
  headers: string[],
  rows: string[][],
  options: { right?: string[]; maxWidth?: number; indent?: string } = {},
): string {
  const max = options.maxWidth ?? 60;
  const cut = (
    text: string,
  ) => (width(text) > max ? `${[...text].slice(0, max - 1).join("")}…` : text);
  const cells = rows.map((row) =>
    row.map((cell) => cut(terminalText(cell.replace(/\s*\n\s*/g, " "), false)))
  );
  const widths = headers.map((header, i) =>
    Math.max(width(header), ...cells.map((row) => width(row[i] ?? "")))
  );
  const right = new Set((options.right ?? []).map((name) => headers.indexOf(name)));
  const line = (row: string[], style = (text: string) => text) =>
    (options.indent ?? "") + row.map((cell, i) => {
      const pad = " ".repeat(Math.max(0, widths[i]! - width(cell)));
      return right.has(i) ? pad + style(cell) : style(cell) + pad;
    }).join("  ").trimEnd();
  return [line(headers, (text) => bold(text)), ...cells.map((row) => line(row))].join("\n");
}
