/**
 * Regular expressions from the analyst's files (a schema `pattern`, the `replace` clean
 * rule, `stop_at`) run on RE2 (re2js): the time a match takes grows linearly with the
 * value, whatever the pattern, so `^([a-z]+ ?)*$` on "aaaa…a!" cannot hang a run the way
 * a backtracking engine does. RE2 has no backreferences and no lookaround: such a pattern
 * is refused when the file is loaded, with a message that says so.
 *
 * @module
 */
import { RE2JS } from "re2js";

/** A compiled pattern from config: linear-time test and replace. */
export interface LinearRegex {
  /** The pattern as the analyst wrote it. */
  readonly source: string;
  /** Whether the pattern matches anywhere in `text` (anchor it with ^ and $ for all of it). */
  test(text: string): boolean;
  /** Every match replaced; `$1`, `$<name>`, `$&` and `$$` work as in JavaScript. */
  replaceAll(text: string, replacement: string): string;
}

/** Compiles a pattern from config; throws an Error whose message says what is wrong. */
export function compileLinearRegex(pattern: string): LinearRegex {
  const unsupported = unsupportedSyntax(pattern);
  if (unsupported) throw new Error(unsupported);
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(jsEscapes(pattern));
  } catch (error) {
    throw new Error(
      `not a valid regular expression (${
        (error as Error).message.replace(/^error parsing regexp: /, "")
      })`,
    );
  }
  return {
    source: pattern,
    test: (text) => compiled.test(text),
    replaceAll: (text, replacement) => compiled.matcher(text).replaceAll(replacement),
  };
}

/** What is wrong with a pattern from config, or undefined when it compiles. */
export function regexProblem(pattern: string): string | undefined {
  try {
    compileLinearRegex(pattern);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

const LINEAR = "Plutus runs patterns in linear time (RE2 syntax), which has no";

/** Backreferences and lookaround, named so the analyst knows what to change. */
function unsupportedSyntax(pattern: string): string | undefined {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") {
      const next = pattern[i + 1] ?? "";
      if (/[1-9]/.test(next) || (next === "k" && pattern[i + 2] === "<")) {
        return `${LINEAR} backreferences (\\${next}...): match the text itself instead`;
      }
      i++;
    } else if (c === "(" && pattern[i + 1] === "?") {
      const kind = pattern.slice(i + 2, i + 4);
      if (kind[0] === "=" || kind[0] === "!" || kind === "<=" || kind === "<!") {
        return `${LINEAR} lookahead or lookbehind ((?${
          kind[0] === "<" ? kind : kind[0]
        }...): match the surrounding text instead`;
      }
    }
  }
  return undefined;
}

/** JavaScript's \uXXXX and \u{X…} become RE2's \x{…}, so patterns written for JS still work. */
function jsEscapes(pattern: string): string {
  if (!pattern.includes("\\u")) return pattern;
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c !== "\\") {
      out += c;
      continue;
    }
    const rest = pattern.slice(i + 1);
    const escape = /^u(?:([0-9a-fA-F]{4})|\{([0-9a-fA-F]{1,6})\})/.exec(rest);
    if (escape) {
      out += `\\x{${escape[1] ?? escape[2]}}`;
      i += escape[0].length;
    } else {
      out += c + (pattern[i + 1] ?? "");
      i++;
    }
  }
  return out;
}
