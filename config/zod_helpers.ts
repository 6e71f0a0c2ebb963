/**
 * Small zod builders that give the analyst better messages than zod's defaults.
 *
 * @module
 */
import { z } from "zod";
import { regexProblem } from "./linear_regex.ts";

/**
 * A strict object whose unknown-key issues carry the known keys, so that the error can
 * say `unknown key (did you mean "table"?); expected one of kind, files, table, …`.
 */
export function strictObject<T extends z.core.$ZodLooseShape>(shape: T) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code !== "unrecognized_keys") return undefined;
      (issue as { known?: string[] }).known = known;
      return "unknown key";
    },
  });
}

/** A text, or a list of texts; always given back as a list. */
export function oneOrMany(what: string) {
  return z.union([z.string(), z.array(z.string()).min(1)], {
    error: `expected ${what} or a list of them`,
  }).transform((value) => (typeof value === "string" ? [value] : value));
}

/** A regular expression given as text (RE2 syntax); checked when the file is loaded. */
export const regexText = z.string().min(1).superRefine((pattern, context) => {
  const problem = regexProblem(pattern);
  if (problem !== undefined) {
    context.addIssue({ code: "custom", message: `${problem}; got ${JSON.stringify(pattern)}` });
  }
});

/** A share of a file's rows, from 0 to 1 (reject_limit). */
export const shareOfRows = z.number().min(0).max(1);
