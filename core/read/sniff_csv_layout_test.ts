import assert from "node:assert/strict";
import { sniffCsvLayout } from "./sniff_csv_layout.ts";

Deno.test("padded title lines (Excel's CSV (semicolon)) are skipped: the header is the full line", () => {
  const text = [
    "Kampagnenbericht;;;",
    "Zeitraum: 01.03.2026 - 31.03.2026;;;",
    ";;;",
    "Datum;Kampagne;Kosten;Klicks",
    "04.03.2026;A;1,50;10",
    "05.03.2026;B;2,50;20",
  ].join("\r\n");
  const layout = sniffCsvLayout(text);
  assert.equal(layout.delimiter, ";");
  assert.equal(layout.skipLines, 3);
  assert.ok(text.slice(layout.headerOffset).startsWith("Datum;Kampagne"));
});

Deno.test("a header is kept where it stands: unpadded titles, blank header cells, one column", () => {
  // titles without padding, as before
  assert.equal(sniffCsvLayout("Report\nMarch 2026\nDate,Cost\n2026-03-01,1\n").skipLines, 2);
  // a header with a blank cell (a report starting in column B) is a header
  assert.equal(sniffCsvLayout(",Campaign,Cost\n,A,1\n,B,2\n").skipLines, 0);
  // rows with one filled cell under a full header do not move it
  assert.equal(sniffCsvLayout("Name;City;Zip\nAnn;;\nBo;;\nCy;Rome;1\n").skipLines, 0);
  // a one-column file: its first line is the header
  assert.equal(sniffCsvLayout("email\na@x.com\nb@y.org\n").skipLines, 0);
  // given skip_lines wins
  assert.equal(sniffCsvLayout("Title;;\nA;B;C\n1;2;3\n", { skipLines: 0 }).skipLines, 0);
});
