/**
 * Control characters made visible. A value or a file name can hold ESC sequences, CR,
 * BEL or bidirectional overrides; printed raw, they move the cursor, recolour, retitle or
 * hide what a terminal shows, and a line break in one splits a log line in two. Escaped,
 * they read as `\x1b`, `\r`, `\n`, `\u202e`.
 *
 * @module
 */

// C0 and C1 controls, DEL, and the bidirectional embeddings, overrides and isolates.
// deno-lint-ignore no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** One control character as text. */
function escaped(char: string): string {
  const code = char.charCodeAt(0);
  return NAMED[char] ??
    (code < 0x100 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16)}`);
}

/**
 * `text` with every control character escaped, except those in `keep` (e.g. "\n\t" for
 * text that is meant to have lines). `allowed`, when given, is asked about each ESC and
 * may let a sequence Plutus wrote itself (its colours) through.
 */
export function escapeControls(
  text: string,
  keep = "",
  allowed?: (text: string, at: number) => boolean,
): string {
  return text.replace(
    CONTROLS,
    (char, at: number) =>
      keep.includes(char) || (char === "\x1b" && allowed?.(text, at)) ? char : escaped(char),
  );
}
