/**
 * The model of plutus.yaml: the database, the reject limit and the sources. Key names are
 * a contract with the analyst's files and docs (see docs/configuration.md): add keys
 * freely, never rename them.
 *
 * @module
 */
import { z } from "zod";
import { DEFAULT_DATABASE } from "./database_default.ts";
import { apiSourceModel } from "./api_source_model.ts";
import { columnMapping } from "./column_mapping.ts";
import { oneOrMany, regexText, shareOfRows, strictObject } from "./zod_helpers.ts";
import { machineTimeZone, timeZone } from "./time_zone.ts";

export type { ColumnMapping } from "./column_mapping.ts";

/** Names of sources and table columns: what SQL and file names can carry safely. */
export const NAME_PATTERN = /^[a-z][a-z0-9_]*$/;

const sourceName = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/, {
  message: "a source name uses letters, digits, _ and -, starting with a letter",
});

const encoding = z.string().superRefine((label, context) => {
  try {
    new TextDecoder(label);
  } catch {
    context.addIssue({
      code: "custom",
      message: `unknown encoding; use utf-8, utf-16le, utf-16be or windows-1252; got ${
        JSON.stringify(label)
      }`,
    });
  }
});

const delimiter = z.string().transform((value, context) => {
  const named: Record<string, string> = { tab: "\t", comma: ",", semicolon: ";", pipe: "|" };
  const char = named[value] ?? value;
  if ([...char].length !== 1 || char === '"' || char === "\n" || char === "\r") {
    context.issues.push({
      code: "custom",
      message: `a delimiter is one character such as "," ";" "|" or the word tab; got ${
        JSON.stringify(value)
      }`,
      input: value,
    });
    return z.NEVER;
  }
  return char;
});

const csvOptions = strictObject({
  delimiter: delimiter.optional(),
  encoding: encoding.optional(),
  skip_lines: z.int().min(0).optional(),
  quote: z.string().length(1).optional(),
});

const rejectLimit = shareOfRows;

/** A source that reads files the analyst drops into inbox/. */
export const fileSourceModel = strictObject({
  kind: z.literal("file"),
  files: oneOrMany("a file name pattern such as google_ads_*.csv"),
  table: z.string().min(1),
  csv: csvOptions.optional(),
  sheet: z.union([z.string().min(1), z.int().min(1)], {
    error: "expected a sheet name, or its number counting from 1",
  }).optional(),
  skip_lines: z.int().min(0).optional(),
  stop_at: regexText.optional(),
  columns: z.record(z.string(), columnMapping).optional(),
  reject_limit: rejectLimit.optional(),
  timezone: timeZone.optional().describe(
    "how this source's datetimes without an offset are read, when not in the project's timezone",
  ),
  description: z.string().optional(),
}).refine((source) => !(source.skip_lines !== undefined && source.csv?.skip_lines !== undefined), {
  message: "give skip_lines once: either skip_lines or csv.skip_lines",
  path: ["skip_lines"],
});

/** A file source as loaded. */
export type FileSourceConfig = z.output<typeof fileSourceModel>;

/** Any source. API sources join this union when they land. */
export const sourceModel = z.discriminatedUnion("kind", [
  fileSourceModel,
  apiSourceModel,
], {
  error: (issue) =>
    issue.code === "invalid_union"
      ? `expected kind: file or api; got ${
        JSON.stringify((issue.input as { kind?: unknown })?.kind)
      }`
      : undefined,
});

/** An API source as loaded, with its columns. */
export type ApiSource = Extract<SourceConfig, { kind: "api" }>;

/** Any source as loaded. */
export type SourceConfig = z.output<typeof sourceModel>;

/** The whole of plutus.yaml. */
export const plutusConfigModel = strictObject({
  database: z.string().min(1).default(DEFAULT_DATABASE).describe(
    "a SQLite file (data/plutus.db) or a PostgreSQL URL: postgres://USER:${PG_PASSWORD}@HOST:5432/DATABASE?sslmode=require",
  ),
  /** PostgreSQL only: the schema Plutus's tables live in. */
  database_schema: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, {
    message:
      "a schema name uses lowercase letters, digits and _ (at most 63), starting with a letter or _",
  }).default("public").describe("PostgreSQL only: the schema Plutus's tables live in"),
  reject_limit: rejectLimit.default(0.05),
  /** How datetimes without an offset are read (IANA name); the machine's zone when absent. */
  timezone: timeZone.default(machineTimeZone).describe(
    "how datetimes without an offset are read: an IANA zone name such as Europe/Berlin or UTC",
  ),
  /** The largest file the GUI accepts, in MB. */
  upload_limit_mb: z.number().positive().default(2048),
  /** The longest an ad hoc query (GUI Query page, plutus query) may work, in seconds. */
  query_timeout_seconds: z.number().positive().max(86_400).default(30),
  // `sources:` with nothing under it yet is a project without sources, not a mistake
  sources: z.record(sourceName, sourceModel).nullable().default({}).transform((sources) =>
    sources ?? {}
  ),
});

/** plutus.yaml as loaded, with defaults filled in. */
export type PlutusConfig = z.output<typeof plutusConfigModel>;
