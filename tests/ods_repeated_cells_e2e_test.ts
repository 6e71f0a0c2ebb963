/**
 * LibreOffice writes identical consecutive rows once, with table:number-rows-repeated, and
 * equal neighbouring cells once, with table:number-columns-repeated (a one-day campaign's
 * Start and End). Every copy must load exactly as the cell it copies: a date and time on
 * the project's clock, a date without a time.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { deflateRawSync } from "node:zlib";
import { openTableFile } from "../core/read/open_table.ts";
import { expectCode, query, runCli, withTempDir, writeFiles } from "./helpers.ts";
import { zipOf } from "./zip_fixture.ts";

const text = (value: string) =>
  `<table:table-cell office:value-type="string"><text:p>${value}</text:p></table:table-cell>`;
const date = (value: string, repeated = 1) =>
  `<table:table-cell office:value-type="date" office:date-value="${value}"${
    repeated > 1 ? ` table:number-columns-repeated="${repeated}"` : ""
  }><text:p>${value}</text:p></table:table-cell>`;
const row = (cells: string, repeated = 1) =>
  `<table:table-row${
    repeated > 1 ? ` table:number-rows-repeated="${repeated}"` : ""
  }>${cells}</table:table-row>`;

/** The sheet as LibreOffice saves it: B repeated in three rows, equal Start and End once. */
const SHEET = [
  row(["id", "ts", "day", "day_t", "start", "end"].map(text).join("")),
  row(
    text("A") + date("2026-11-05T14:30:00") + date("2026-11-05") + date("2026-11-05") +
      date("2026-07-01T09:15:00", 2),
  ),
  row(
    text("B") + date("2026-11-06T14:30:00") + date("2026-11-06") + date("2026-11-06") +
      date("2026-07-02T09:15:00", 2),
    3,
  ),
].join("");

/** An .ods file of one sheet of `rows` (table-row elements). */
function odsOf(rows: string): Uint8Array {
  const part = (name: string, content: string) => {
    const bytes = new TextEncoder().encode(content);
    return { name, data: new Uint8Array(deflateRawSync(bytes)), size: bytes.length };
  };
  return zipOf([
    part("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
    part(
      "META-INF/manifest.xml",
      '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>',
    ),
    part(
      "styles.xml",
      '<?xml version="1.0" encoding="UTF-8"?><office:document-styles xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" office:version="1.2"/>',
    ),
    part(
      "content.xml",
      `<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Data">${rows}</table:table></office:spreadsheet></office:body></office:document-content>`,
    ),
  ]);
}

Deno.test("repeated .ods rows and cells load their dates on the project's clock, as the others", () =>
  withTempDir(async (dir) => {
    await writeFiles(dir, {
      "plutus.yaml": `timezone: Europe/Berlin
sources:
  report:
    kind: file
    files: "*.ods"
    table: campaigns
    columns:
      day_t: day_t
`,
      "schema/campaigns.yaml": `columns:
  id:    { type: text, required: true }
  ts:    { type: datetime }
  day:   { type: date }
  day_t: { type: text }
  start: { type: datetime }
  end:   { type: datetime }
key: [id]
keep: last
`,
    });
    const file = join(dir, "report.ods");
    await Deno.writeFile(file, odsOf(SHEET));
    const result = expectCode(await runCli(["upload", file, "--project", dir]), 0);
    assert.match(result.stdout, /report\.ods +succeeded +4 +2 +0 +2 +0/);
    assert.deepEqual(
      query(dir, "SELECT id, ts, day, day_t, start, end FROM campaigns ORDER BY id"),
      [
        {
          id: "A",
          ts: "2026-11-05T13:30:00.000Z", // 14:30 in Berlin (CET)
          day: "2026-11-05",
          day_t: "2026-11-05",
          start: "2026-07-01T07:15:00.000Z", // 09:15 in Berlin (CEST)
          end: "2026-07-01T07:15:00.000Z", // the copy of Start
        },
        {
          id: "B", // its third copy (keep: last)
          ts: "2026-11-06T13:30:00.000Z",
          day: "2026-11-06",
          day_t: "2026-11-06",
          start: "2026-07-02T07:15:00.000Z",
          end: "2026-07-02T07:15:00.000Z",
        },
      ],
    );
  }));

Deno.test("every copy of a repeated .ods row or cell reads as the cell it copies", () =>
  withTempDir(async (dir) => {
    const file = join(dir, "report.ods");
    await Deno.writeFile(file, odsOf(SHEET));
    const reader = await openTableFile(file, "report.ods");
    const rows: unknown[][] = [];
    for await (const batch of reader.rows()) rows.push(...batch.rows);
    const at = (iso: string) => new Date(`${iso}Z`); // SheetJS's Date of a time on the sheet
    const line = (id: string, day: string, start: string) => [
      id,
      at(`${day}T14:30:00`),
      at(`${day}T00:00:00`),
      at(`${day}T00:00:00`),
      at(start),
      at(start),
    ];
    assert.deepEqual(rows, [
      line("A", "2026-11-05", "2026-07-01T09:15:00"),
      line("B", "2026-11-06", "2026-07-02T09:15:00"),
      line("B", "2026-11-06", "2026-07-02T09:15:00"),
      line("B", "2026-11-06", "2026-07-02T09:15:00"),
    ]);
  }));
