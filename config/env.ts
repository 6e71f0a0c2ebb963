/**
 * Secrets: the project's .env file, `${VAR}` references in plutus.yaml, and the mask that
 * keeps every secret value out of logs, errors and output.
 *
 * @module
 */
import { parseEnv } from "node:util";
import { ConfigError } from "./errors.ts";

/** Values from .env, over which the process environment wins. */
export type EnvValues = Readonly<Record<string, string>>;

const VAR_REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Reads .env (absent is fine). A malformed file is a ConfigError naming it. */
export function parseEnvFile(text: string): Record<string, string> {
  try {
    return { ...parseEnv(text) } as Record<string, string>;
  } catch (error) {
    throw new ConfigError([{ location: ".env", path: "", message: (error as Error).message }], {
      hint: "Each line of .env is NAME=value; lines starting with # are comments.",
    });
  }
}

/** The names of the variables a text refers to as `${NAME}`. */
export function referencedVars(text: string): string[] {
  return [...text.matchAll(VAR_REFERENCE)].map((match) => match[1]!);
}

/**
 * Replaces each `${NAME}` with its value from the environment or .env. `missing` collects
 * the names that have no value; they are left as written.
 */
export function resolveVars(
  text: string,
  lookup: (name: string) => string | undefined,
  missing: string[] = [],
): string {
  return text.replace(VAR_REFERENCE, (whole, name: string) => {
    const value = lookup(name);
    if (value === undefined) {
      missing.push(name);
      return whole;
    }
    return value;
  });
}

/**
 * Hides secret values in any text about to be shown or written. Values shorter than 4
 * characters are not masked: they would turn ordinary words and numbers into stars.
 */
export class SecretMask {
  #secrets = new Set<string>();

  /** Adds a value to hide. */
  add(secret: string | undefined): void {
    if (secret && secret.length >= 4) this.#secrets.add(secret);
  }

  /** The text with every known secret (and its URL-encoded form) replaced by `***`. */
  mask(text: string): string {
    let out = text;
    for (const secret of this.#secrets) {
      out = out.replaceAll(secret, "***");
      const encoded = encodeURIComponent(secret);
      if (encoded !== secret) out = out.replaceAll(encoded, "***");
    }
    return out;
  }

  /** How a key is shown in forms: the last four characters only. */
  static preview(secret: string): string {
    return secret.length <= 8 ? "****" : `****${secret.slice(-4)}`;
  }
}
