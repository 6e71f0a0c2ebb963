/**
 * A new source's name and files pattern, from a sample file's name: the parts that change
 * from one export to the next (dates, month names, timestamps, ids) become `*`, so that
 * December's `Meta-Ads-Campaigns-Dec-1-2026-Dec-31-2026.csv` matches the pattern made from
 * November's; and whether that pattern would take files another source reads.
 *
 * @module
 */
import { basename, extname } from "node:path";
import { matchesFiles } from "../project/inbox.ts";

const MONTH =
  /^(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sept?(ember)?|oct(ober)?|nov(ember)?|dec(ember)?|januar|februar|märz|maerz|mai|juni|juli|oktober|dezember)$/i;
const WEEKDAY = /^(monday|tuesday|wednesday|thursday|friday|saturday|sunday)$/i;
// words between two dates: "Nov-1-2026-to-Nov-30-2026", "01.11.2026 bis 30.11.2026"
const BETWEEN = /^(to|till|until|through|thru|bis|au|al|a)$/i;
// a week number: "w47", "wk47", "KW47" (Kalenderwoche), "week47"
const WEEK = /^(w|wk|kw|cw|week)$/i;
// a browser's mark on a second download of the same name: "report (1).csv", "report(2).csv"
const DOWNLOAD_COPY = /\s?\(\d{1,3}\)$/;
// A random id, a whole word: a UUID, or 6 hex characters or more with a letter after a
// digit (Mailchimp's "export_8c3e4f91d2"), cut first so that its letters and digits are not
// read as words and numbers (which would keep "c3e4f91d2" in the pattern). A word, then a
// number ("decade2026") is not one: the number alone varies, as before.
const ID = "[\\da-f]{8}(?:-[\\da-f]{4}){3}-[\\da-f]{12}|(?=[\\da-f]*\\d[\\da-f]*[a-f])[\\da-f]{6,}";
const WORDS = new RegExp(
  `(?<![\\p{L}\\d])(?:${ID})(?![\\p{L}\\d])|\\p{L}+|\\d+|[^\\p{L}\\d]+`,
  "giu",
);

interface Token {
  text: string;
  kind: "letters" | "digits" | "id" | "other";
  /** Part of a date, a time or an id: varies between exports. */
  varies?: boolean;
}

/** The file name's stem cut into words, numbers and separators, the varying ones marked. */
function tokens(stem: string): Token[] {
  const list: Token[] = [...stem.matchAll(WORDS)].map(([text]) => ({
    text,
    kind: new RegExp(`^(?:${ID})$`, "i").test(text)
      ? "id"
      : /^\p{L}/u.test(text)
      ? "letters"
      : /^\d/.test(text)
      ? "digits"
      : "other",
  }));
  list.forEach((token, i) => {
    const before = list[i - 1];
    if (token.kind === "letters") {
      const next = list[i + 1]?.text ?? "";
      // Q3 is a quarter
      const quarter = /^q$/i.test(token.text) && /^[1-4]$/.test(next);
      const week = WEEK.test(token.text) && /^\d{1,2}$/.test(next) && Number(next) >= 1 &&
        Number(next) <= 53;
      // after a date, "T10_22_33" is its time of day and a final "Z" its time zone (UTC)
      const afterDate = before?.kind === "digits" && before.varies === true;
      const time = afterDate && /^t$/i.test(token.text) && /^\d/.test(next);
      const zone = afterDate && /^z$/i.test(token.text);
      token.varies = MONTH.test(token.text) || WEEKDAY.test(token.text) || quarter || week ||
        time || zone;
    } else if (token.kind === "id") token.varies = true;
    else if (token.kind === "digits") {
      // "ga4", "v2", "top10" name the export; a number after a separator, a month or a
      // long one (report1764151200000) is a date, a time or an id
      const named = before?.kind === "letters" && !before.varies && token.text.length <= 2;
      token.varies = !named;
    }
  });
  // separators and linking words between two varying tokens vary with them
  const bridge = (t: Token) =>
    !t.varies && (t.kind === "other" || (t.kind === "letters" && BETWEEN.test(t.text)));
  list.forEach((token, i) => {
    if (!bridge(token)) return;
    let before = i - 1;
    while (before >= 0 && bridge(list[before]!)) before--;
    let after = i + 1;
    while (after < list.length && bridge(list[after]!)) after++;
    if (list[before]?.varies && list[after]?.varies) token.varies = true;
  });
  return list;
}

// characters a glob reads as syntax: a literal one matches itself through "?"
const GLOB_SYNTAX = /[[\]?*(){}+@!\\]/g;

/**
 * "google_ads_2026-11-01.csv" → "google_ads_*.csv",
 * "Meta-Ads-Campaigns-Nov-1-2026-Nov-30-2026.csv" → "Meta-Ads-Campaigns-*.csv".
 */
export function filesPattern(fileName: string): string {
  const extension = extname(fileName);
  const { stem, copy } = stemOf(fileName);
  let pattern = "";
  for (const token of tokens(stem)) {
    if (!token.varies) pattern += token.text.replace(GLOB_SYNTAX, "?");
    else if (!pattern.endsWith("*")) pattern += "*";
  }
  // a name of dates alone ("2026-11.csv") would make a pattern that reads every file
  if (!/\p{L}/u.test(pattern)) return fileName.replace(GLOB_SYNTAX, "?");
  // a dropped " (1)" must still match: the pattern then ends with "*"
  const open = copy ? !pattern.endsWith("*") : !pattern.includes("*");
  return `${open ? `${pattern}*` : pattern}${extension.toLowerCase()}`;
}

/** The name without its extension and without a browser's " (1)", and whether it had one. */
function stemOf(fileName: string): { stem: string; copy: boolean } {
  const stem = basename(fileName, extname(fileName));
  const bare = stem.replace(DOWNLOAD_COPY, "");
  return bare === "" || bare === stem ? { stem, copy: false } : { stem: bare, copy: true };
}

/** "google_ads_campaigns_2026-11-01.csv" → "google_ads_campaigns". */
export function sourceName(fileName: string): string {
  const { stem } = stemOf(fileName);
  const kept = tokens(stem).map((token) => (token.varies ? " " : token.text)).join("");
  const words = kept.toLowerCase().normalize("NFD").replace(/[^a-z\d]+/g, "_").split("_")
    .filter((word) => word.length > 1);
  const name = words.join("_");
  return /^[a-z]/.test(name) ? name : `source_${name || "file"}`;
}

/**
 * Whether a file could match both patterns: the sample file (when given) matches both, or
 * some name matches `pattern` and one of `other` — decided exactly, not by examples.
 */
export function patternsOverlap(
  pattern: string,
  other: readonly string[],
  sampleName?: string,
): boolean {
  if (
    sampleName !== undefined && matchesFiles(sampleName, [pattern]) &&
    matchesFiles(sampleName, other)
  ) {
    return true;
  }
  return other.some((theirs) => globsIntersect(pattern, theirs));
}

/** One position of a glob: any run of characters, any one character, or this one. */
type GlobToken = "*" | "?" | { char: string };

/**
 * Whether some file name matches both globs (case aside, as inbox/ matches them): a walk
 * over both at once, where a `*` may take nothing or one more character of the other.
 * `[…]` classes count as any one character and `{a,b}` as each choice, so a doubt is
 * always an overlap: the warning errs on the side of asking.
 */
export function globsIntersect(a: string, b: string): boolean {
  return expandBraces(a.toLowerCase()).some((x) =>
    expandBraces(b.toLowerCase()).some((y) => tokensIntersect(globTokens(x), globTokens(y)))
  );
}

function tokensIntersect(a: GlobToken[], b: GlobToken[]): boolean {
  const seen = new Map<number, boolean>();
  const walk = (i: number, j: number): boolean => {
    const id = i * (b.length + 1) + j;
    const known = seen.get(id);
    if (known !== undefined) return known;
    seen.set(id, false); // a loop through stars adds nothing new
    let result: boolean;
    if (i === a.length && j === b.length) result = true;
    else if (a[i] === "*") result = walk(i + 1, j) || (j < b.length && walk(i, j + 1));
    else if (b[j] === "*") result = walk(i, j + 1) || (i < a.length && walk(i + 1, j));
    else if (i === a.length || j === b.length) result = false;
    else {
      const x = a[i]!, y = b[j]!;
      result =
        (x === "?" || y === "?" || (x as { char: string }).char === (y as { char: string }).char) &&
        walk(i + 1, j + 1);
    }
    seen.set(id, result);
    return result;
  };
  return walk(0, 0);
}

function globTokens(glob: string): GlobToken[] {
  const out: GlobToken[] = [];
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "\\" && i + 1 < glob.length) out.push({ char: glob[++i]! });
    else if (c === "*") {
      if (out.at(-1) !== "*") out.push("*");
    } else if (c === "?") out.push("?");
    else if (c === "[") {
      const end = glob.indexOf("]", i + 2);
      if (end < 0) out.push({ char: c });
      else {
        out.push("?");
        i = end;
      }
    } else out.push({ char: c });
  }
  return out;
}

/** `a{b,c}d` as `abd` and `acd` (at most 64 choices; past that, a `*` stands for them). */
function expandBraces(glob: string): string[] {
  const open = glob.indexOf("{");
  const close = open < 0 ? -1 : glob.indexOf("}", open);
  if (close < 0) return [glob];
  const head = glob.slice(0, open);
  const rests = expandBraces(glob.slice(close + 1));
  const choices = glob.slice(open + 1, close).split(",");
  const all = choices.flatMap((choice) => rests.map((rest) => head + choice + rest));
  return all.length <= 64 ? all : [`${head}*${glob.slice(close + 1)}`];
}
