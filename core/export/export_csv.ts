/**
 * Exports a table or a query to a CSV file: UTF-8 with a header line, written through a
 * temporary file so a failed export never leaves half a file under the final name.
 *
 * @module
 */
import { basename, dirname, join } from "node:path";
import { PlutusError } from "../../util/errors.ts";
import { localStamp } from "../../util/time.ts";
import type { QueryLimits, StoreDriver } from "../store/mod.ts";
import { ROW_HASH } from "../store/row_layout.ts";
import type { TableSchema } from "../../config/table_schema.ts";
import { COMMA, csvLine, SEMICOLON } from "./csv_text.ts";
import { CsvRowWriter } from "./csv_rows.ts";
import { typedColumnKinds } from "./typed_columns.ts";
import { CopyCsvRewriter } from "./copy_csv.ts";
import { claimName } from "../project/inbox.ts";

/** What to export and how. */
export interface ExportOptions {
  /** A table name, or else `sql`. */
  table?: string;
  sql?: string;
  /** Where to write; by default exports/<name>-<time>.csv. */
  output?: string;
  /** Keep text that starts with = + - @ as it is (no leading '). */
  raw?: boolean;
  /**
   * The project's tables: values of their typed columns (phone numbers, negative numbers,
   * emails) are written as they are. Without them every text value is protected.
   */
  tables?: ReadonlyMap<string, TableSchema>;
  /** Start with a UTF-8 byte order mark, so Excel reads accents right. */
  bom?: boolean;
  /** Semicolons between fields and decimal commas, as Excel opens a CSV in much of Europe. */
  semicolon?: boolean;
  /**
   * Run `sql` off this thread within these limits (the GUI: a runaway query must not hold
   * the server); without them it runs here, and Ctrl-C stops it.
   */
  limits?: QueryLimits;
}

/** The result of an export. */
export interface ExportResult {
  path: string;
  rows: number;
  columns: string[];
}

/** Writes the CSV; returns where and how many rows. */
export async function exportCsv(
  driver: StoreDriver,
  exportsDir: string,
  options: ExportOptions,
): Promise<ExportResult> {
  const name = options.table ?? "query";
  const path = options.output ??
    join(exportsDir, `${name}-${localStamp(new Date()).replace(" ", "T").replace(/:/g, "-")}.csv`);
  // before the source opens: a folder that cannot be made leaves no connection open
  await Deno.mkdir(dirname(path), { recursive: true });
  const what: { table: string } | { sql: string } = options.table !== undefined
    ? { table: options.table }
    : { sql: options.sql! };
  // as the database's own CSV where the backend writes one; a query within limits (the
  // GUI's) goes off this thread, row by row
  const copy = driver.openCopy && !("sql" in what && options.limits)
    ? await driver.openCopy(what)
    : undefined;
  const source = copy ??
    ("sql" in what && options.limits
      ? await driver.openQuery(what.sql, options.limits)
      : await driver.openExport(what));
  // a name of its own: two exports of one second (two GUI tabs) wrote the same file
  const unique = options.output === undefined ? `.${crypto.randomUUID().slice(0, 8)}` : "";
  const part = join(dirname(path), `.${basename(path)}${unique}.part`);
  let rows = 0;
  unfinished.add(part);
  const columns = options.table ? source.columns.filter((c) => !INTERNAL.has(c)) : source.columns;
  const keep = source.columns.map((c) => columns.includes(c));
  const origins = source.origins ?? [];
  const kinds = options.raw || !options.tables
    ? undefined
    : typedColumnKinds(origins.filter((_, i) => keep[i]), options.tables);
  const typed = kinds?.some((kind) => kind !== undefined) ? kinds : undefined;
  const dialect = options.semicolon ? SEMICOLON : COMMA;
  try {
    using file = await onDisk(Deno.open(part, { write: true, create: true, truncate: true }));
    const header = (options.bom ? "\ufeff" : "") + csvLine(columns, false, dialect);
    await writeAll(file, new TextEncoder().encode(header));
    if ("pages" in source) {
      const all = keep.every(Boolean);
      const writer = new CsvRowWriter({ dialect, raw: options.raw, kinds: typed });
      for await (const page of source.pages()) {
        for (const row of page) writer.write(all ? row : row.filter((_, i) => keep[i]));
        rows += page.length;
        if (writer.size >= 1 << 20) await writeAll(file, writer.take());
      }
      await writeAll(file, writer.take());
    } else {
      const indexes = keep.flatMap((kept, i) => (kept ? [i] : []));
      const rewriter = new CopyCsvRewriter(indexes.map((i) => source.decoders[i]!), {
        dialect,
        raw: options.raw,
        kinds: typed,
      });
      await source.read(indexes, (bytes) => {
        rewriter.feed(bytes);
        if (rewriter.size >= 1 << 20) writeAllSync(file, rewriter.take());
      });
      rewriter.end();
      writeAllSync(file, rewriter.take());
      rows = rewriter.rows;
    }
    await onDisk(file.sync());
  } catch (error) {
    await Deno.remove(part).catch(() => {});
    if (!(error instanceof DiskFailure)) throw error; // the database's side says its own
    throw new PlutusError(`cannot write ${path}: ${(error.cause as Error).message}`, {
      code: "export_failed",
      hint: "Check that the folder is writable and the disk has space.",
      cause: error.cause,
    });
  } finally {
    unfinished.delete(part);
    await source.close();
  }
  // a name asked for is replaced; a name of the exports folder is never taken twice (the
  // next free one is "query-… (2).csv", as in inbox/)
  if (options.output !== undefined) {
    await Deno.rename(part, path);
    return { path, rows, columns };
  }
  const free = await claimName(part, dirname(path), basename(path));
  return { path: join(dirname(path), free), rows, columns };
}

/** The temporary files of the exports under way in this process. */
const unfinished = new Set<string>();

/**
 * Removes the temporary files of the exports under way, at once: the command line calls it
 * when Ctrl-C stops an export (the process then ends), which left a hidden `.NAME.part`
 * in exports/ for good.
 */
export function removeUnfinishedExports(): void {
  for (const part of unfinished) {
    try {
      Deno.removeSync(part);
    } catch {
      // not made yet, or gone
    }
  }
  unfinished.clear();
}

// A table export leaves out the row hash Plutus uses for tables without a key.
const INTERNAL = new Set([ROW_HASH]);

async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) written += await onDisk(file.write(bytes.subarray(written)));
}

/** Writes synchronously: see CsvCopy.read(). */
function writeAllSync(file: Deno.FsFile, bytes: Uint8Array): void {
  try {
    let written = 0;
    while (written < bytes.length) written += file.writeSync(bytes.subarray(written));
  } catch (error) {
    throw new DiskFailure("", { cause: error });
  }
}

/**
 * A failure of the file being written, told apart from one of the rows being read: a
 * broken read is not a full disk, and a hint about disk space would send the analyst the
 * wrong way.
 */
class DiskFailure extends Error {}

function onDisk<T>(work: Promise<T>): Promise<T> {
  return work.catch((error) => {
    throw new DiskFailure("", { cause: error });
  });
}
