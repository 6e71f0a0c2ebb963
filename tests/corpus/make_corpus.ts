/**
 * Writes the bad-input corpus into tests/corpus/files/: files an analyst could really feed
 * Plutus, each with its outcome asserted in tests/corpus/expected.ts. The files are
 * committed; this script is how they were made (`deno run -A tests/corpus/make_corpus.ts`).
 * The 20 MB single-line file is too big to commit: bad_input_e2e_test.ts writes it with
 * `longLine()`.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { constants, deflateRawSync } from "node:zlib";
import * as XLSX from "@e965/xlsx";
import { zipOf, type ZipPart } from "../zip_fixture.ts";

const HEADER = "id,email,name,amount,signup";
const GOOD = ["c1,ana@example.com,Ana,10.50,2026-11-01", "c2,bo@example.com,Bo,20,2026-11-02"];

const text = (lines: string[], end = "\n") => lines.join(end) + end;
const encoder = new TextEncoder();

/** UTF-16 bytes with a BOM, little- or big-endian. */
function utf16(value: string, bigEndian: boolean): Uint8Array {
  const out = new Uint8Array(2 + value.length * 2);
  const view = new DataView(out.buffer);
  view.setUint16(0, 0xfeff, !bigEndian);
  for (let i = 0; i < value.length; i++) view.setUint16(2 + i * 2, value.charCodeAt(i), !bigEndian);
  return out;
}

/** Windows-1252 bytes of text whose characters all exist in it (Latin-1 range here). */
function windows1252(value: string): Uint8Array {
  return Uint8Array.from([...value].map((c) => c.charCodeAt(0)));
}

function workbook(rows: unknown[][], type: "xlsx" | "xls"): Uint8Array {
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet(rows), "Contacts");
  return new Uint8Array(XLSX.write(book, { type: "array", bookType: type }));
}

/** A workbook whose sheet inflates from 64 KB to 64 MB of zeros: a zip bomb. */
async function zipBomb(): Promise<Uint8Array> {
  const xml = async (name: string, text: string): Promise<ZipPart> => {
    const bytes = encoder.encode(text);
    return { name, data: await deflate(bytes), size: bytes.length };
  };
  const zeros = new Uint8Array(64 << 20);
  return zipOf([
    await xml(
      "[Content_Types].xml",
      '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
    ),
    await xml(
      "_rels/.rels",
      '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    ),
    await xml(
      "xl/workbook.xml",
      '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Contacts" sheetId="1" r:id="rId1"/></sheets></workbook>',
    ),
    await xml(
      "xl/_rels/workbook.xml.rels",
      '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    ),
    { name: "xl/worksheets/sheet1.xml", data: await deflate(zeros), size: zeros.length },
  ]);
}

// node:zlib, not CompressionStream: ~9 times less CPU here (0.08 s for 80 MB, not 0.7)
function deflate(data: Uint8Array): Promise<Uint8Array> {
  return Promise.resolve(new Uint8Array(deflateRawSync(data)));
}

/** A password-protected workbook as Excel writes one: an OLE container, encrypted inside. */
function passwordProtected(): Uint8Array {
  const CFB = (XLSX as unknown as {
    CFB: {
      utils: Record<string, (...a: unknown[]) => unknown>;
      write: (c: unknown, o: unknown) => number[];
    };
  }).CFB;
  const container = CFB.utils.cfb_new!();
  CFB.utils.cfb_add!(container, "/EncryptionInfo", new Uint8Array(200).fill(4));
  CFB.utils.cfb_add!(container, "/EncryptedPackage", new Uint8Array(4000).fill(7));
  return new Uint8Array(CFB.write(container, { type: "array" }));
}

/** Deterministic noise (no NUL-free guarantee: it is binary). */
function garbage(length: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = 2463534242;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const part = async (name: string, content: string | Uint8Array): Promise<ZipPart> => {
  const bytes = typeof content === "string" ? encoder.encode(content) : content;
  return { name, data: await deflate(bytes), size: bytes.length };
};

/** An .xlsx of one sheet "Contacts" with the given <sheetData>, and shared strings. */
async function xlsxOf(sheetData: string, sharedStrings?: Uint8Array): Promise<Uint8Array> {
  const parts = [
    ...await workbookParts(),
    await part(
      "xl/worksheets/sheet1.xml",
      `<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c><c r="B1" t="inlineStr"><is><t>email</t></is></c></row>${sheetData}</sheetData></worksheet>`,
    ),
  ];
  if (sharedStrings) parts.push(await part("xl/sharedStrings.xml", sharedStrings));
  return zipOf(parts);
}

/** The workbook and its relations: one sheet "Contacts" at xl/worksheets/sheet1.xml. */
async function workbookParts(): Promise<ZipPart[]> {
  return [
    await part(
      "xl/workbook.xml",
      '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Contacts" sheetId="1" r:id="rId1"/></sheets></workbook>',
    ),
    await part(
      "xl/_rels/workbook.xml.rels",
      '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    ),
  ];
}

/** `bytes` of shared strings that deflate only ~60:1 (a little noise), passing ratio checks. */
function sharedStringsBomb(bytes: number): Uint8Array {
  const head = encoder.encode(
    '<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">',
  );
  const item = encoder.encode("<si><t>laughing out loud</t></si>");
  const noise = garbage(bytes);
  const out = new Uint8Array(bytes);
  out.set(head);
  for (let at = head.length; at + item.length < bytes - 6; at += item.length) {
    out.set(item, at);
    if ((noise[at]! & 7) === 0) out[at + 7 + (noise[at + 1]! % 16)] = 97 + (noise[at + 2]! % 26);
  }
  out.set(encoder.encode("</sst>"), bytes - 6);
  return out;
}

const ODS_HEAD =
  '<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Contacts"><table:table-row><table:table-cell office:value-type="string"><text:p>id</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>email</text:p></table:table-cell></table:table-row>';
const ODS_TAIL = "</table:table></office:spreadsheet></office:body></office:document-content>";

/**
 * An .ods whose content.xml is `content` (between ODS_HEAD and ODS_TAIL when text; as
 * deflated already when a part).
 */
async function odsOf(content: string | Uint8Array | ZipPart): Promise<Uint8Array> {
  return zipOf([
    await part("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
    await part(
      "META-INF/manifest.xml",
      '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>',
    ),
    await part(
      "styles.xml",
      '<?xml version="1.0" encoding="UTF-8"?><office:document-styles xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" office:version="1.2"/>',
    ),
    content instanceof Uint8Array || typeof content === "string"
      ? await part(
        "content.xml",
        typeof content === "string" ? `${ODS_HEAD}${content}${ODS_TAIL}` : content,
      )
      : { ...content, name: "content.xml" },
  ]);
}

/** content.xml of `bytes` rows of one filled cell: a zip bomb for SheetJS. */
function odsBomb(bytes: number): Promise<ZipPart> {
  const row =
    '<table:table-row><table:table-cell office:value-type="string"><text:p>lol</text:p></table:table-cell></table:table-row>';
  const count = Math.floor((bytes - ODS_HEAD.length - ODS_TAIL.length) / row.length);
  return deflatedRepeats([[ODS_HEAD, 1], [row, count], [ODS_TAIL, 1]]);
}

/**
 * Deflated pieces of text, a `[text, times]` piece repeated: each MB is deflated once and
 * its bytes repeated (a full flush ends each copy on a byte and forgets what came before,
 * so copies follow one another), so GBs cost what a MB does.
 */
function deflatedRepeats(pieces: [string, number][]): Promise<ZipPart> {
  const flushed = (bytes: Uint8Array) =>
    new Uint8Array(deflateRawSync(bytes, { finishFlush: constants.Z_FULL_FLUSH }));
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (const [text, times] of pieces) {
    const one = encoder.encode(text).length;
    const perBlock = Math.max(1, Math.floor((1 << 20) / one));
    const block = flushed(encoder.encode(text.repeat(perBlock)));
    let left = times;
    for (; left >= perBlock; left -= perBlock) chunks.push(block);
    if (left > 0) chunks.push(flushed(encoder.encode(text.repeat(left))));
    size += times * one;
  }
  chunks.push(new Uint8Array(deflateRawSync(new Uint8Array(0)))); // the last, empty block
  const data = new Uint8Array(chunks.reduce((n, chunk) => n + chunk.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    data.set(chunk, at);
    at += chunk.length;
  }
  return Promise.resolve({ name: "", data, size });
}

/**
 * A sheet whose second row is one inline-string cell of `megabytes` MB of one letter: it
 * inflates ~1000 times, as much as the ratio check allows (an adversarial tester's file).
 */
async function oneHugeCell(megabytes: number): Promise<Uint8Array> {
  const sheet = await deflatedRepeats([
    [
      '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c><c r="B1" t="inlineStr"><is><t>email</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>',
      1,
    ],
    ["A", megabytes << 20],
    ["</t></is></c></row></sheetData></worksheet>", 1],
  ]);
  return zipOf([
    ...await workbookParts(),
    { ...sheet, name: "xl/worksheets/sheet1.xml" },
  ]);
}

/** Shared strings of `count` items of `megabytes` MB each, all one letter. */
async function hugeSharedStrings(count: number, megabytes: number): Promise<Uint8Array> {
  const pieces: [string, number][] = [[
    '<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>id</t></si>',
    1,
  ]];
  for (let i = 0; i < count; i++) {
    pieces.push(["<si><t>", 1], ["B", megabytes << 20], ["</t></si>", 1]);
  }
  pieces.push(["</sst>", 1]);
  const strings = await deflatedRepeats(pieces);
  return zipOf([
    ...await workbookParts(),
    await part(
      "xl/worksheets/sheet1.xml",
      '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>',
    ),
    { ...strings, name: "xl/sharedStrings.xml" },
  ]);
}

/**
 * Workbooks that took gigabytes before Plutus bounded them (made by the test: MBs each).
 * bad_input_e2e_test.ts measures each one's peak memory.
 */
export async function workbookBombs(): Promise<Record<string, Uint8Array>> {
  return {
    "39_shared_strings_bomb.xlsx": await xlsxOf(
      '<row r="2"><c r="A2" t="s"><v>0</v></c></row>',
      sharedStringsBomb(80 << 20),
    ),
    "40_ods_zip_bomb.ods": await odsOf(await odsBomb(110 << 20)),
    "42_one_huge_cell.xlsx": await oneHugeCell(400),
    "43_huge_shared_strings.xlsx": await hugeSharedStrings(20, 12),
  };
}

/** The corpus: file name → content. */
export async function corpus(): Promise<Record<string, Uint8Array | string>> {
  const good = workbook([
    ["id", "email", "name", "amount", "signup"],
    ["x1", "xl@example.com", "Xu", 12.5, new Date(Date.UTC(2026, 10, 3))],
    ["x2", "xm@example.com", "Yan", 7, new Date(Date.UTC(2026, 10, 4))],
  ], "xlsx");
  return {
    "01_empty.csv": "",
    "02_header_only.csv": `${HEADER}\n`,
    "03_blank_lines_only.csv": "\n\n   \n\r\n",
    "04_binary_garbage.csv": garbage(4096),
    "05_xlsx_named_csv.csv": good,
    "06_csv_named_xlsx.xlsx": text([HEADER, "w1,w@example.com,Wen,3,2026-11-05"]),
    "07_truncated_quote.csv": text([HEADER, ...GOOD, 'c3,"cy@example.com,Cy,5,2026-11-03']),
    "08_ragged_rows.csv": text([
      HEADER,
      ...GOOD,
      "c3,cy@example.com,Cy,5,2026-11-03,extra",
      "c4,dee@example.com",
      "c5,eve@example.com,Eve,7,2026-11-05",
    ]),
    "09_nul_bytes.csv": `${HEADER}\nc1,ana@example.com,An\u0000a,1,2026-11-01\n`,
    "10_duplicate_headers.csv": text(["id,email,name,email", "c1,a@example.com,Ana,b@example.com"]),
    "11_blank_header.csv": text([
      "id,email,,amount",
      "c1,ana@example.com,??,5",
      "c2,bo@example.com,,6",
    ]),
    "12_windows1252.csv": windows1252(
      text([HEADER, "c1,jose@example.com,José Müller,5,2026-11-01"]),
    ),
    "13_utf16le_bom.csv": utf16(
      text([HEADER, "c1,ana@example.com,Ana Ñúñez,5,2026-11-01"], "\r\n"),
      false,
    ),
    "14_utf16be_bom.csv": utf16(
      text([HEADER, "c1,bo@example.com,Bø Ærø,6,2026-11-02"], "\r\n"),
      true,
    ),
    "15_utf8_bom.csv": `\ufeff${text([HEADER, ...GOOD])}`,
    "16_emoji_rtl.csv": text([
      HEADER,
      "c1,ana@example.com,Ana 😀👍🏽,1,2026-11-01",
      "c2,omar@example.com,عمر الفاروق,2,2026-11-02",
      "c3,noa@example.com,נועה כהן,3,2026-11-03",
    ]),
    "17_number_edges.csv": text([
      HEADER,
      "00123,zero@example.com,Lead zero,00123,2026-11-01",
      "c2,big@example.com,Too big,1e309,2026-11-02",
      "c3,sci@example.com,Scientific,1.5e3,2026-11-03",
      "c4,neg@example.com,Negative,-42.25,2026-11-04",
      "c5,nan@example.com,Not a number,NaN,2026-11-05",
    ]),
    "18_impossible_dates.csv": text([
      HEADER,
      "c1,a@example.com,Feb 30,1,2026-02-30",
      "c2,b@example.com,Leap day,2,2024-02-29",
      "c3,c@example.com,Month 13,3,2026-13-01",
      "c4,d@example.com,Fine,4,2026-02-28",
    ]),
    "19_zip_bomb.xlsx": await zipBomb(),
    "20_password.xlsx": passwordProtected(),
    "21_corrupt_zip.xlsx": good.subarray(0, Math.floor(good.length * 0.6)),
    "22_html_table.xls": `<html><body><table>
<tr><th>id</th><th>email</th><th>name</th><th>amount</th><th>signup</th></tr>
<tr><td>h1</td><td>html@example.com</td><td>Hana</td><td>9.5</td><td>2026-11-06</td></tr>
</table></body></html>\n`,
    "23_json_named_csv.csv": '[{"id": "c1", "email": "ana@example.com"}]\n',
    "24_cr_line_endings.csv": text([HEADER, ...GOOD], "\r"),
    "25_mixed_line_endings.csv": `${HEADER}\r\n${GOOD[0]}\n${GOOD[1]}\r\n`,
    "26_quoted_newlines.csv": text([
      HEADER,
      'c1,ana@example.com,"Ana\nsecond line",1,2026-11-01',
      'c2,"not an email",Bo,2,2026-11-02',
    ]),
    "27_missing_required_header.csv": text(["email,name", "ana@example.com,Ana"]),
    "28_headers_with_spaces.csv": text([" ID , Email ,NAME,Amount ,Signup", ...GOOD]),
    "29_duplicate_keys.csv": text([HEADER, ...GOOD, "c1,ana.new@example.com,Ana,11,2026-11-09"]),
    "30_injection_values.csv": text([
      HEADER,
      `c1,ana@example.com,"Robert'); DROP TABLE contacts;--",1,2026-11-01`,
      'c2,bo@example.com,"=HYPERLINK(""http://evil.example"",""x"")",2,2026-11-02',
    ]),
    "31_very_wide.csv": text([
      `${HEADER},${Array.from({ length: 2000 }, (_, i) => `extra_${i}`).join(",")}`,
      `${GOOD[0]},${Array.from({ length: 2000 }, (_, i) => i).join(",")}`,
    ]),
    "32_trailing_blank_lines.csv": `${text([HEADER, ...GOOD])}\n\n\n,,,,\n\n`,
    "33_real_xls.xls": workbook([
      ["id", "email", "name", "amount", "signup"],
      ["v1", "v1@example.com", "Vera", 1.25, new Date(Date.UTC(2026, 10, 7))],
    ], "xls"),
    "34_empty_workbook.xlsx": workbook([], "xlsx"),
    // a CR that lost its LF between two rows; a CR inside quotes is data
    "40_lone_cr_in_crlf.csv": `${HEADER}\r\n${GOOD[0]}\r${GOOD[1]}\r\n` +
      `c3,cy@example.com,"Cy\rSecond",3,2026-11-03\r\n`,
    // 251 bytes: its upload copy and its archived name must still fit in 255
    [`41_long_name_${"x".repeat(234)}.csv`]: text([HEADER, ...GOOD]),
    "37_xlsx_far_column.xlsx": await xlsxOf(
      '<row r="2"><c r="ZZZZZZ2" t="inlineStr"><is><t>x</t></is></c></row>',
    ),
    "38_ods_repeated_cell.ods": await odsOf(
      '<table:table-row><table:table-cell office:value-type="string" table:number-columns-repeated="16000000"><text:p>x</text:p></table:table-cell></table:table-row>',
    ),
  };
}

if (import.meta.main) {
  const dir = fileURLToPath(new URL("./files/", import.meta.url));
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  await Deno.mkdir(dir, { recursive: true });
  for (const [name, content] of Object.entries(await corpus())) {
    const path = join(dir, name);
    if (typeof content === "string") await Deno.writeTextFile(path, content);
    else await Deno.writeFile(path, content);
  }
  console.log(`wrote ${Object.keys(await corpus()).length} files to ${dir}`);
}
