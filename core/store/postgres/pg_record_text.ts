/**
 * A table's rows read as one text value each (`SELECT t::text FROM table t`): PostgreSQL's
 * record text, `(ORD-1,2026-03-01,"Smith, Jr",,"")`, split here into the column values.
 *
 * Why: Postgres.js decodes each field of a row with a call into the runtime; a 1M-row,
 * 15-column export spent more time in those 15M calls than in anything else. One value a
 * row is one call, and splitting the text is cheap. The server writes each field with the
 * column type's own output function, the same text the usual protocol sends, so the values
 * parsed from it are the same.
 *
 * The format (record_out in PostgreSQL's rowtypes.c): fields between parentheses,
 * separated by commas; a NULL is nothing at all; a field is quoted when it is empty or
 * holds `"`, `\`, `(`, `)`, `,` or white space, and inside quotes `"` and `\` are doubled.
 *
 * @module
 */

/**
 * Splits one record's text into `out` (reused: no array a row); returns the number of
 * fields. NULL fields are null, every other field its text.
 */
export function splitRecord(text: string, out: (string | null)[]): number {
  const end = text.length - 1; // the closing parenthesis
  let count = 0;
  let at = 1;
  while (true) {
    if (text.charCodeAt(at) === QUOTE) {
      // The closing quote ends the first run of quotes of odd length: inside, every quote
      // is doubled, and a doubled backslash holds no quote. Then each pair is undone at
      // once: a value of quotes (JSON kept as text) or backslashes stays linear in length.
      let from = at + 1;
      let close: number;
      while (true) {
        const quote = text.indexOf('"', from);
        if (quote === -1) throw malformed(text);
        let after = quote + 1;
        while (text.charCodeAt(after) === QUOTE) after++;
        if ((after - quote) % 2 === 1) {
          close = after - 1;
          break;
        }
        from = after;
      }
      let value = text.slice(at + 1, close);
      if (value.includes('"')) value = value.replaceAll('""', '"');
      if (value.includes("\\")) value = value.replaceAll("\\\\", "\\");
      at = close + 1;
      out[count++] = value;
    } else {
      let stop = text.indexOf(",", at);
      if (stop === -1) stop = end;
      out[count++] = stop === at ? null : text.slice(at, stop);
      at = stop;
    }
    // `at` is on the comma after the field, or on the closing parenthesis
    if (at >= end) break;
    if (text.charCodeAt(at) !== COMMA) throw malformed(text);
    at++;
  }
  return count;
}

const QUOTE = 34;
const COMMA = 44;

function malformed(text: string): Error {
  // the server writes this text: a mismatch is a bug, never the analyst's data
  return new Error(`unexpected record text from the server: ${text.slice(0, 80)}`);
}
