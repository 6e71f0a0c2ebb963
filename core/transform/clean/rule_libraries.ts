/**
 * The libraries behind the marketing rules (phone numbers, countries), loaded only when a
 * column uses such a rule: they take ~60 ms each to load, which every other run is spared.
 * Call loadRuleLibraries() before compiling rules; the rules then find them here.
 *
 * @module
 */
import type { CleanRuleSpec } from "../../../config/clean_rule_model.ts";

/** Phone number parsing (libphonenumber-js, with its compact metadata). */
export type PhoneLibrary = typeof import("libphonenumber-js/min");

/** Country names and codes (i18n-iso-countries). */
export interface CountryLibrary {
  getAlpha2Code(name: string, lang: string): string | undefined;
  alpha3ToAlpha2(code: string): string | undefined;
  numericToAlpha2(code: string | number): string | undefined;
  alpha2ToAlpha3(code: string): string | undefined;
  getName(code: string, lang: string): string | undefined;
  isValid(code: string | number): boolean;
}

/** Loaded libraries; absent until loadRuleLibraries() loaded them. */
export const ruleLibraries: { phone?: PhoneLibrary; countries?: CountryLibrary } = {};

/** Loads what the given rules need (once per process). */
export async function loadRuleLibraries(rules: Iterable<CleanRuleSpec>): Promise<void> {
  for (const rule of rules) {
    if (rule.name === "phone" && !ruleLibraries.phone) {
      ruleLibraries.phone = await import("libphonenumber-js/min");
    }
    if (rule.name === "country" && !ruleLibraries.countries) {
      const countries = (await import("i18n-iso-countries")).default;
      // The languages analysts' exports most often write country names in.
      for (
        const locale of await Promise.all([
          import("i18n-iso-countries/langs/en.json", { with: { type: "json" } }),
          import("i18n-iso-countries/langs/de.json", { with: { type: "json" } }),
          import("i18n-iso-countries/langs/fr.json", { with: { type: "json" } }),
          import("i18n-iso-countries/langs/es.json", { with: { type: "json" } }),
        ])
      ) {
        countries.registerLocale(locale.default);
      }
      ruleLibraries.countries = countries as unknown as CountryLibrary;
    }
  }
}
