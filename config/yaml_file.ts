/**
 * Reads a YAML file so that every later error can point at its line: the parsed value,
 * plus a way to find the line of any key path. Also turns zod issues into located
 * problems (`plutus.yaml:14 sources.x.kind: expected one of file, api; got "fil"`).
 *
 * @module
 */
import { isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseDocument, visit } from "yaml";
import type { Document } from "yaml";
import type { z } from "zod";
import { ConfigError, type ConfigProblem } from "../util/errors.ts";
import { closestMatch } from "../util/closest_match.ts";

/** A parsed YAML file that remembers where each key stands. */
export interface YamlFile {
  /** The name errors show, e.g. `plutus.yaml` or `schema/leads.yaml`. */
  name: string;
  value: unknown;
  /** The line (1-based) of the node at `path`, or of its nearest existing parent. */
  lineOf(path: readonly PropertyKey[]): number;
  /** The line of the key itself (for unknown keys), falling back to `lineOf`. */
  keyLineOf(path: readonly PropertyKey[], key: string): number;
  /** Kept so editors (GUI, add-source) can change the file without losing comments. */
  document: Document;
}

/** Parses YAML text; syntax errors become a ConfigError with their line. */
export function parseYamlFile(text: string, name: string): YamlFile {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new ConfigError(
      document.errors.map((error) => ({
        location: `${name}:${error.linePos?.[0].line ?? 1}`,
        path: "",
        message: `YAML syntax: ${firstLine(error.message)}`,
      })),
      { hint: "Check the indentation (spaces, not tabs) and the quotes around that line." },
    );
  }
  const lineAt = (offset: number) => lineCounter.linePos(offset).line;
  const rounded = roundedIntegers(document, name, lineAt);
  if (rounded.length > 0) {
    throw new ConfigError(rounded, {
      hint:
        "Put such numbers (ids, account numbers) in quotes: they are sent and compared as the digits written.",
    });
  }
  const lineOf = (path: readonly PropertyKey[]): number => {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = document.getIn(path.slice(0, depth) as unknown[], true);
      if (isNode(node) && node.range) return lineAt(node.range[0]);
    }
    return 1;
  };
  const keyLineOf = (path: readonly PropertyKey[], key: string): number => {
    const parent = path.length === 0 ? document.contents : document.getIn(path as unknown[], true);
    if (isMap(parent)) {
      const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === key);
      if (pair && isScalar(pair.key) && pair.key.range) return lineAt(pair.key.range[0]);
    }
    return lineOf(path);
  };
  return { name, value: expanded(document, name, lineAt) ?? null, lineOf, keyLineOf, document };
}

/**
 * Whole numbers written past 2^53 (9007199254740992): YAML reads them as doubles, so
 * `since_id: 1234567890123456789` would be sent as 1234567890123456800 — refused, at their
 * line, rather than used rounded.
 */
function roundedIntegers(
  document: Document,
  name: string,
  lineAt: (offset: number) => number,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  visit(document, {
    Scalar(_, node, ancestors) {
      const value = node.value;
      if (typeof value !== "number" || Number.isSafeInteger(value)) return;
      // digits that come back as written (2^53 itself) are no problem; 1e20 is no id
      const written = node.source ?? "";
      if (!/^-?\d+$/.test(written) || written === String(value)) return;
      problems.push({
        location: `${name}:${node.range ? lineAt(node.range[0]) : 1}`,
        path: dotted(keyPath(ancestors, node)),
        message:
          `${written} is a whole number past 2^53, which would be read as ${value}: write it in quotes, "${written}"`,
      });
    },
  });
  return problems;
}

/** The key path of `node` from the ancestors visit() gives. */
function keyPath(ancestors: readonly unknown[], node: unknown): (string | number)[] {
  const path: (string | number)[] = [];
  const chain = [...ancestors, node];
  chain.forEach((ancestor, i) => {
    if (isPair(ancestor) && isScalar(ancestor.key)) path.push(String(ancestor.key.value));
    if (isSeq(ancestor)) path.push(ancestor.items.indexOf(chain[i + 1] as never));
  });
  return path;
}

/** Aliases a real config could use many times over; a "billion laughs" file uses millions. */
const MAX_ALIAS_COUNT = 100;

/** The document as plain values; a file whose aliases (*name) expand without end is refused. */
function expanded(document: Document, name: string, lineAt: (offset: number) => number): unknown {
  try {
    return document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    if (!/alias/i.test((error as Error).message)) throw error;
    let line = 1;
    visit(document, {
      Alias(_, node) {
        if (node.range) line = lineAt(node.range[0]);
        return visit.BREAK;
      },
    });
    throw new ConfigError([{
      location: `${name}:${line}`,
      path: "",
      message:
        `YAML aliases (*name) here expand to too much data (more than ${MAX_ALIAS_COUNT} copies): Plutus does not read it`,
    }], { hint: "Write the values out instead of repeating them with & and *." });
  }
}

/** Validates a parsed file against a zod model; throws one ConfigError listing every problem. */
export function validateYaml<T extends z.ZodType>(file: YamlFile, model: T): z.output<T> {
  const result = model.safeParse(file.value, { reportInput: true });
  if (result.success) return result.data;
  throw new ConfigError(issueProblems(file, result.error.issues));
}

/** Turns zod issues into problems located in `file`. */
export function issueProblems(
  file: YamlFile,
  issues: readonly z.core.$ZodIssue[],
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        const known = knownKeys(issue);
        const guess = known.length > 0 ? closestMatch(key, known) : undefined;
        problems.push({
          location: `${file.name}:${file.keyLineOf(issue.path, key)}`,
          path: dotted([...issue.path, key]),
          message: `unknown key${guess ? ` (did you mean "${guess}"?)` : ""}` +
            (known.length > 0 ? `; expected one of ${known.join(", ")}` : ""),
        });
      }
      continue;
    }
    problems.push({
      location: `${file.name}:${file.lineOf(issue.path)}`,
      path: dotted(issue.path),
      message: describeIssue(issue),
    });
  }
  return problems;
}

/** `sources.hubspot.columns[2]` style path. */
export function dotted(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out;
}

/** Shows a value from a file the way the analyst typed it, shortened. */
export function showValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "an empty value";
  const text = typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value) ?? "";
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const input = (issue as { input?: unknown }).input;
  const got = `; got ${showValue(input)}`;
  switch (issue.code) {
    case "invalid_value":
      return `expected one of ${issue.values.map(String).join(", ")}${got}`;
    case "invalid_type":
      if (input === undefined) return "is required";
      return `expected ${article(issue.expected)}${got}`;
    case "too_small":
      return issue.origin === "array" || issue.origin === "string"
        ? `expected at least ${issue.minimum} ${
          issue.origin === "array" ? "item(s)" : "character(s)"
        }${got}`
        : `expected ${issue.inclusive ? "at least" : "more than"} ${issue.minimum}${got}`;
    case "too_big":
      return issue.origin === "array" || issue.origin === "string"
        ? `expected at most ${issue.maximum} ${
          issue.origin === "array" ? "item(s)" : "character(s)"
        }${got}`
        : `expected ${issue.inclusive ? "at most" : "less than"} ${issue.maximum}${got}`;
    case "invalid_format":
      return `${issue.message}${got}`;
    case "invalid_key":
      return `${issue.issues[0]?.message ?? "not a valid name"}${got}`;

    default: {
      // custom and union issues carry messages we wrote ourselves, often naming the value
      const primitive = input === null || (typeof input !== "object" && input !== undefined);
      const named = issue.message.includes("; got") ||
        (primitive && issue.message.includes(String(input)));
      return named || !primitive ? issue.message : `${issue.message}${got}`;
    }
  }
}

function article(expected: string): string {
  const names: Record<string, string> = {
    string: "a text",
    number: "a number",
    boolean: "true or false",
    object: "a mapping (key: value lines)",
    array: "a list",
    record: "a mapping (key: value lines)",
  };
  return names[expected] ?? expected;
}

/** Known keys, attached to the issue by `strictObject` in zod_helpers.ts. */
function knownKeys(issue: z.core.$ZodIssue): string[] {
  return (issue as { known?: string[] }).known ?? [];
}

function firstLine(text: string): string {
  return text.split("\n")[0]?.replace(/ at line \d+, column \d+:?$/, "") ?? text;
}
