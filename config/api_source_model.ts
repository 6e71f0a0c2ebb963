/**
 * The model of an API source in plutus.yaml: an endpoint, a key, and how to page through
 * the records. Every pagination style of common marketing and sales APIs has a `type`.
 *
 * @module
 */
import { z } from "zod";
import { columnMapping } from "./column_mapping.ts";
import { shareOfRows, strictObject } from "./zod_helpers.ts";
import { timeZone } from "./time_zone.ts";

const text = z.string().min(1);
const dotPath = z.string();

/** How the key is sent. */
export const authModel = z.discriminatedUnion("type", [
  strictObject({ type: z.literal("bearer"), token: text }),
  strictObject({ type: z.literal("header"), name: text, value: text }),
  strictObject({ type: z.literal("query"), name: text, value: text }),
  strictObject({ type: z.literal("basic"), username: text, password: z.string() }),
], {
  error: (issue) =>
    issue.code === "invalid_union"
      ? `expected type: bearer, header, query or basic; got ${
        JSON.stringify((issue.input as { type?: unknown })?.type)
      }`
      : undefined,
});

/** How to reach the next page. */
export const paginateModel = z.discriminatedUnion("type", [
  strictObject({ type: z.literal("none") }),
  strictObject({
    type: z.literal("page"),
    param: text.default("page"),
    start: z.int().min(0).default(1),
    size_param: text.optional(),
    size: z.int().min(1).optional(),
    total_pages: dotPath.optional(),
  }),
  strictObject({
    type: z.literal("offset"),
    param: text.default("offset"),
    limit_param: text.default("limit"),
    limit: z.int().min(1).default(100),
    total: dotPath.optional(),
  }),
  strictObject({
    type: z.literal("cursor"),
    param: text,
    cursor: dotPath.optional(),
    cursor_field: dotPath.optional(),
    has_more: dotPath.optional(),
  }).refine((p) => (p.cursor === undefined) !== (p.cursor_field === undefined), {
    message:
      "give cursor (where the next cursor is in the response) or cursor_field (a field of the last record, as Stripe's id), one of them",
  }),
  strictObject({ type: z.literal("next_url"), next: dotPath }),
  strictObject({ type: z.literal("link_header") }),
], {
  error: (issue) =>
    issue.code === "invalid_union"
      ? `expected type: one of none, page, offset, cursor, next_url, link_header; got ${
        JSON.stringify((issue.input as { type?: unknown })?.type)
      }`
      : undefined,
});

/** An API source. */
export const apiSourceModel = strictObject({
  kind: z.literal("api"),
  url: z.string().url({
    message: "expected a web address such as https://api.example.com/v1/contacts",
  }).refine((url) => /^https?:\/\//i.test(url), {
    message:
      "expected an http:// or https:// address such as https://api.example.com/v1/contacts; Plutus reads APIs only over http(s)",
  }),
  table: text,
  auth: authModel.optional(),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  headers: z.record(z.string(), z.string()).default({}),
  records: dotPath.default(""),
  paginate: paginateModel.default({ type: "none" }),
  incremental: strictObject({
    field: text,
    param: text,
    initial: z.union([z.string(), z.number()]).optional(),
  }).optional(),
  timeout: z.number().positive().default(30),
  retries: z.int().min(0).max(20).default(5),
  rate_limit: z.number().positive().optional(),
  max_pages: z.int().min(1).default(10_000),
  columns: z.record(z.string(), columnMapping).optional(),
  reject_limit: shareOfRows.optional(),
  timezone: timeZone.optional().describe(
    "how this source's datetimes without an offset are read, when not in the project's timezone",
  ),
  description: z.string().optional(),
});

/** An API source as loaded. */
export type ApiSourceConfig = z.output<typeof apiSourceModel>;
/** Its pagination. */
export type PaginateConfig = z.output<typeof paginateModel>;
/** Its authentication. */
export type AuthConfig = z.output<typeof authModel>;
