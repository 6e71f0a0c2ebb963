/**
 * The date format of a column, judged from every value of the sample: the first format
 * every value fits. Where the values fit both day/month and month/day (01/11/2026 …
 * 07/11/2026) no value proves which, and the order is asked for, never guessed.
 *
 * @module
 */
import { compileDateFormat, parseDate } from "../transform/clean/parse_date.ts";

/** The order of day, month and year in a date written with digits only. */
export type DateOrder = "dmy" | "mdy" | "ymd";

/** The orders `--date-order` accepts. */
export const DATE_ORDERS: readonly DateOrder[] = ["dmy", "mdy", "ymd"];

/** How each order reads, for messages: "day/month/year". */
export const ORDER_WORDS: Record<DateOrder, string> = {
  dmy: "day/month/year",
  mdy: "month/day/year",
  ymd: "year/month/day",
};

// The first format of an order that fits every value wins: stricter forms first.
export const DATE_FORMATS = [
  "YYYY-MM-DD",
  "YYYY/MM/DD",
  // GA4 and Search Console write dates without separators: 20261101
  "YYYYMMDD",
  "MM/DD/YYYY",
  "DD/MM/YYYY",
  "DD.MM.YYYY",
  "MM-DD-YYYY",
  "DD-MM-YYYY",
  "M/D/YYYY",
  "D/M/YYYY",
  "D.M.YYYY",
  "MM/DD/YYYY HH:mm",
  "DD/MM/YYYY HH:mm",
  "DD.MM.YYYY HH:mm",
  "MM/DD/YYYY HH:mm:ss",
  "DD/MM/YYYY HH:mm:ss",
  "DD.MM.YYYY HH:mm:ss",
  "M/D/YYYY H:mm",
  "D/M/YYYY H:mm",
  "MM/DD/YYYY h:mm A",
  "DD/MM/YYYY h:mm A",
  "M/D/YYYY h:mm A",
  "D/M/YYYY h:mm A",
  "M/D/YYYY h:mm:ss A",
  "D/M/YYYY h:mm:ss A",
  "MM/DD/YY",
  "DD/MM/YY",
  "M/D/YY",
  "D/M/YY",
  "MMM D, YYYY",
  "D MMM YYYY",
  "MMM D, YYYY h:mm A",
];

/** A format's order of digits; undefined where the month is a name ("MMM D, YYYY"). */
function orderOf(format: string): DateOrder | undefined {
  if (format.includes("MMM")) return undefined;
  const at = (letter: string) => format.indexOf(letter);
  if (at("Y") < at("M")) return "ymd";
  return at("D") < at("M") ? "dmy" : "mdy";
}

/** What the values say about their format. */
export interface DateFit {
  /** The format to write in parse_date, when the values (or `dateOrder`) decide it. */
  format?: string;
  /** Orders the values fit, when no value proves one and `dateOrder` did not say. */
  undecided?: DateOrder[];
  /** Something to check, in words. */
  note?: string;
}

/**
 * The format every value fits. `dateOrder` decides between day/month and month/day only
 * where the values leave both open; a value that proves the order wins over it.
 */
export function fitDateFormat(
  values: readonly string[],
  given: { order?: DateOrder; why?: string } = {},
): DateFit {
  const dateOrder = given.order;
  const fitting = DATE_FORMATS.filter((format) => {
    const parser = compileDateFormat(format);
    return values.every((value) => typeof parseDate(value, [parser]) === "string");
  });
  if (fitting.length === 0) return { note: "no date format fits every value: check them" };
  const named = fitting.find((format) => orderOf(format) === undefined);
  if (named) return { format: named };
  const orders = [...new Set(fitting.map(orderOf))] as DateOrder[];
  if (orders.length === 1) {
    const proof = dateOrder && dateOrder !== orders[0] ? proving(values, dateOrder) : undefined;
    if (proof === undefined) return { format: fitting[0] };
    return {
      format: fitting[0],
      note: `${proof} cannot be ${ORDER_WORDS[dateOrder!]}: the values are ${
        ORDER_WORDS[orders[0]!]
      }, whatever ${given.why ?? "--date-order"} says`,
    };
  }
  if (dateOrder && orders.includes(dateOrder)) {
    return {
      format: fitting.find((format) => orderOf(format) === dateOrder),
      note: `no value tells day from month: read as ${ORDER_WORDS[dateOrder]} (${
        given.why ?? `--date-order ${dateOrder}`
      })`,
    };
  }
  return { undecided: orders };
}

/** A value that no format of `order` reads. */
function proving(values: readonly string[], order: DateOrder): string | undefined {
  const parsers = DATE_FORMATS.filter((format) => orderOf(format) === order).map((format) =>
    compileDateFormat(format)
  );
  return values.find((value) =>
    !parsers.some((parser) => typeof parseDate(value, [parser]) === "string")
  );
}

/** How `value` reads in `order`, as an ISO date ("2026-11-01"), or undefined. */
export function readAs(value: string, order: DateOrder): string | undefined {
  const format = fitDateFormat([value], { order }).format;
  const read = format === undefined ? undefined : parseDate(value, [compileDateFormat(format)]);
  return typeof read === "string" ? read.slice(0, 10) : undefined;
}

/**
 * The order the values prove, with a value that proves it ("11/30/2026" proves mdy):
 * one export writes all its dates alike, so one column's proof settles the others.
 */
export function provenOrder(
  values: readonly string[],
): { order: DateOrder; value: string } | undefined {
  const fit = fitDateFormat(values);
  const order = fit.format === undefined ? undefined : orderOf(fit.format);
  if (order === undefined || order === "ymd") return undefined;
  const value = proving(values, order === "dmy" ? "mdy" : "dmy");
  return value === undefined ? undefined : { order, value };
}
