/**
 * `check`: everything a run would trip over, found without loading anything — each file
 * waiting in inbox/ against its source's mapping, and each schema against its table.
 *
 * @module
 */
import { errorMessage, PlutusError } from "../../util/errors.ts";
import { folderProblem, scanInbox } from "../project/inbox.ts";
import { listSome } from "../../util/list_text.ts";
import { planFiles, recognizeRejectsFiles } from "../pipeline/plan_files.ts";
import { filePlan } from "../pipeline/run_file_step.ts";
import { openTable } from "../pipeline/prepare_file.ts";
import type { Project } from "../project/project.ts";
import { openDriver } from "../store/open_driver.ts";
import { assertCompatible } from "../store/table_changes.ts";
import { mapColumns } from "../transform/map_columns.ts";
import type { ReadInfo, TableReader } from "../read/table_reader.ts";
import type { MappingPlan } from "../transform/map_columns.ts";
import type { TableSchema } from "../../config/table_schema.ts";
import { formatCount } from "../../util/list_text.ts";

/** One thing checked, and how it went. */
export interface CheckItem {
  subject: string;
  ok: boolean;
  detail: string;
  hint?: string;
}

/** Checks waiting files and tables; the configuration itself was checked by openProject. */
export async function checkProject(project: Project): Promise<CheckItem[]> {
  const items: CheckItem[] = [];
  const valid = Object.keys(project.config.sources).length;
  const broken = project.brokenSources.size;
  items.push({
    subject: "plutus.yaml",
    ok: true,
    detail: broken === 0
      ? `${valid} source(s), ${project.tables.size} table(s): valid`
      : `${project.tables.size} table(s); ${valid} of ${
        valid + broken
      } source(s) valid, ${broken} cannot run as written (below)`,
  });
  for (const [name, source] of project.brokenSources) {
    items.push({
      subject: `source ${name}`,
      ok: false,
      detail: project.secrets.mask(source.error.message.split("\n").join("; ")),
      hint: source.error.hint,
    });
  }
  items.push(...requiredColumnProblems(project));
  if (valid + broken === 0) {
    items.push({
      subject: "sources",
      ok: false,
      detail: "no sources yet",
      hint: "Add one to plutus.yaml (see docs/configuration.md).",
    });
  }
  items.push(...await checkTables(project));
  const { files: names, refused, folders } = await scanInbox(project.paths.inbox);
  for (const entry of refused) {
    items.push({
      subject: `inbox/${entry.name}`,
      ok: false,
      detail: entry.reason,
      hint: entry.hint,
    });
  }
  for (const folder of folders) {
    const { reason, hint } = folderProblem(folder);
    items.push({ subject: `inbox/${folder}/`, ok: false, detail: reason, hint });
  }
  const { planned, unplanned } = planFiles(
    project,
    await recognizeRejectsFiles(project, names.map((name) => ({ name }))),
  );
  for (const file of unplanned) {
    items.push({
      subject: `inbox/${file.fileName}`,
      ok: false,
      detail: file.reason,
      hint: file.hint,
    });
  }
  for (const file of planned) {
    const broken = project.brokenSources.get(file.source);
    if (broken) {
      items.push({
        subject: `inbox/${file.fileName}`,
        ok: false,
        detail:
          `source ${file.source} would read it, but cannot run as written (see source ${file.source} above); it stays in inbox/`,
        hint: broken.error.hint,
      });
      continue;
    }
    const plan = filePlan(project, file);
    const table = plan.table;
    try {
      const reader = await openTable(plan);
      try {
        const mapping = mapColumns(table, plan.columns, reader.header, {
          source: file.source,
          fileName: file.fileName,
          headerLine: reader.headerLine,
        });
        const mapped = mapping.columns.filter((c) =>
          c.header !== undefined || c.constant !== undefined
        ).length;
        const empty = await emptyRequiredColumns(reader, table, mapping);
        if (empty.length > 0) {
          items.push({
            subject: `inbox/${file.fileName}`,
            ok: false,
            detail: `source ${file.source} → table ${table.name}: ${
              empty.join("; ")
            }; every row would be rejected`,
            hint:
              `Is this the right export? Map the column to the header that holds the value under sources.${file.source}.columns in plutus.yaml, or export the file again with it filled.`,
          });
          continue;
        }
        items.push({
          subject: `inbox/${file.fileName}`,
          ok: true,
          detail:
            `source ${file.source} → table ${table.name}: ${mapped} of ${mapping.columns.length} columns mapped` +
            ` (${describeRead(reader.info)}, header on ${
              reader.info.sheet ? "row" : "line"
            } ${reader.headerLine})` +
            (mapping.unusedHeaders.length > 0
              ? `; not loaded: ${listSome(mapping.unusedHeaders)}`
              : ""),
        });
      } finally {
        reader.close();
      }
    } catch (error) {
      items.push({
        subject: `inbox/${file.fileName}`,
        ok: false,
        detail: `source ${file.source}: ${errorMessage(error)}`,
        hint: error instanceof PlutusError ? error.hint : undefined,
      });
    }
  }
  if (names.length === 0 && refused.length === 0 && folders.length === 0) {
    items.push({ subject: "inbox/", ok: true, detail: "no files waiting" });
  }
  return items;
}

/**
 * A required column that a source's mapping fills with a constant that is empty: every
 * row would be rejected. (A header or an API field left empty is found where the file or
 * the first page is read: below, and by `check --online`.)
 */
function requiredColumnProblems(project: Project): CheckItem[] {
  const items: CheckItem[] = [];
  for (const [name, source] of Object.entries(project.config.sources)) {
    const table = project.tables.get(source.table);
    if (!table) continue;
    for (const [column, schema] of Object.entries(table.columns)) {
      const written = source.columns?.[column];
      if (!schema.required || written === undefined || written.from !== undefined) continue;
      if (written.value !== null && written.value !== undefined && String(written.value).trim()) {
        continue;
      }
      if (hasDefault(written.clean) || hasDefault(schema.clean)) continue;
      items.push({
        subject: `source ${name}`,
        ok: false,
        detail:
          `fills no value for column ${column}, which table ${table.name} requires (${table.file}): its mapping at plutus.yaml:${
            project.configFile.lineOf(["sources", name, "columns", column])
          } is an empty constant; every row would be rejected`,
        hint:
          `Map it to where the value is under sources.${name}.columns (e.g. ${column}: "Header In The File"), or give a constant with { value: … }.`,
      });
    }
  }
  return items;
}

/**
 * The required columns whose header is empty in every row of the file's first rows (an
 * export that left the column blank): every row would be rejected.
 */
async function emptyRequiredColumns(
  reader: TableReader,
  table: TableSchema,
  mapping: MappingPlan,
): Promise<string[]> {
  const watched = mapping.columns.filter((c) =>
    c.index !== undefined && table.columns[c.column]?.required &&
    !hasDefault(c.clean) && !hasDefault(table.columns[c.column]!.clean)
  );
  if (watched.length === 0) return [];
  const filled = new Set<string>();
  let seen = 0;
  for await (const batch of reader.rows()) {
    for (const row of batch.rows) {
      for (const column of watched) {
        const value = row[column.index!];
        if (value !== null && value !== undefined && String(value).trim() !== "") {
          filled.add(column.column);
        }
      }
      if (++seen >= EMPTY_SAMPLE_ROWS || filled.size === watched.length) break;
    }
    if (seen >= EMPTY_SAMPLE_ROWS || filled.size === watched.length) break;
  }
  if (seen === 0) return [];
  return watched.filter((c) => !filled.has(c.column)).map((c) =>
    `column ${c.column} (from "${c.header}") is empty in all of the first ${
      formatCount(seen)
    } row(s), and table ${table.name} requires it`
  );
}

/** Rows `check` reads of each waiting file to find a required column left empty. */
const EMPTY_SAMPLE_ROWS = 1000;

function hasDefault(rules: readonly { name: string }[] | undefined): boolean {
  return rules?.some((rule) => rule.name === "default") ?? false;
}

function describeRead(info: ReadInfo): string {
  return info.sheet !== undefined
    ? `${info.format}, sheet "${info.sheet}"${
      info.sheets && info.sheets.length > 1 ? ` of ${info.sheets.join(", ")}` : ""
    }`
    : `${info.encoding}, delimiter ${JSON.stringify(info.delimiter)}`;
}

async function checkTables(project: Project): Promise<CheckItem[]> {
  const driver = openDriver(project.paths.database);
  // no database yet: nothing to compare with
  const postgres = project.paths.database.kind === "postgres";
  const recorded = await driver.readHistory(() => Promise.resolve(true)).catch((error) => {
    // a server that cannot be reached: the database line of check says why
    if (postgres) return "unreachable" as const;
    throw error;
  });
  // a SQLite file not made yet has nothing to compare with (and asking would make it); a
  // PostgreSQL database is asked all the same, which changes nothing and checks the names
  if (recorded === "unreachable" || (!recorded && !postgres)) return [];
  const items: CheckItem[] = [];
  for (const table of project.tables.values()) {
    items.push(
      await driver.planTable(table).then((changes): CheckItem => {
        assertCompatible(table, changes);
        const detail = changes.create
          ? "not created yet (the first run creates it)"
          : changes.addColumns.length > 0
          ? `matches; the next run adds column(s) ${changes.addColumns.join(", ")}`
          : "matches the database";
        return { subject: `table ${table.name}`, ok: true, detail };
      }).catch((error): CheckItem => ({
        subject: `table ${table.name}`,
        ok: false,
        detail: errorMessage(error),
        hint: error instanceof PlutusError ? error.hint : undefined,
      })),
    );
  }
  return items;
}
