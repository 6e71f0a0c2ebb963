import assert from "node:assert/strict";
import { join } from "node:path";
import { decodeHtmlEntities } from "./html_text.ts";
import { openTableFile } from "./open_table.ts";

const UTF8_HEAD =
  '<html><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8"></head>';

/** An HTML table of `rows` (the first one the header) as an export writes it. */
function htmlTable(rows: string[][], head = UTF8_HEAD): string {
  return `${head}<body><table>\n${
    rows.map((row, i) =>
      `<tr>${row.map((cell) => i === 0 ? `<th>${cell}</th>` : `<td>${cell}</td>`).join("")}</tr>`
    ).join("\n")
  }\n</table></body></html>`;
}

/** The header and cells of `content` saved as report.xls. */
async function readXls(
  content: string | Uint8Array,
): Promise<{ header: string[]; cells: unknown[][] }> {
  const dir = await Deno.makeTempDir({ prefix: "plutus-test-" });
  try {
    const path = join(dir, "report.xls");
    if (typeof content === "string") await Deno.writeTextFile(path, content);
    else await Deno.writeFile(path, content);
    const reader = await openTableFile(path, "report.xls");
    const cells: unknown[][] = [];
    for await (const batch of reader.rows()) cells.push(...batch.rows);
    return { header: reader.header, cells };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const readHtmlXls = (rows: string[][]) => readXls(htmlTable(rows));

/** `text` in ISO-8859-1 (Windows-1252 for these letters). */
const latin1 = (text: string) => Uint8Array.from(text, (char) => char.charCodeAt(0));

Deno.test("an HTML table saved as .xls reads its named, decimal and hex entities as a browser shows them", async () => {
  const { header, cells } = await readHtmlXls([
    ["id", "Stra&szlig;e"],
    ["1", "M&uuml;ller &amp; S&ouml;hne"],
    ["2", "Caf&eacute; &euro;5 &mdash; &copy; &quot;Q&quot; &apos;A&apos; &hellip;"],
    ["3", "&#252; &#xFC; &#XFC; &Auml; &#x1F600; &NotEqualTilde;"],
    ["4", "&copy 2026 &eacute"], // written without the semicolon, as browsers still read
  ]);
  assert.deepEqual(header, ["id", "Straße"]);
  assert.deepEqual(cells, [
    [1, "Müller & Söhne"],
    [2, `Café €5 — © "Q" 'A' …`],
    [3, "ü ü ü Ä 😀 \u2242\u0338"],
    [4, "© 2026 é"],
  ]);
});

Deno.test("HTML entities are decoded once, and a decoded < or & is text, not markup", async () => {
  const { cells } = await readHtmlXls([
    ["id", "text"],
    ["1", "&amp;uuml; &amp;amp; AT&amp;T"],
    ["2", "&lt;b&gt;bold&lt;/b&gt; &#60;td&#62; &#x3C;/tr&#x3E;"],
    ["3", "&foo; &#; & more &nbsp;x"], // not references: as written (&nbsp; a space, as before)
  ]);
  assert.deepEqual(cells, [
    [1, "&uuml; &amp; AT&T"],
    [2, "<b>bold</b> <td> </tr>"],
    [3, "&foo; &#; & more  x"],
  ]);
});

Deno.test("decodeHtmlEntities() leaves tags as written and grows a text threefold at most", () => {
  assert.equal(
    decodeHtmlEntities('<td title="&eacute;">&eacute;&#60;</td>'),
    '<td title="&eacute;">é&lt;</td>',
  );
  const worst = "&lt".repeat(1000);
  assert.equal(decodeHtmlEntities(worst), "&lt;".repeat(1000));
  assert.ok(decodeHtmlEntities(worst).length <= Math.ceil(worst.length * 4 / 3));
  // an unknown reference keeps its & as the &amp; SheetJS reads back: the most it grows
  const unknown = "&a".repeat(1000);
  assert.equal(decodeHtmlEntities(unknown), "&amp;a".repeat(1000));
  assert.ok(decodeHtmlEntities(unknown).length <= unknown.length * 3);
});

Deno.test("an HTML .xls in Windows-1252 keeps its accented letters, declared or not", async () => {
  const rows = [["id", "Straße"], ["1", "Müller & Söhne, Café"]];
  const expected = { header: ["id", "Straße"], cells: [[1, "Müller & Söhne, Café"]] };
  for (
    const head of [
      '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252"></head>',
      '<html><head><meta charset="ISO-8859-1"></head>',
      "<html><head><title>Report</title></head>", // no charset, and not UTF-8
    ]
  ) {
    assert.deepEqual(await readXls(latin1(htmlTable(rows, head))), expected, head);
  }
  // a UTF-8 file without a charset stays UTF-8
  const utf8 = new TextEncoder().encode(htmlTable(rows, "<html>"));
  assert.deepEqual(await readXls(utf8), expected);
  // and so does one whose <meta> says iso-8859-1 (copied from a template): its bytes are
  // UTF-8, as a browser guessing from them would read them (it read MÃ¼ller)
  const lying = new TextEncoder().encode(
    htmlTable(rows, '<html><head><meta charset="ISO-8859-1"></head>'),
  );
  assert.deepEqual(await readXls(lying), expected);
});
