/**
 * A new source's name and files pattern, from a sample file's name: the parts that change
 * from one export to the next (dates, month names, timestamps, ids) become `*`, so that
 * December's `Meta-Ads-Campaigns-Dec-1-2026-Dec-31-2026.csv` matches the pattern made from
 * November's; and whether that pattern would take files another source reads.
 *
 * @module
 */
import { basename, extname } from "node:path";
import { matchesFiles } from "../inbox.ts";

const MONTH =
  /^(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sept?(ember)?|oct(ober)?|nov(ember)?|dec(ember)?|januar|februar|märz|maerz|mai|juni|juli|oktober|dezember)$/i;
const WEEKDAY = /^(monday|tuesday|wednesday|thursday|friday|saturday|sunday)$/i;
// words between two dates: "Nov-1-2026-to-Nov-30-2026", "01.11.2026 bis 30.11.2026"
const BETWEEN = /^(to|till|until|through|thru|bis|au|al|a)$/i;

interface Token {
  text: string;
  kind: "letters" | "digits" | "other";
  /** Part of a date, a time or an id: varies between exports. */
  varies?: boolean;
}

/** The file name's stem cut into words, numbers and separators, the varying ones marked. */
function tokens(stem: string): Token[] {
  const list: Token[] = [...stem.matchAll(/\p{L}+|\d+|[^\p{L}\d]+/gu)].map(([text]) => ({
    text,
    kind: /^\p{L}/u.test(text) ? "letters" : /^\d/.test(text) ? "digits" : "other",
  }));
  list.forEach((token, i) => {
    const before = list[i - 1];
    if (token.kind === "letters") {
      // Q3 is a quarter
      const quarter = /^q$/i.test(token.text) && /^[1-4]$/.test(list[i + 1]?.text ?? "");
      token.varies = MONTH.test(token.text) || WEEKDAY.test(token.text) || quarter;
    } else if (token.kind === "digits") {
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
  const stem = basename(fileName, extension);
  let pattern = "";
  for (const token of tokens(stem)) {
    if (!token.varies) pattern += token.text.replace(GLOB_SYNTAX, "?");
    else if (!pattern.endsWith("*")) pattern += "*";
  }
  // a name of dates alone ("2026-11.csv") would make a pattern that reads every file
  if (!/\p{L}/u.test(pattern)) return fileName.replace(GLOB_SYNTAX, "?");
  return `${pattern.includes("*") ? pattern : `${pattern}*`}${extension.toLowerCase()}`;
}

/** "google_ads_campaigns_2026-11-01.csv" → "google_ads_campaigns". */
export function sourceName(fileName: string): string {
  const stem = basename(fileName, extname(fileName));
  const kept = tokens(stem).map((token) => (token.varies ? " " : token.text)).join("");
  const words = kept.toLowerCase().normalize("NFD").replace(/[^a-z\d]+/g, "_").split("_")
    .filter((word) => word.length > 1);
  const name = words.join("_");
  return /^[a-z]/.test(name) ? name : `source_${name || "file"}`;
}

/** Names a pattern's files could have: its `*` filled as exports fill them. */
function examples(pattern: string): string[] {
  const fills = ["", "x", "1", "2026-12-01", "Dec-1-2026-Dec-31-2026", "20261201_120000"];
  return fills.map((fill) => pattern.replaceAll("*", fill).replaceAll("?", "x"));
}

/**
 * Whether a file could match both patterns: they are the same, one takes the names of the
 * other, or the sample file (when given) matches both.
 */
export function patternsOverlap(
  pattern: string,
  other: readonly string[],
  sampleName?: string,
): boolean {
  const names = [pattern, ...other, ...examples(pattern), ...other.flatMap(examples)];
  if (sampleName !== undefined) names.push(sampleName);
  return names.some((name) => matchesFiles(name, [pattern]) && matchesFiles(name, other));
}
