/**
 * The clean rules an analyst can write in a source column or a schema column, and the
 * shape of each rule's argument. The implementations live in core/transform/clean/;
 * this file is the one list of names both the config loader and the cleaner trust.
 *
 * A rule without an argument is written as its name; a rule with one as a one-key map:
 * `clean: [trim, {null_if: ["--", "N/A"]}, {parse_date: "MM/DD/YYYY"}]`.
 *
 * @module
 */
import { z } from "zod";
import { closestMatch } from "../util/closest_match.ts";
import { regexText, strictObject } from "./zod_helpers.ts";
import { dateFormatProblem } from "./date_format.ts";

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()], {
  error: "expected a text, a number, true/false or null",
});

const decimalOptions = strictObject({
  decimal: z.enum([".", ","]).optional(),
  thousands: z.enum([",", ".", " ", "'", ""]).optional(),
});

const replaceOptions = strictObject({
  from: z.string().min(1).optional(),
  regex: regexText.optional(),
  to: z.string().default(""),
}).refine((value) => (value.from === undefined) !== (value.regex === undefined), {
  message: "give either from (plain text) or regex, not both",
});

const boolWords = strictObject({
  true: z.array(z.union([z.string(), z.number()])).min(1),
  false: z.array(z.union([z.string(), z.number()])).min(1),
});

const dateFormat = z.string().min(1).superRefine((format, context) => {
  const problem = dateFormatProblem(format);
  if (problem) context.addIssue({ code: "custom", message: problem });
});
const dateFormats = z.union([dateFormat, z.array(dateFormat).min(1)], {
  error: "expected a date format such as MM/DD/YYYY, or a list of formats",
});

/**
 * Every clean rule: `arg` is the zod model of its argument, `needsArg` whether the bare
 * name alone is allowed, and `example` how it is written.
 */
export const CLEAN_RULES = {
  trim: { arg: z.null(), needsArg: false, example: "trim" },
  collapse_spaces: { arg: z.null(), needsArg: false, example: "collapse_spaces" },
  lower: { arg: z.null(), needsArg: false, example: "lower" },
  upper: { arg: z.null(), needsArg: false, example: "upper" },
  title: { arg: z.null(), needsArg: false, example: "title" },
  null_if: {
    arg: z.union([scalar, z.array(scalar).min(1)]),
    needsArg: true,
    example: '{null_if: ["--", "N/A"]}',
  },
  replace: { arg: replaceOptions, needsArg: true, example: '{replace: {from: "USD ", to: ""}}' },
  map: {
    arg: z.record(z.string(), scalar),
    needsArg: true,
    example: "{map: {Paid Search: cpc, Paid Social: paid_social}}",
  },
  parse_number: {
    arg: decimalOptions.nullable(),
    needsArg: false,
    example: '{parse_number: {decimal: ","}}',
  },
  parse_percent: {
    arg: decimalOptions.nullable(),
    needsArg: false,
    example: "parse_percent",
  },
  parse_date: {
    arg: dateFormats.nullable(),
    needsArg: false,
    example: '{parse_date: "MM/DD/YYYY"}',
  },
  parse_bool: { arg: boolWords.nullable(), needsArg: false, example: "parse_bool" },
  url_param: { arg: z.string().min(1), needsArg: true, example: "{url_param: utm_source}" },
  phone: {
    arg: strictObject({
      country: z.string().regex(/^[A-Za-z]{2}$/, {
        message: "a two-letter country code such as US",
      }),
    })
      .nullable(),
    needsArg: false,
    example: "{phone: {country: US}}",
  },
  country: {
    arg: strictObject({ to: z.enum(["alpha2", "alpha3", "name"]).default("alpha2") }).nullable(),
    needsArg: false,
    example: "country",
  },
  currency_code: {
    arg: strictObject({
      dollar: z.string().regex(/^[A-Z]{3}$/, { message: "a currency code such as USD" }).optional(),
      default: z.string().regex(/^[A-Z]{3}$/, { message: "a currency code such as EUR" })
        .optional(),
    }).nullable(),
    needsArg: false,
    example: "{currency_code: {dollar: CAD}}",
  },
  default: { arg: scalar, needsArg: true, example: "{default: unknown}" },
} as const;

/** The name of a clean rule. */
export type CleanRuleName = keyof typeof CLEAN_RULES;

/** One clean rule as loaded: its name and its (validated) argument. */
export interface CleanRuleSpec {
  name: CleanRuleName;
  arg: unknown;
}

const RULE_NAMES = Object.keys(CLEAN_RULES) as CleanRuleName[];

function isRuleName(name: string): name is CleanRuleName {
  return Object.hasOwn(CLEAN_RULES, name);
}

function unknownRule(name: string): string {
  const guess = closestMatch(name, RULE_NAMES);
  return `unknown clean rule "${name}"${guess ? ` (did you mean "${guess}"?)` : ""}; rules: ${
    RULE_NAMES.join(", ")
  }`;
}

/** One rule: a bare name, or a one-key map `{name: argument}`. */
export const cleanRule = z.union([z.string(), z.record(z.string(), z.unknown())], {
  error: 'expected a rule name such as trim, or a one-key map such as {parse_date: "MM/DD/YYYY"}',
}).transform((written, context): CleanRuleSpec => {
  if (typeof written === "string") {
    if (!isRuleName(written)) {
      context.issues.push({ code: "custom", message: unknownRule(written), input: written });
      return z.NEVER;
    }
    const rule = CLEAN_RULES[written];
    if (rule.needsArg) {
      context.issues.push({
        code: "custom",
        message: `${written} needs an argument, written as ${rule.example}`,
        input: written,
      });
      return z.NEVER;
    }
    return { name: written, arg: null };
  }
  const keys = Object.keys(written);
  if (keys.length !== 1) {
    context.issues.push({
      code: "custom",
      message:
        `a rule with an argument is a map with exactly one key, e.g. ${CLEAN_RULES.parse_date.example}; got keys ${
          keys.join(", ") || "(none)"
        }`,
      input: written,
    });
    return z.NEVER;
  }
  const name = keys[0]!;
  if (!isRuleName(name)) {
    context.issues.push({ code: "custom", message: unknownRule(name), input: name, path: [name] });
    return z.NEVER;
  }
  const parsed = CLEAN_RULES[name].arg.safeParse(written[name], { reportInput: true });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      context.issues.push({ ...issue, path: [name, ...issue.path] } as typeof context.issues[0]);
    }
    return z.NEVER;
  }
  return { name, arg: parsed.data };
});

/** An ordered list of clean rules. */
export const cleanRules = z.array(cleanRule, { error: "expected a list of clean rules" });
