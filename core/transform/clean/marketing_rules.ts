/**
 * Rules for values marketing and sales exports are full of: phone numbers (to E.164),
 * countries (to ISO 3166 codes) and the currency of an amount (to its ISO 4217 code).
 *
 * @module
 */
import { type Cell, CellError, showCell } from "../cell.ts";
import { CURRENCY_CODES } from "./parse_number.ts";
import { ruleLibraries } from "./rule_libraries.ts";

/** Builds phone: any way of writing a number → "+14155552671"; `country` for numbers without +. */
export function phone(options: { country?: string } | null): (value: Cell) => Cell | CellError {
  const library = ruleLibraries.phone;
  if (!library) throw new Error("the phone library was not loaded: call loadRuleLibraries() first");
  const country = (options?.country ?? "US").toUpperCase() as Parameters<
    typeof library.parsePhoneNumberFromString
  >[1];
  return (value) => {
    if (value === null) return null;
    const text = String(value).trim();
    // Excel turns +44… into 4420…: a number without + that is too long for the default
    // country is tried as international.
    let parsed = library.parsePhoneNumberFromString(text, country);
    if ((!parsed || !parsed.isValid()) && /^\d{11,15}$/.test(text)) {
      parsed = library.parsePhoneNumberFromString(`+${text}`);
    }
    if (!parsed || !parsed.isValid()) {
      return new CellError(
        `${showCell(value)} is not a valid phone number${
          /^\+/.test(text) ? "" : ` (read as ${country})`
        }`,
      );
    }
    return parsed.number;
  };
}

// Names the ISO lists do not have, as exports write them.
const COUNTRY_ALIASES: Record<string, string> = {
  uk: "GB",
  england: "GB",
  scotland: "GB",
  wales: "GB",
  "northern ireland": "GB",
  "great britain": "GB",
  britain: "GB",
  holland: "NL",
  "the netherlands": "NL",
  korea: "KR",
  "south korea": "KR",
  "north korea": "KP",
  russia: "RU",
  usa: "US",
  us: "US",
  "united states of america": "US",
  america: "US",
  uae: "AE",
  "czech republic": "CZ",
  czechia: "CZ",
  "ivory coast": "CI",
  "hong kong sar": "HK",
  "taiwan, province of china": "TW",
  vietnam: "VN",
  "viet nam": "VN",
  turkey: "TR",
  türkiye: "TR",
};

/** Builds country: names (English, German, French, Spanish), codes and aliases → an ISO code or name. */
export function country(
  options: { to?: "alpha2" | "alpha3" | "name" } | null,
): (value: Cell) => Cell | CellError {
  const library = ruleLibraries.countries;
  if (!library) {
    throw new Error("the country library was not loaded: call loadRuleLibraries() first");
  }
  const to = options?.to ?? "alpha2";
  const cache = new Map<string, string | undefined>();
  const find = (text: string): string | undefined => {
    const plain = text.trim().replace(/\./g, "").replace(/\s+/g, " ");
    const lower = plain.toLowerCase();
    if (COUNTRY_ALIASES[lower]) return COUNTRY_ALIASES[lower];
    if (/^[a-z]{2}$/i.test(plain) && library.isValid(plain.toUpperCase())) {
      return plain.toUpperCase();
    }
    if (/^[a-z]{3}$/i.test(plain)) {
      const code = library.alpha3ToAlpha2(plain.toUpperCase());
      if (code) return code;
    }
    if (/^\d{1,3}$/.test(plain)) return library.numericToAlpha2(plain.padStart(3, "0"));
    for (const lang of ["en", "de", "fr", "es"]) {
      const code = library.getAlpha2Code(plain, lang);
      if (code) return code;
    }
    return undefined;
  };
  return (value) => {
    if (value === null) return null;
    const text = String(value);
    if (!cache.has(text)) cache.set(text, find(text));
    const code = cache.get(text);
    if (!code) {
      return new CellError(
        `${
          showCell(value)
        } is not a country Plutus knows (use a name, or a code such as DE or DEU)`,
      );
    }
    if (to === "alpha3") return library.alpha2ToAlpha3(code) ?? code;
    if (to === "name") return library.getName(code, "en") ?? code;
    return code;
  };
}

const SIGNS: [RegExp, string][] = [
  [/R\$/, "BRL"],
  [/(?:C|CA)\$/, "CAD"],
  [/(?:A|AU)\$/, "AUD"],
  [/NZ\$/, "NZD"],
  [/HK\$/, "HKD"],
  [/S\$/, "SGD"],
  [/MX\$/, "MXN"],
  [/€/, "EUR"],
  [/£/, "GBP"],
  [/¥|円/, "JPY"],
  [/₹/, "INR"],
  [/₩/, "KRW"],
  [/₽/, "RUB"],
  [/₺/, "TRY"],
  [/₪/, "ILS"],
  [/₦/, "NGN"],
  [/₱/, "PHP"],
  [/฿/, "THB"],
  [/zł/, "PLN"],
  [/Kč/, "CZK"],
  [/\bFr\.?|\bCHF\b/, "CHF"],
];
const CODE = new RegExp(`(?<![A-Za-z])(${CURRENCY_CODES})(?![A-Za-z])`);

/**
 * Builds currency_code: the ISO code of an amount's currency — "€1.234,50" → EUR,
 * "USD 99" → USD, "$12" → USD (or `dollar`), a bare number → `default` (else empty).
 */
export function currencyCode(
  options: { dollar?: string; default?: string } | null,
): (value: Cell) => Cell | CellError {
  const dollar = options?.dollar ?? "USD";
  const fallback = options?.default ?? null;
  return (value) => {
    if (value === null) return null;
    const text = String(value);
    const code = CODE.exec(text.toUpperCase());
    if (code) return code[1]!;
    for (const [sign, iso] of SIGNS) if (sign.test(text)) return iso;
    if (text.includes("$")) return dollar;
    if (/^[\s\d.,'()+\-−]*$/.test(text)) return fallback;
    return new CellError(`${showCell(value)} names no currency Plutus knows`);
  };
}
