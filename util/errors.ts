/**
 * The error tree every layer shares. It lives in the lowest layer (config/) so that
 * config/, schema/, core/ and the adapters can all throw and recognise the same errors.
 *
 * A message says what failed and where; `hint` says what to do next. The CLI prints
 * both as `error: …` and `hint: …`, the GUI shows them inline.
 *
 * @module
 */

/** Options every Plutus error accepts. */
export interface PlutusErrorOptions {
  /** A stable, machine-readable name for the failure, e.g. `config_invalid`. */
  code?: string;
  /** What the analyst can do about it, in one sentence. */
  hint?: string;
  /** Where it happened: `plutus.yaml:14`, `leads.csv:2031`, `orders.xlsx Sheet1!B7`. */
  location?: string;
  cause?: unknown;
}

/** The base of every error Plutus raises on purpose. */
export class PlutusError extends Error {
  readonly code: string;
  readonly hint?: string;
  readonly location?: string;

  constructor(message: string, options: PlutusErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code ?? "error";
    this.hint = options.hint;
    this.location = options.location;
  }
}

/** One problem found in a configuration or schema file. */
export interface ConfigProblem {
  /** `plutus.yaml:14` or `schema/leads.yaml:3`. */
  location: string;
  /** Dotted key path, e.g. `sources.hubspot.paginate.type`; empty for the whole file. */
  path: string;
  /** What was expected and what was found. */
  message: string;
}

/** plutus.yaml, a schema file or .env is wrong. The CLI exits with 2. */
export class ConfigError extends PlutusError {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: ConfigProblem[], options: PlutusErrorOptions = {}) {
    super(problems.map(formatProblem).join("\n"), {
      code: "config_invalid",
      location: problems[0]?.location,
      ...options,
    });
    this.problems = problems;
  }
}

/** Formats one problem the way every error list shows it: `file:line key.path: message`. */
export function formatProblem(problem: ConfigProblem): string {
  const where = problem.path ? `${problem.location} ${problem.path}` : problem.location;
  return `${where}: ${problem.message}`;
}

/** The command line itself is wrong (unknown option, missing argument). Exit code 2. */
export class UsageError extends PlutusError {
  constructor(message: string, options: PlutusErrorOptions = {}) {
    super(message, { code: "usage", ...options });
  }
}

/** A file or API source cannot be read as configured. Fails its step only. */
export class SourceError extends PlutusError {
  constructor(message: string, options: PlutusErrorOptions = {}) {
    super(message, { code: "source", ...options });
  }
}

/** The database refused an operation, or its tables do not match the schema. */
export class StoreError extends PlutusError {
  constructor(message: string, options: PlutusErrorOptions = {}) {
    super(message, { code: "store", ...options });
  }
}

/** Another run holds the project's lock. */
export class RunLockedError extends PlutusError {
  constructor(message: string, options: PlutusErrorOptions = {}) {
    super(message, { code: "run_locked", ...options });
  }
}

/** Returns the message of anything thrown, for logs and step records. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
