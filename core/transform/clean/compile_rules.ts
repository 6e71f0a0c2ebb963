/**
 * Turns the clean rules written in YAML into one function per column, applied in order.
 *
 * @module
 */
import type { CleanRuleName, CleanRuleSpec } from "../../../config/clean_rule_model.ts";
import { type Cell, CellError, emptyToNull, PercentCell } from "../cell.ts";
import { compileDateFormat, type DateFormatOptions, parseDate } from "./parse_date.ts";
import { compileParseNumber, compileParsePercent, type NumberFormat } from "./parse_number.ts";
import { type BoolWords, parseBool } from "./parse_bool.ts";
import { country, currencyCode, phone } from "./marketing_rules.ts";
import {
  collapseSpaces,
  defaultValue,
  mapValues,
  nullIf,
  replace,
  titleCase,
  trim,
  urlParam,
} from "./text_rules.ts";

/** One compiled rule. */
export type CleanFn = (value: Cell) => Cell | CellError;

// Every rule name in config/clean_rule_model.ts must have a builder here (the type says so).
const BUILDERS: Record<CleanRuleName, (arg: unknown, options: CleanOptions) => CleanFn> = {
  trim: () => trim,
  collapse_spaces: () => collapseSpaces,
  lower: () => (value) => typeof value === "string" ? value.toLowerCase() : value,
  upper: () => (value) => typeof value === "string" ? value.toUpperCase() : value,
  title: () => titleCase,
  null_if: (arg) => nullIf(arg),
  replace: (arg) => replace(arg as { from?: string; regex?: string; to: string }),
  map: (arg) => mapValues(arg as Record<string, unknown>),
  parse_number: (arg) => compileParseNumber((arg ?? {}) as NumberFormat),
  parse_percent: (arg) => compileParsePercent((arg ?? {}) as NumberFormat),

  parse_date: (arg, options) => {
    const formats = arg === null ? [] : Array.isArray(arg) ? arg : [arg];
    const parsers = formats.map((format) => compileDateFormat(String(format), options));
    return (value) => parseDate(value, parsers);
  },
  parse_bool: (arg) => parseBool(arg as BoolWords | null),
  url_param: (arg) => urlParam(String(arg)),
  phone: (arg) => phone(arg as { country?: string } | null),
  country: (arg) => country(arg as { to?: "alpha2" | "alpha3" | "name" } | null),
  currency_code: (arg) => currencyCode(arg as { dollar?: string; default?: string } | null),
  default: (arg) => defaultValue(arg),
};

/** What the rules may need to know of where the values come from. */
export type CleanOptions = DateFormatOptions;

/**
 * Compiles rules into one function. Empty text becomes null after every rule, so that
 * `trim` of "   " leaves no value and `default` can fill it. The first rule that refuses
 * a value stops the chain; its reason names the rule.
 */
export function compileCleanRules(
  rules: readonly CleanRuleSpec[],
  options: CleanOptions = {},
): CleanFn {
  const steps = rules.map((rule) => ({
    name: rule.name,
    fn: BUILDERS[rule.name](rule.arg, options),
  }));
  if (steps.length === 0) return emptyToNull;
  if (!steps.some((step) => step.name === "parse_percent")) {
    // Without parse_percent a spreadsheet's percentage is its number to every rule: the
    // chain need not track it (it runs on every cell of the column).
    const fns = steps.map((step) => step.fn);
    const names = steps.map((step) => step.name);
    if (fns.length === 1) {
      const fn = fns[0]!;
      return (input) => {
        const out = fn(emptyToNull(input));
        return out instanceof CellError
          ? new CellError(`${names[0]}: ${out.reason}`)
          : emptyToNull(out);
      };
    }
    return (input) => {
      let value: Cell = emptyToNull(input);
      for (let i = 0; i < fns.length; i++) {
        const out = fns[i]!(value);
        if (out instanceof CellError) return new CellError(`${names[i]}: ${out.reason}`);
        value = emptyToNull(out);
      }
      return value;
    };
  }
  return (input) => {
    // A spreadsheet's percentage holds the fraction already: parse_percent keeps it as long
    // as no earlier rule changed it.
    let fraction = input instanceof PercentCell;
    let value: Cell = emptyToNull(input);
    for (const step of steps) {
      if (fraction && step.name === "parse_percent") continue;
      const out = step.fn(value);
      fraction &&= out === value;
      if (out instanceof CellError) return new CellError(`${step.name}: ${out.reason}`);
      value = emptyToNull(out);
    }
    return value;
  };
}
