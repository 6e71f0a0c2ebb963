import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { SourceError } from "../../util/errors.ts";
import { type CsvReadOptions, openCsv } from "./csv_reader.ts";

/** Writes bytes to a temporary file and reads it all back through the reader. */
async function read(content: string | Uint8Array, options: CsvReadOptions = {}) {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/file.csv`;
  await Deno.writeFile(
    path,
    typeof content === "string" ? new TextEncoder().encode(content) : content,
  );
  const reader = await openCsv(path, "file.csv", options);
  const rows: string[][] = [];
  const lines: number[] = [];
  const broken: { line: number; reason: string }[] = [];
  for await (const batch of reader.rows()) {
    for (const row of batch.rows) rows.push(row as string[]);
    for (const line of batch.lines) lines.push(line);

    broken.push(...batch.broken.map(({ line, reason }) => ({ line, reason })));
  }
  await Deno.remove(dir, { recursive: true });
  return { reader, rows, lines, broken, stopped: reader.stopped };
}

async function failure(
  content: string | Uint8Array,
  options: CsvReadOptions = {},
): Promise<SourceError> {
  const error = await read(content, options).then(() => undefined, (e) => e);
  assert.ok(error instanceof SourceError, `expected a SourceError, got ${error}`);
  return error;
}

Deno.test("openCsv() reads a plain CSV with the line of every row", async () => {
  const { reader, rows, lines } = await read("a,b\n1,2\n3,4\n");
  assert.deepEqual(reader.header, ["a", "b"]);
  assert.equal(reader.headerLine, 1);
  assert.deepEqual(rows, [["1", "2"], ["3", "4"]]);
  assert.deepEqual(lines, [2, 3]);
  assert.equal(reader.blankRows, 0);
});

Deno.test("openCsv() counts lines inside quoted values and CRLF endings", async () => {
  const { rows, lines } = await read('a,b\r\n"x\r\ny",1\r\n"p ""q""",2\r\n\r\nlast,3');
  assert.deepEqual(rows, [["x\r\ny", "1"], ['p "q"', "2"], ["last", "3"]]);
  assert.deepEqual(lines, [2, 4, 6]);
});

Deno.test("openCsv() splits files that mix CRLF and LF line ends, and CR-only files", async () => {
  const mixed = await read('a,b\r\n1,2\n3,"x"\r\n"y",4\n5,6');
  assert.deepEqual(mixed.rows, [["1", "2"], ["3", "x"], ["y", "4"], ["5", "6"]]);
  assert.deepEqual(mixed.lines, [2, 3, 4, 5]);
  assert.deepEqual(mixed.broken, []);
  const mac = await read("a,b\r1,2\r3,4\r");
  assert.deepEqual(mac.rows, [["1", "2"], ["3", "4"]]);
  assert.deepEqual(mac.lines, [2, 3]);
  // a CRLF split between the first 1 MB the reader takes and the rest is one line end
  const filler = "x".repeat((1 << 20) - 8);
  const split = await read(`a,b\r\n${filler},1\r\nlast,2\r\n${"y,3\r\n".repeat(20_000)}`);
  assert.deepEqual(split.rows.slice(0, 3).map((row) => row[1]), ["1", "2", "3"]);
  assert.equal(split.rows.length, 20_002);
  assert.equal(split.lines.at(-1), 20_003);
});

Deno.test("openCsv() sniffs the delimiter, also beside decimal commas", async () => {
  assert.equal((await read("a;b;c\n1,5;2,5;x\n3,0;4,1;y\n")).reader.info.delimiter, ";");
  assert.equal((await read("a\tb\n1\t2\n")).reader.info.delimiter, "\t");
  assert.equal((await read("a|b|c\n1|2|3\n")).reader.info.delimiter, "|");
  assert.equal((await read('name,note\n"Smith; Jr",x\n"Doe; Sr",y\n')).reader.info.delimiter, ",");
  assert.equal((await read("a;b\n1;2\n", { delimiter: "," })).reader.header.length, 1);
});

Deno.test("openCsv() takes Excel's sep= line as the delimiter, not as data", async () => {
  const { reader, rows, lines } = await read("sep=;\r\nDatum;Kosten\r\n01.11.2026;1,50\r\n");
  assert.equal(reader.info.delimiter, ";");
  assert.deepEqual(reader.header, ["Datum", "Kosten"]);
  assert.equal(reader.headerLine, 2);
  assert.deepEqual(rows, [["01.11.2026", "1,50"]]);
  assert.deepEqual(lines, [3]);
});

Deno.test("openCsv() skips report titles above the header", async () => {
  const { reader, rows, lines } = await read(
    'Campaign report\n"Nov 1, 2026 - Nov 7, 2026"\nDay,Cost,Clicks\n2026-11-01,"$1,234.50",3\n',
  );
  assert.equal(reader.info.skippedLines, 2);
  assert.equal(reader.headerLine, 3);
  assert.deepEqual(reader.header, ["Day", "Cost", "Clicks"]);
  assert.deepEqual(rows, [["2026-11-01", "$1,234.50", "3"]]);
  assert.deepEqual(lines, [4]);
  const told = await read("title\nx,y\n1,2\n", { skipLines: 1 });
  assert.deepEqual(told.reader.header, ["x", "y"]);
});

Deno.test("openCsv() stops at a footer and counts what it left", async () => {
  const { rows, reader } = await read("a,b\n1,2\nTotal: 3,\n\nGrand total,9\n", {
    stopAt: /^(Total|Grand)/,
  });
  assert.deepEqual(rows, [["1", "2"]]);
  assert.deepEqual(reader.stopped, {
    line: 3,
    text: "Total: 3",
    ignoredRows: 1,
    dataRowsAfter: 0,
    looksLikeData: false,
  });
  // a row of data after the stop row is counted apart: stop_at matched too much
  const data = await read("a,b\n1,2\nTotally,3\n4,5\nTotal,9\n", { stopAt: /^Total/ });
  assert.deepEqual(data.reader.stopped, {
    line: 3,
    text: "Totally",
    ignoredRows: 2,
    dataRowsAfter: 1,
    looksLikeData: true,
  });
});

Deno.test("openCsv() reports ragged and broken rows with their line", async () => {
  const { rows, broken } = await read(
    'a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12,,\n"x"y,1,2\n"ok",3,4\n13,14,15\n',
  );
  assert.deepEqual(rows, [["1", "2", "3"], ["10", "11", "12"], ["13", "14", "15"]]);
  assert.deepEqual(broken.map((b) => b.line), [3, 4, 6]);
  assert.match(broken[0]!.reason, /has 2 field\(s\), the header has 3/);
  assert.match(broken[2]!.reason, /quote inside a quoted value is not doubled/);
});

Deno.test("openCsv() skips blank rows and counts them", async () => {
  const { rows, reader, lines } = await read("a,b\n\n1,2\n,\n3,4\n");
  assert.deepEqual(rows, [["1", "2"], ["3", "4"]]);
  assert.deepEqual(lines, [3, 5]);
  assert.equal(reader.blankRows, 2);
});

Deno.test("openCsv() reads UTF-8 with BOM, UTF-16 and Windows-1252", async () => {
  const bom = await read(
    new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode("name\nZoë\n")]),
  );
  assert.deepEqual([bom.reader.header, bom.rows, bom.reader.info.encoding], [
    ["name"],
    [["Zoë"]],
    "utf-8",
  ]);
  const utf16 = new Uint8Array([
    0xff,
    0xfe,
    ...[..."name\tcity\nZoë\tKöln\n"].flatMap((c) => [c.charCodeAt(0), 0]),
  ]);
  const sixteen = await read(utf16);
  assert.deepEqual([sixteen.reader.header, sixteen.rows, sixteen.reader.info.encoding], [
    ["name", "city"],
    [["Zoë", "Köln"]],
    "utf-16le",
  ]);
  const noBom = await read(utf16.subarray(2));
  assert.deepEqual(noBom.rows, [["Zoë", "Köln"]]);
  const cp1252 = await read(
    new Uint8Array([...new TextEncoder().encode("name,price\nCaf"), 0xe9, 0x2c, 0x80, 0x35, 0x0a]),
  );
  assert.deepEqual([cp1252.rows, cp1252.reader.info.encoding], [[["Café", "€5"]], "windows-1252"]);
});

Deno.test("openCsv() keeps emoji and right-to-left text intact", async () => {
  const { rows } = await read("name,note\nمرحبا,👍🏽 ok\n");
  assert.deepEqual(rows, [["مرحبا", "👍🏽 ok"]]);
});

Deno.test("openCsv() refuses files that are not CSV text", async () => {
  assert.match((await failure("")).message, /file\.csv is empty/);
  assert.match(
    (await failure(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2]))).message,
    /zip archive .*not a CSV/,
  );
  const binary = new Uint8Array(4096).map((_, i) => (i * 7919) % 256);
  assert.match((await failure(binary)).message, /binary data/);
});

Deno.test("openCsv() fails on a quote that never closes, naming its line", async () => {
  const error = await failure('a,b\n1,2\n3,"never closed\n4,5\n6,7\n');
  assert.equal(error.message, "file.csv:3: a quoted field starts here and never closes");
  assert.equal(error.location, "file.csv:3");
  // a quote that closes with text after it is another mistake, said as such
  const early = await failure('a,b\nok,1\n"x"y,1\nz,2\nw,3\n');
  assert.equal(
    early.message,
    'file.csv:3: a quoted value has text right after its closing quote (such as "x"y)',
  );
  assert.equal(early.location, "file.csv:3");
});

Deno.test("openCsv() calls a line too long for any CSV row what it is, not an unclosed quote", async () => {
  const start = new TextEncoder().encode("a,b\n1,2\n");
  const bytes = new Uint8Array(start.length + (65 << 20) + 1).fill(0x78); // x
  bytes.set(start);
  bytes[bytes.length - 1] = 0x0a;
  const error = await failure(bytes);
  assert.equal(error.message, "file.csv:3: line 3 is longer than 64 MB (is this a CSV file?)");
  assert.equal(error.location, "file.csv:3");
});

Deno.test("openCsv() fails on invalid UTF-8 past the sniffed start, with a hint", async () => {
  const start = new TextEncoder().encode(`a,b\n${"x,ü\n".repeat(400_000)}`);
  const bytes = new Uint8Array(start.length + 2);
  bytes.set(start);
  bytes.set([0xff, 0x0a], start.length);
  const error = await failure(bytes);

  // the very line of the bad byte, not where its chunk began
  assert.equal(error.message, "file.csv:400002: the text is not valid utf-8 on this line");
  assert.equal(error.location, "file.csv:400002");
  assert.match(error.hint ?? "", /windows-1252/);
  // the first read after the sample starts inside a "ü": its last byte is not the error
  const head = "aaaa,bb\n" + "x,ü\n".repeat(209_713); // a "ü" across byte 2^20
  assert.equal(new TextEncoder().encode(head).length % 5, 3);
  const tail = "x,ü\n".repeat(1000);
  const split = new TextEncoder().encode(head + tail);
  const late = new Uint8Array(split.length + 2);
  late.set(split);
  late.set([0xfc, 0x0a], split.length);
  const lateError = await failure(late);
  assert.equal(lateError.location, `file.csv:${2 + 209_713 + 1000}`);
  // a bad byte first in a read whose previous one ended on a whole character
  const whole = new TextEncoder().encode("aaaa,bb\n" + "x,ü\n".repeat(209_712) + "x,u\n".repeat(2));
  assert.equal(whole.length, 1 << 20);
  const first = new Uint8Array(whole.length + 2);
  first.set(whole);
  first.set([0x92, 0x0a], whole.length);
  assert.equal((await failure(first)).location, `file.csv:${1 + 209_712 + 2 + 1}`);
});

Deno.test("openCsv() streams large files across chunk boundaries without losing rows", async () => {
  const rows = 60_000;
  let text = "id,note\n";
  for (let i = 0; i < rows; i++) {
    text += i % 1000 === 0 ? `${i},"multi\nline ""${i}"""\n` : `${i},plain value ${i}\n`;
  }
  const result = await read(text);
  assert.equal(result.rows.length, rows);
  assert.deepEqual(result.rows[1000], ["1000", 'multi\nline "1000"']);
  // every multi-line row pushes the following lines down by one
  assert.equal(result.lines[rows - 1], rows + 1 + rows / 1000);
  assert.equal(result.rows.at(-1)?.[0], String(rows - 1));
});

Deno.test("openCsv() reads a header-only file as no rows", async () => {
  const { rows, reader } = await read("a,b,c\n");
  assert.deepEqual([rows, reader.header], [[], ["a", "b", "c"]]);
});

Deno.test("openCsv() reads a lone CR outside quotes in a CRLF file as a line break; inside quotes it is data", async () => {
  const { rows, lines, broken } = await read(
    'email,name\r\na@x.com,Ann\rb@x.com,Bob\r\n"c@x.com","Cy\rSecond"\r\nd@x.com,Dan\r\n',
  );
  assert.deepEqual(rows, [
    ["a@x.com", "Ann"],
    ["b@x.com", "Bob"],
    ["c@x.com", "Cy\rSecond"],
    ["d@x.com", "Dan"],
  ]);
  assert.deepEqual(broken, []);
  assert.equal(lines[1], 3, "the row after the lone CR starts on the next line");
  // a CRLF cut between two chunks is still one line end, not a lone CR
  const many = "v,1\r\n".repeat(40_000);
  const chunked = await read(`a,b\r\n${many}`);
  assert.equal(chunked.rows.length, 40_000);
  assert.deepEqual(chunked.broken, []);
});

Deno.test("openCsv() hashes every byte it reads: after rows() its sha256 is the file's, past stop_at too", async () => {
  const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
  // larger than the first MiB sniffed and than many chunks; a BOM and a footer after stop_at
  let text = "\ufeffid,note\n";
  for (let i = 0; i < 40_000; i++) text += `${i},value ${"x".repeat(i % 50)}\n`;
  text += "Total,40000\nprinted by the shop\n";
  const bytes = new TextEncoder().encode(text);
  for (const options of [{}, { stopAt: /^Total/ }]) {
    const { reader, rows } = await read(bytes, options);
    assert.equal(rows.length, options.stopAt ? 40_000 : 40_001);
    assert.equal(reader.sha256, sha256(bytes));
  }
  const small = new TextEncoder().encode("a,b\n1,2");
  assert.equal((await read(small)).reader.sha256, sha256(small));
});

Deno.test("openCsv() stops at a # line after a blank line: another table's rows are not read", async () => {
  // the comment lines padded as a spreadsheet saves them, or not
  for (const pad of ["", ","]) {
    const text = "# Report\nSource,Sessions\na,1\nb,2\nc,3\nd,4\n\n" +
      `# ------${pad}\n# Free form 2${pad}\nDevice,Sessions\nmobile,7\n\ndesktop,9\n`;
    const { rows, broken, stopped } = await read(text);
    assert.deepEqual(rows, [["a", "1"], ["b", "2"], ["c", "3"], ["d", "4"]]);
    assert.deepEqual(broken, []);
    assert.deepEqual(
      {
        line: stopped?.line,
        text: stopped?.text,
        rows: stopped?.ignoredRows,
        end: stopped?.tableEnd,
      },
      { line: 8, text: "# ------", rows: 4, end: true },
    );
  }
  // an order name in the first column is no comment, after a blank line or not
  const orders = await read("Order,Amount,Note\n#1001,10,a\n\n#1003,30\n#1004,40,b\n");
  assert.deepEqual(orders.rows, [["#1001", "10", "a"], ["#1004", "40", "b"]]);
  assert.deepEqual(orders.broken.map((b) => b.line), [4]);
  assert.equal(orders.stopped, undefined);
  // a row lacking its delimiters, not after a blank line, ends nothing
  const { rows: kept, broken: one } = await read("a,b\n1,2\n#3\n4,5\n");
  assert.deepEqual(kept, [["1", "2"], ["4", "5"]]);
  assert.deepEqual(one.map((b) => b.line), [3]);
});

Deno.test("openCsv() refuses a row that repeats the header (an export of several pages), with the reason", async () => {
  const { rows, broken } = await read(
    "Name,Email\nA1,a1@x.com\n\nPage 2\nname, EMAIL \nP1,p1@x.com\n",
  );
  assert.deepEqual(rows, [["A1", "a1@x.com"], ["P1", "p1@x.com"]]);
  assert.deepEqual(broken.map((b) => b.line), [4, 5]);
  assert.match(broken[1]!.reason, /the header again \(a new page of the export/);
});
