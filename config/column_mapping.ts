/**
 * How one table column is filled from a source: a header (files) or a dot path (APIs),
 * a constant, and clean rules.
 *
 * @module
 */
import { z } from "zod";
import { cleanRules } from "./clean_rule_model.ts";
import { oneOrMany, strictObject } from "./zod_helpers.ts";

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/**
 * How one table column is filled: a header name, or `{from, value, clean}`. A plain name
 * is read as `{from: name}`, so that every error inside a map points at its own key.
 */
export const columnMapping = z.preprocess(
  (
    written,
  ) => (typeof written === "string" || typeof written === "number"
    ? { from: String(written) }
    : written),
  strictObject({
    from: oneOrMany("a header name").optional(),
    value: scalar.optional(),
    clean: cleanRules.optional(),
  }).refine((mapping) => !(mapping.from !== undefined && mapping.value !== undefined), {
    message: "give from (a header to read) or value (a constant), not both",
  }).transform((mapping) => ({
    from: mapping.from,
    value: mapping.value,
    clean: mapping.clean ?? [],
  })),
);

/** A column mapping after loading: `from` lists header spellings; `value` is a constant. */
export type ColumnMapping = z.output<typeof columnMapping>;
