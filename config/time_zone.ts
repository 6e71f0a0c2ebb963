/**
 * Time zone names in plutus.yaml (`timezone:` of the project and of a source): IANA names,
 * spelled as this runtime spells them, a typo refused at its line with the closest name.
 *
 * @module
 */
import { z } from "zod";
import { closestMatch } from "../util/closest_match.ts";

/** The time zone of this machine (IANA name): the default of `timezone:`. */
export function machineTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

/** An IANA time zone name as this runtime spells it ("europe/berlin" → "Europe/Berlin"), or undefined. */
export function canonicalTimeZone(name: string): string | undefined {
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** How datetimes without an offset are read; checked here so a typo stops at plutus.yaml:LINE. */
export const timeZone = z.string().transform((name, context) => {
  const canonical = canonicalTimeZone(name.trim());
  if (canonical) return canonical;
  const guess = closestMatch(name, [...Intl.supportedValuesOf("timeZone"), "UTC"]);
  context.issues.push({
    code: "custom",
    message: `unknown time zone ${JSON.stringify(name)}${
      guess ? ` (did you mean "${guess}"?)` : ""
    }; use an IANA name such as Europe/Berlin, America/New_York or UTC`,
    input: name,
  });
  return z.NEVER;
});
