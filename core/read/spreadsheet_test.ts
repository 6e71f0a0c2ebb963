import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { SourceError } from "../../util/errors.ts";
import { openTableFile, type TableReadOptions } from "./open_table.ts";
import { entryStream, readZipDirectory } from "./zip_archive.ts";
import { isDurationFormat, isPercentFormat } from "./xlsx_parts.ts";
import { zipOf } from "../../tests/zip_fixture.ts";
import { rowXml, xlsxOf } from "../../tests/xlsx_fixture.ts";

const OFFICE = fileURLToPath(new URL("../../tests/fixtures/office/", import.meta.url));

async function readAll(path: string, options: TableReadOptions = {}) {
  const reader = await openTableFile(path, path.split("/").pop()!, options);
  const rows: unknown[][] = [];
  const lines: number[] = [];
  for await (const batch of reader.rows()) {
    rows.push(...batch.rows);
    lines.push(...batch.lines);
  }
  return { reader, rows, lines };
}

async function failure(path: string, options: TableReadOptions = {}): Promise<SourceError> {
  const error = await readAll(path, options).then(() => undefined, (e) => e);
  assert.ok(error instanceof SourceError, `expected a SourceError, got ${error}`);
  return error;
}

const day = (iso: string) => new Date(`${iso}Z`);

Deno.test("workbooks saved by LibreOffice read alike as .xlsx, .xls and .ods", async () => {
  for (const format of ["xlsx", "xls", "ods"]) {
    const { reader, rows, lines } = await readAll(`${OFFICE}report.${format}`, {
      stopAt: /^Total/,
    });
    assert.equal(reader.info.format, format);
    assert.deepEqual(reader.info.sheets, ["Campaigns", "Notes"], format);
    // a merged title, a date range and an empty row stand above the header
    assert.equal(reader.headerLine, 4, format);
    assert.deepEqual(reader.header, [
      "Day",
      "Campaign",
      "Cost",
      "Clicks",
      "Cost per click",
      "Updated",
      "Code",
    ], format);
    assert.deepEqual(lines, [5, 6, 8], format);
    const [first, second, third] = rows as unknown[][];
    assert.deepEqual(first!.slice(0, 4), [
      day("2026-11-01T00:00:00"),
      'Brand & "Search"',
      1234.5,
      812,
    ], format);
    assert.ok(
      Math.abs((first![4] as number) - 1.5203201970443) < 1e-9,
      `${format}: a formula gives its value`,
    );
    assert.deepEqual(first![5], day("2026-11-02T09:30:00"), format);
    assert.equal(first![6], "00123", `${format}: text stays text`);
    assert.equal(second![1], "Black Friday – Shopping 🛍️", format);
    assert.equal(third![1], "مرحبا Retargeting", format);
    assert.equal(third![4], "#DIV/0!", format);
    assert.deepEqual(
      reader.stopped,
      {
        line: 9,
        text: "Total",
        ignoredRows: 0,
        dataRowsAfter: 0,
        looksLikeData: false,
      },
      format,
    );
  }
});

Deno.test("the fixtures were written by a real office suite", async () => {
  const xlsx = await Deno.open(`${OFFICE}report.xlsx`);
  const entries = await readZipDirectory(xlsx, (await xlsx.stat()).size, "report.xlsx");
  const app = entries.find((e) => e.name === "docProps/app.xml")!;
  let text = "";
  for await (const chunk of await entryStream(xlsx, app, "report.xlsx")) {
    text += new TextDecoder().decode(chunk);
  }
  xlsx.close();
  assert.match(text, /LibreOffice/);
});

Deno.test("a sheet is chosen by name or by number; a wrong one lists the sheets", async () => {
  for (const format of ["xlsx", "ods"]) {
    const byName = await readAll(`${OFFICE}report.${format}`, { sheet: "notes" });
    assert.deepEqual([byName.reader.header, byName.rows], [["Note", "Owner"], [[
      "Budget approved",
      "Jane",
    ]]]);
    const byNumber = await readAll(`${OFFICE}report.${format}`, { sheet: 2 });
    assert.equal(byNumber.reader.info.sheet, "Notes");
    const missing = await failure(`${OFFICE}report.${format}`, { sheet: "Budget" });
    assert.equal(missing.message, `report.${format} has no sheet "Budget"`);
    assert.equal(missing.hint, "Its sheets are: 1. Campaigns, 2. Notes. Set sheet: in its source.");
  }
});

Deno.test("a workbook saved under a .csv name is still read as a workbook", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.copyFile(`${OFFICE}report.xlsx`, `${dir}/export.csv`);
  const { reader } = await readAll(`${dir}/export.csv`);
  assert.equal(reader.info.format, "xlsx");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("password-protected, damaged and unsupported workbooks get clear errors", async () => {
  const dir = await Deno.makeTempDir();
  // made like Excel makes one: an OLE container with the encrypted package inside
  await Deno.copyFile(
    new URL("../../tests/corpus/files/20_password.xlsx", import.meta.url),
    `${dir}/locked.xlsx`,
  );
  const locked = await failure(`${dir}/locked.xlsx`);
  assert.equal(locked.message, "locked.xlsx is password-protected");
  assert.match(locked.hint!, /Save a copy without a password/);

  const bytes = await Deno.readFile(`${OFFICE}report.xlsx`);
  await Deno.writeFile(`${dir}/cut.xlsx`, bytes.subarray(0, bytes.length - 200));
  assert.match((await failure(`${dir}/cut.xlsx`)).message, /^cut\.xlsx is not a readable workbook/);
  await Deno.writeFile(
    `${dir}/garbage.xlsx`,
    new Uint8Array([0x50, 0x4b, 0x03, 0x04, ...new Uint8Array(100).fill(9)]),
  );
  assert.match(
    (await failure(`${dir}/garbage.xlsx`)).message,
    /^garbage\.xlsx is not a readable workbook: its table of contents is missing/,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("an entry that inflates past the limit is refused (zip bomb)", async () => {
  const dir = await Deno.makeTempDir();
  const zeros = new Uint8Array(16 << 20);
  const compressed = new Uint8Array(
    await new Response(new Blob([zeros]).stream().pipeThrough(new CompressionStream("deflate-raw")))
      .arrayBuffer(),
  );
  const path = `${dir}/bomb.zip`;
  await Deno.writeFile(
    path,
    zipOf([{ name: "xl/worksheets/sheet1.xml", data: compressed, size: zeros.length }]),
  );
  const file = await Deno.open(path);
  const [entry] = await readZipDirectory(file, (await file.stat()).size, "bomb.zip");
  const stream = await entryStream(file, entry!, "bomb.zip", { maxBytes: 4 << 20, maxRatio: 1000 });
  const error = await (async () => {
    for await (const _ of stream) { /* read on */ }
  })().then(() => undefined, (e) => e);
  file.close();
  assert.ok(error instanceof SourceError);
  assert.match(error.message, /bomb\.zip inflates to more than 4 MB: it is not a normal workbook/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a number format shows a percentage when a % stands outside quotes", () => {
  assert.ok(isPercentFormat("0.00%"));
  assert.ok(isPercentFormat("#,##0%;[Red]-#,##0%"));
  assert.ok(!isPercentFormat('0.00" %"'));
  assert.ok(!isPercentFormat("0.00\\%"));
  assert.ok(!isPercentFormat("#,##0.00"));
});

Deno.test("a number shown with leading zeros (format 00000: a ZIP code) is read as the sheet shows it", async () => {
  const XLSX = await import("@e965/xlsx");
  const sheet = XLSX.utils.aoa_to_sheet([["Zip", "Count"], [1234, 5], [90210, 7]]);
  sheet["A2"]!.z = "00000";
  sheet["A3"]!.z = "00000";
  sheet["B2"]!.z = "0"; // one zero is a plain whole number
  const dir = await Deno.makeTempDir();
  try {
    for (const bookType of ["xlsx", "biff8"] as const) {
      const book = XLSX.utils.book_new();
      XLSX.utils.book_append_sheet(book, sheet, "Data");
      const path = `${dir}/zips.${bookType === "biff8" ? "xls" : "xlsx"}`;
      await Deno.writeFile(path, new Uint8Array(XLSX.write(book, { type: "array", bookType })));
      const { rows } = await readAll(path);
      assert.deepEqual(rows, [["01234", 5], ["90210", 7]], bookType);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an .xlsx formula saved without its computed value reads as empty, and is counted", async () => {
  const XLSX = await import("@e965/xlsx");
  const sheet = XLSX.utils.aoa_to_sheet([["id", "amount"], ["a", 5], ["b", 0]]);
  sheet["B3"] = { t: "n", f: "10*2" }; // a formula no program calculated: no value
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, sheet, "Data");
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/formulas.xlsx`;
    await Deno.writeFile(path, new Uint8Array(XLSX.write(book, { type: "array" })));
    const { reader, rows } = await readAll(path);
    assert.deepEqual(rows, [["a", 5], ["b"]]);
    assert.equal(reader.uncomputedFormulas, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an .xlsx formula saved with an empty value (<v></v>, as openpyxl writes) reads as empty, not 0, and is counted", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/openpyxl.xlsx`;
    await Deno.writeFile(
      path,
      xlsxOf({
        rows: rowXml(1, ["id", "spend"]) +
          '<row r="2"><c r="A2" t="inlineStr"><is><t>a</t></is></c><c r="B2"><f>100+0.25</f><v></v></c></row>' +
          '<row r="3"><c r="A3" t="inlineStr"><is><t>b</t></is></c><c r="B3"><f>200+0.5</f><v/></c></row>' +
          '<row r="4"><c r="A4" t="inlineStr"><is><t>c</t></is></c><c r="B4"><v></v></c></row>',
      }),
    );
    const { reader, rows } = await readAll(path);
    assert.deepEqual(rows, [["a"], ["b"], ["c"]]);
    assert.equal(reader.uncomputedFormulas, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the header below a title block as wide as sparse data rows is found by the headers the source needs", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const data = Array.from({ length: 10 }, (_, i) => rowXml(i + 4, [`S${i}`, `c${i}`, i]))
      .join("");
    // data rows fill 3 cells, as the line "From | 2026-11-01 | To" above the header does
    const sparse = `${dir}/sparse.xlsx`;
    await Deno.writeFile(
      sparse,
      xlsxOf({
        rows: rowXml(1, ["Campaign report"]) + rowXml(2, ["From", "2026-11-01", "To"]) +
          rowXml(3, ["campaign_id", "campaign", "spend", "note1", "note2", "note3"]) + data,
      }),
    );
    // by shape alone the title block is as good a header as any (a data row of text could
    // be wider than a header too): the headers the source needs decide
    assert.equal((await readAll(sparse)).reader.headerLine, 2);
    const { reader, rows } = await readAll(sparse, { headers: [["campaign_id"], ["spend"]] });
    assert.equal(reader.headerLine, 3);
    assert.deepEqual(reader.header.slice(0, 3), ["campaign_id", "campaign", "spend"]);
    assert.deepEqual(rows[0], ["S0", "c0", 0]);
    // a title line exactly as wide as the header: only the names the source needs tell
    const alike = `${dir}/alike.xlsx`;
    await Deno.writeFile(
      alike,
      xlsxOf({
        rows: rowXml(1, ["Report", "Acme", "November"]) +
          rowXml(3, ["Campaign ID", "campaign", "spend"]) + data,
      }),
    );
    assert.equal((await readAll(alike)).reader.headerLine, 1);
    const named = await readAll(alike, { headers: [["campaign_id"], ["spend", "Cost"]] });
    assert.equal(named.reader.headerLine, 3);
    assert.equal(named.rows.length, 10);
    // skip_lines still decides when it is set
    assert.equal(
      (await readAll(alike, { skipLines: 0, headers: [["spend"]] })).reader.headerLine,
      1,
    );
    // a header with an unnamed column, above a first row of text that fills it: the header
    // stays on row 1 (taking that row for it lost every row)
    const unnamed = `${dir}/unnamed.xlsx`;
    await Deno.writeFile(
      unnamed,
      xlsxOf({
        rows: rowXml(1, ["Campaign", "Channel", "", "Status"]) +
          rowXml(2, ["Spring sale", "Email", "promo", "active"]) +
          rowXml(3, ["Brand", "Search", "", "paused"]) +
          rowXml(4, ["Retarget", "Social", "", "active"]),
      }),
    );
    const plain = await readAll(unnamed);
    assert.equal(plain.reader.headerLine, 1);
    assert.equal(plain.rows.length, 3);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a duration cell ([h]:mm:ss, mm:ss, a time-only format) reads as its seconds, not as a day in 1900", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/durations.xlsx`;
    const cell = (ref: string, value: number, style: number) =>
      `<c r="${ref}" s="${style}"><v>${value}</v></c>`;
    await Deno.writeFile(
      path,
      xlsxOf({
        rows: rowXml(1, ["video", "elapsed", "short", "builtin", "day", "at", "at2"]) +
          `<row r="2"><c r="A2" t="inlineStr"><is><t>long</t></is></c>${cell("B2", 1.0625, 1)}${
            cell("C2", 125 / 86400, 2)
          }${cell("D2", 0.5, 3)}${cell("E2", 46327.5, 4)}${cell("F2", 45626.5833333333, 5)}${
            cell("G2", 45626.5833333333, 6)
          }</row>`,
        numFmts: '<numFmt numFmtId="164" formatCode="[h]:mm:ss"/>' +
          '<numFmt numFmtId="165" formatCode="mm:ss"/>' +
          '<numFmt numFmtId="166" formatCode="yyyy-mm-dd hh:mm"/>' +
          '<numFmt numFmtId="167" formatCode="h:mm"/>',
        // a timestamp shown with a clock format (custom h:mm, built-in 20) stays its date
        styles: [0, 164, 165, 21, 166, 167, 20],
      }),
    );
    const { rows } = await readAll(path);
    assert.deepEqual(rows, [[
      "long",
      91800,
      125,
      43200,
      day("2026-11-01T12:00:00"),
      day("2024-11-30T14:00:00"),
      day("2024-11-30T14:00:00"),
    ]]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a number format shows a duration when it has hours, minutes or seconds and no date", () => {
  for (const code of ["[h]:mm:ss", "mm:ss", "h:mm", "[mm]:ss", "[$-409]h:mm AM/PM", "[ss]"]) {
    assert.ok(isDurationFormat(code), code);
  }
  for (const code of ["yyyy-mm-dd", "dd/mm/yyyy hh:mm", "mmm", "0.00", '0 "hours"', "General"]) {
    assert.ok(!isDurationFormat(code), code);
  }
});
