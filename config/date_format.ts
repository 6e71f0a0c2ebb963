/**
 * Checks a `parse_date` format before any file is read. A format is tokens and literal
 * text (core/transform/clean/parse_date.ts), so a mistyped token is literal text that no
 * cell holds: `MMM D, YYY` (three Y) asked for "Nov 5, 26Y", and every row of the file
 * was refused as "not a date". Such a format is refused here, naming the token to write.
 *
 * @module
 */

// The tokens of each letter, by the length of a run of that letter.
const RUNS: Record<string, { lengths: number[]; say: string }> = {
  Y: { lengths: [2, 4], say: "the year is YYYY (2026) or YY (26)" },
  M: { lengths: [1, 2, 3, 4], say: "the month is M, MM, MMM (Nov) or MMMM (November)" },
  D: { lengths: [1, 2], say: "the day is D or DD" },
  H: { lengths: [1, 2], say: "the hour is H or HH (0-23), h or hh with A (1-12 AM/PM)" },
  h: { lengths: [1, 2], say: "the hour is H or HH (0-23), h or hh with A (1-12 AM/PM)" },
  m: { lengths: [2], say: "minutes are mm" },
  s: { lengths: [2], say: "seconds are ss" },
  S: { lengths: [3], say: "fractions of a second are SSS" },
};

/** The formats that read numbers, not written dates. */
export const NUMBER_DATE_FORMATS = ["excel", "unix", "unix_ms"] as const;

/** Why a `parse_date` format cannot be right, or undefined when it can. */
export function dateFormatProblem(format: string): string | undefined {
  if ((NUMBER_DATE_FORMATS as readonly string[]).includes(format)) return undefined;
  for (const run of format.matchAll(/([YMDHhmsS])\1*/g)) {
    const rule = RUNS[run[1]!]!;
    const end = run.index + run[0].length;
    // inside a word of literal text ("DD.MM.YYYY um HH:mm"), m, s and S alone are letters
    if (inWord(format, run.index - 1) || inWord(format, end)) continue;
    if (!rule.lengths.includes(run[0].length)) {
      return `"${run[0]}" in "${format}" is no date token: ${rule.say}`;
    }
  }
  if (!/YY/.test(format)) {
    return `"${format}" has no year: add YYYY (2026) or YY (26), or use excel, unix or unix_ms`;
  }
  return undefined;
}

/** Whether the character at `at` is a letter of literal text, not of a token. */
function inWord(format: string, at: number): boolean {
  const char = format[at];
  return char !== undefined && /\p{L}/u.test(char) && !"YMDHhmsSAaZ".includes(char);
}
