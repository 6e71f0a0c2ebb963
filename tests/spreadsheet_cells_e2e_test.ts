/**
 * A spreadsheet cell's number format keeps its meaning through the clean rules: a cell
 * showing 1.23% holds 0.0123 and parse_percent leaves it so; a number cell is a number
 * whatever parse_number's separators; a date cell is a date whatever parse_date's format.
 * The workbooks were written by LibreOffice from cell_formats.fods (.xlsx, .ods, .xls).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expectCode, query, runCli, withTempDir, writeFiles } from "./helpers.ts";
import { rowXml, xlsxOf } from "./xlsx_fixture.ts";

const OFFICE = fileURLToPath(new URL("./fixtures/office/", import.meta.url));

const PROJECT = {
  "plutus.yaml": `timezone: Europe/Berlin
sources:
  report:
    kind: file
    files: "cell_formats.*"
    table: campaigns
    columns:
      campaign: Campaign
      ctr: { from: CTR, clean: [parse_percent] }
      ctr_as_is: CTR
      typed_share: { from: Typed share, clean: [parse_percent] }
      spend: { from: Spend, clean: [{ parse_number: { decimal: "," } }] }
      day: { from: Day, clean: [{ parse_date: "MM/DD/YYYY" }] }
      changed: { from: Changed, clean: [{ parse_date: "DD.MM.YYYY HH:mm" }] }
`,
  "schema/campaigns.yaml": `columns:
  campaign:    { type: text, required: true }
  ctr:         { type: decimal }
  ctr_as_is:   { type: decimal }
  typed_share: { type: decimal }
  spend:       { type: decimal }
  day:         { type: date }
  changed:     { type: datetime }
key: [campaign]
`,
};

for (const format of ["xlsx", "ods", "xls"]) {
  Deno.test(`${format} from LibreOffice: percentages, numbers and dates keep their meaning`, () =>
    withTempDir(async (dir) => {
      await writeFiles(dir, PROJECT);
      const result = expectCode(
        await runCli(["upload", join(OFFICE, `cell_formats.${format}`), "--project", dir]),
        0,
      );
      assert.match(result.stdout, /cell_formats\.\w+ +succeeded +2 +2 /);
      assert.deepEqual(
        query(dir, "SELECT * FROM campaigns ORDER BY campaign").map((row) => {
          const { _source: _, _run_id: __, _loaded_at: ___, ...data } = row;
          return data;
        }),
        [
          {
            campaign: "Spring",
            ctr: 0.0123, // shown 1.23%: not divided again
            ctr_as_is: 0.0123,
            typed_share: 0.125, // text "12.5%": divided
            spend: 1234.5, // a number cell, whatever the rule's separators
            day: "2026-03-05", // a date cell, whatever the rule's format
            changed: "2026-03-29T01:30:00.000Z", // 02:30 in Berlin does not exist: 03:30 CEST
          },
          {
            campaign: "Summer",
            ctr: 0.5,
            ctr_as_is: 0.5,
            typed_share: 0.07,
            spend: -12,
            day: "2026-07-14",
            changed: "2026-07-14T16:05:00.000Z",
          },
        ],
      );
    }));
}

Deno.test("a 1904-date-system workbook: {parse_date: excel} reads its serials in that system, as its date cells", () =>
  withTempDir(async (dir) => {
    await writeFiles(dir, {
      "plutus.yaml": `timezone: UTC
sources:
  mac:
    kind: file
    files: "*.xlsx"
    table: t
    columns:
      day: { from: day, clean: [{ parse_date: excel }] }
      shown: shown
`,
      "schema/t.yaml": `columns:
  id:    { type: text, required: true }
  day:   { type: date }
  shown: { type: date }
key: [id]
`,
    });
    // 44865 is 2026-11-01 in a 1904 workbook (2022-10-31 in the 1900 system); the same
    // number formatted as a date (style 1: yyyy-mm-dd) shows that day too
    const cell = (ref: string, style = "") => `<c r="${ref}"${style}><v>44865</v></c>`;
    for (const date1904 of [true, false]) {
      const file = join(dir, `mac_${date1904}.xlsx`);
      await Deno.writeFile(
        file,
        xlsxOf({
          date1904,
          rows: rowXml(1, ["id", "day", "shown"]) +
            `<row r="2"><c r="A2" t="inlineStr"><is><t>a</t></is></c>${cell("B2")}${
              cell("C2", ' s="1"')
            }</row>`,
          numFmts: '<numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>',
          styles: [0, 164],
        }),
      );
      expectCode(await runCli(["upload", file, "--project", dir]), 0);
      const expected = date1904 ? "2026-11-01" : "2022-10-31";
      assert.deepEqual(
        query(dir, "SELECT day, shown FROM t"),
        [{ day: expected, shown: expected }],
        `date1904: ${date1904}`,
      );
    }
  }));
