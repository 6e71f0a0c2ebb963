/**
 * A table, or a query, read as PostgreSQL's own CSV, `COPY (SELECT …) TO STDOUT (FORMAT
 * csv)`, in a READ ONLY transaction: an export rewrites only the fields it writes otherwise
 * (core/export/copy_csv.ts) instead of making a value of every field (pg_query.ts).
 *
 * Each column's text is the text the usual protocol sends (the type's output function), so
 * a column decodes it with the parser a query uses: the export writes the same values
 * either way. Numbers whose text is already what an export writes skip the parser.
 *
 * @module
 */
import type { CopyColumn, CsvCopy, SqlValue } from "../mod.ts";
import { explainPgConnectError, explainPgError, type Sql } from "./pg_connect.ts";
import { beginReadOnly, columnOrigins, queryRefusal, readOnlyClient } from "./pg_query.ts";
import { ident, qualified } from "./pg_sql.ts";

/**
 * The table or the query `what` in the schema `dbSchema` at `url`, ready to be read as CSV;
 * undefined for a query that cannot be read so (it is then read row by row, which says
 * what is wrong with it, if anything).
 */
export async function openPgCopy(
  url: string,
  dbSchema: string,
  what: { table: string } | { sql: string },
): Promise<CsvCopy | undefined> {
  const { client, close } = readOnlyClient(url, "plutus export");
  try {
    await beginReadOnly(client, dbSchema, 0);
    const source = "table" in what
      ? await tableSource(client, dbSchema, what.table)
      : await querySource(client, dbSchema, what.sql);
    if (!source) {
      await close();
      return undefined;
    }
    const { shape, from, refs } = source;
    return {
      columns: shape.map((column) => column.name),
      decoders: shape.map(copyColumn),
      origins: source.origins,
      async read(indexes, sink) {
        const select = `SELECT ${
          indexes.map((i) => selected(refs[i]!, shape[i]!)).join(", ")
        } FROM ${from}`;
        // what the sink throws (a full disk) is its own to say, not the server's
        let sinkError: { error: unknown } | undefined;
        try {
          // COPY goes by the simple protocol, which runs every statement of a text: the
          // extended one refuses a text of more than one, so a query that would close the
          // parentheses and go on (to COMMIT its way out of READ ONLY) is refused here
          await describe(client, select);
          const stream = await client.unsafe(`COPY (${select}) TO STDOUT (FORMAT csv)`)
            .readable();
          // The sink works synchronously (it writes with writeSync): while it works, no
          // more is read from the socket. Pausing the stream instead did not hold the rows
          // back over TLS (under Deno a paused TLS socket goes on reading): 1M rows piled up
          // in 400 MB.
          await new Promise<void>((resolve, reject) => {
            let failed = false;
            stream.on("data", (bytes: Uint8Array) => {
              if (failed) return;
              try {
                sink(bytes);
              } catch (error) {
                failed = true;
                sinkError = { error };
                stream.destroy();
                reject(error);
              }
            });
            stream.on("end", resolve);
            stream.on("error", reject);
          });
        } catch (error) {
          if (sinkError) throw sinkError.error;
          throw queryRefusal(error) ?? explainPgError(error, url);
        }
      },
      close,
    };
  } catch (error) {
    await close();
    throw await explainPgConnectError(error, url);
  }
}

/** Where COPY reads from, its columns, and how each is named there. */
interface CopySource {
  shape: DescribedColumn[];
  from: string;
  refs: string[];
  origins: CsvCopy["origins"];
}

async function tableSource(client: Sql, dbSchema: string, table: string): Promise<CopySource> {
  const from = qualified(dbSchema, table);
  const shape = await describe(client, `SELECT * FROM ${from}`);
  return {
    shape,
    from,
    refs: shape.map((column) => ident(column.name)),
    origins: shape.map((column) => ({ table, column: column.name })),
  };
}

/**
 * A query as a sub-query whose columns are named c1, c2, … in order (a query may name two
 * columns alike); undefined where the query cannot be one (EXPLAIN, SHOW, a text of two
 * statements, a mistake). Its last semicolons go; a comment on its last line ends at the
 * line break after it.
 */
async function querySource(
  client: Sql,
  dbSchema: string,
  sql: string,
): Promise<CopySource | undefined> {
  let shape: DescribedColumn[];
  try {
    shape = await describe(client, sql);
  } catch {
    return undefined;
  }
  if (shape.length === 0) return undefined;
  const refs = shape.map((_, i) => `c${i + 1}`);
  const from = `(\n${sql.replace(/[\s;]+$/, "")}\n) AS plutus_query (${refs.join(", ")})`;
  try {
    const wrapped = await describe(client, `SELECT * FROM ${from}`);
    if (wrapped.some((column, i) => column.type !== shape[i]!.type)) return undefined;
  } catch {
    return undefined;
  }
  return { shape, from, refs, origins: await columnOrigins(client, dbSchema, shape) };
}

/** The columns of `sql` as the server describes them, by the extended protocol. */
async function describe(client: Sql, sql: string): Promise<DescribedColumn[]> {
  const described = await client.unsafe(sql, [], { prepare: false, simple: false } as never)
    .describe();
  return (described.columns ?? []) as DescribedColumn[];
}

/**
 * A result column as the server describes it: its type, the parser a query uses, and the
 * table and column it comes from (oid and number, or 0).
 */
interface DescribedColumn {
  name: string;
  type: number;
  parser?: (text: string) => unknown;
  table?: number;
  number?: number;
}

// types whose parser gives back the text itself: date, json, jsonb
const AS_TEXT = new Set([1082, 114, 3802]);
// types whose output function writes integers as JavaScript does: int2, int4, int8
const INTEGERS = new Set([21, 23, 20]);
const BOOLEAN = 16;
const TIMESTAMPTZ = 1184;
const NUMERIC = 1700;

/** How a column's text turns into its value (what the parser of a query would do). */
function copyColumn(column: DescribedColumn): CopyColumn {
  const parse = column.parser;
  if (parse === undefined || AS_TEXT.has(column.type)) return {};
  const decode = parse as (text: string) => SqlValue;
  if (INTEGERS.has(column.type)) return { decode, verbatim: () => true };
  if (column.type === NUMERIC) return { decode, verbatim: plainNumber };
  // selected as 1 or 0 (see selected())
  if (column.type === BOOLEAN) return { decode: Number, verbatim: () => true };
  if (column.type === TIMESTAMPTZ) return { decode, verbatim: stampWritten };
  return { decode };
}

/**
 * What COPY selects for a column: the column, or where the server can write the text an
 * export writes (its CPU is the other core; the parsers were most of the export's time),
 * that text. A boolean comes as 1 or 0, as its parser gives it. A timestamp of whole
 * milliseconds in the years 1-9999 comes as `2026-01-02T03:04:05.120Z`, as its parser
 * (timestampText) writes it, and any other (finer digits, infinity) as the server's text,
 * for the parser.
 */
function selected(name: string, column: DescribedColumn): string {
  if (column.type === BOOLEAN) return `${name}::int`;
  if (column.type !== TIMESTAMPTZ) return name;
  return `CASE WHEN ${name} >= '0001-01-01T00:00:00Z' AND ${name} < '10000-01-01T00:00:00Z'
      AND date_part('microseconds', ${name})::bigint % 1000 = 0
    THEN to_char(${name} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
    ELSE ${name}::text END`;
}

/** Whether a timestamp's text is already the export's (`…T…Z`), not the server's. */
function stampWritten(bytes: Uint8Array, from: number, to: number): boolean {
  return to - from === 24 && bytes[from + 10] === 0x54 && bytes[to - 1] === 0x5a;
}

const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

/**
 * Whether a numeric's text (`-?digits(.digits)?`) is the text JavaScript writes for its
 * Number: no leading or trailing zero, at most 15 significant digits (each such decimal is
 * a double of its own, written back with the same digits), and between 1e-6 and 1e21, where
 * JavaScript writes no exponent. Anything else is decoded (`12.50` is written `12.5`).
 */
export function plainNumber(bytes: Uint8Array, from: number, to: number): boolean {
  let at = from;
  if (bytes[at] === MINUS) at++;
  const integer = at;
  while (at < to && bytes[at]! >= ZERO && bytes[at]! <= NINE) at++;
  const integerDigits = at - integer;
  if (integerDigits === 0 || integerDigits > 21) return false;
  if (integerDigits > 1 && bytes[integer] === ZERO) return false;
  let fraction = at;
  if (at < to) {
    if (bytes[at] !== DOT) return false;
    fraction = ++at;
    while (at < to && bytes[at]! >= ZERO && bytes[at]! <= NINE) at++;
    if (at !== to || at === fraction || bytes[to - 1] === ZERO) return false;
  }
  // significant digits: from the first digit that is not 0 to the last one
  let first = -1;
  let last = -1;
  for (let i = integer; i < to; i++) {
    const byte = bytes[i]!;
    if (byte === DOT || byte === ZERO) continue;
    if (first === -1) first = i;
    last = i;
  }
  if (first === -1) return to - from === 1; // zero is "0" (not "-0")
  const digits = last - first + 1 - (first < fraction - 1 && last >= fraction ? 1 : 0);
  if (digits > 15) return false;
  // below 1: at most five zeros after the point (0.000001 is written so, 1e-7 is not)
  return integerDigits > 1 || bytes[integer] !== ZERO || first - fraction <= 5;
}
