/**
 * `check`: everything a run would trip over, found without loading anything — each file
 * waiting in inbox/ against its source's mapping, and each schema against its table.
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { errorMessage, PlutusError } from "../config/errors.ts";
import { listInbox } from "./inbox.ts";
import { listSome } from "./list_text.ts";
import { planFiles } from "./pipeline/plan_files.ts";
import { openTable } from "./pipeline/prepare_file.ts";
import type { Project } from "./project.ts";
import { planTableChanges } from "./store/table_sync.ts";
import { mapColumns } from "./transform/map_columns.ts";
import type { ReadInfo } from "./read/table_reader.ts";

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
  items.push({
    subject: "plutus.yaml",
    ok: true,
    detail: `${
      Object.keys(project.config.sources).length
    } source(s), ${project.tables.size} table(s): valid`,
  });
  if (Object.keys(project.config.sources).length === 0) {
    items.push({
      subject: "sources",
      ok: false,
      detail: "no sources yet",
      hint: "Add one to plutus.yaml (see docs/configuration.md).",
    });
  }
  items.push(...checkTables(project));
  const names = await listInbox(project.paths.inbox);
  const { planned, unplanned } = planFiles(project, names.map((name) => ({ name })));
  for (const file of unplanned) {
    items.push({
      subject: `inbox/${file.fileName}`,
      ok: false,
      detail: file.reason,
      hint: file.hint,
    });
  }
  for (const file of planned) {
    const source = project.config.sources[file.source]!;
    if (source.kind !== "file") continue;
    const table = project.tables.get(source.table)!;
    try {
      const reader = await openTable({
        source: file.source,
        path: join(project.paths.inbox, file.fileName),
        fileName: file.fileName,
        table,
        csv: source.csv,
        sheet: source.sheet,
        skipLines: source.skip_lines,
        stopAt: source.stop_at,
      });
      try {
        const mapping = mapColumns(table, source.columns, reader.header, {
          source: file.source,
          fileName: file.fileName,
          headerLine: reader.headerLine,
        });
        const mapped = mapping.columns.filter((c) =>
          c.header !== undefined || c.constant !== undefined
        ).length;
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
  if (names.length === 0) items.push({ subject: "inbox/", ok: true, detail: "no files waiting" });
  return items;
}

function describeRead(info: ReadInfo): string {
  return info.sheet !== undefined
    ? `${info.format}, sheet "${info.sheet}"${
      info.sheets && info.sheets.length > 1 ? ` of ${info.sheets.join(", ")}` : ""
    }`
    : `${info.encoding}, delimiter ${JSON.stringify(info.delimiter)}`;
}

function checkTables(project: Project): CheckItem[] {
  if (!existsSync(project.paths.database)) return [];
  const db = new DatabaseSync(project.paths.database, { readOnly: true, timeout: 5000 });
  try {
    return [...project.tables.values()].map((table) => {
      try {
        const changes = planTableChanges(db, table);
        const detail = changes.create
          ? "not created yet (the first run creates it)"
          : changes.addColumns.length > 0
          ? `matches; the next run adds column(s) ${changes.addColumns.join(", ")}`
          : "matches the database";
        return { subject: `table ${table.name}`, ok: true, detail };
      } catch (error) {
        return {
          subject: `table ${table.name}`,
          ok: false,
          detail: errorMessage(error),
          hint: error instanceof PlutusError ? error.hint : undefined,
        };
      }
    });
  } finally {
    db.close();
  }
}
