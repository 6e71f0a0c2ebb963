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

/** A GA4 report: `#` lines, a chart's table of `days` rows, then the main table. */
function ga4(days: number, sources: number): string {
  const lines = [
    "# ----------------------------------------",
    "# Traffic acquisition: Session source / medium",
    "# ----------------------------------------",
    "#",
    "# Start date: 20261101",
    "Nth day,Sessions",
    ...Array.from({ length: days }, (_, d) => `${String(d).padStart(4, "0")},${500 + d}`),
    "",
    "# ----------------------------------------",
    "# Free form 1",
    "# ----------------------------------------",
    "Session source / medium,Date,Sessions,Total users",
  ];
  for (let d = 1; d <= days; d++) {
    for (let s = 0; s < sources; s++) lines.push(`"src ${s} / cpc, paid",202611${d},${d},${s}`);
  }
  return lines.join("\n") + "\n";
}

Deno.test("of several tables (GA4), the header is the one of the table with the most rows", () => {
  for (const days of [28, 30, 31]) {
    const text = ga4(days, 4);
    const layout = sniffCsvLayout(text);
    assert.ok(
      text.slice(layout.headerOffset).startsWith("Session source / medium,Date"),
      `${days} days: header at line ${layout.skipLines + 1}`,
    );
    assert.equal(layout.skipLines, days + 10);
    assert.equal(layout.laterTable, true);
  }
  // as many rows in both: the wider one
  assert.ok(sniffCsvLayout(ga4(30, 1)).laterTable);
  // the first table has more rows: it stays (and given skip_lines wins)
  const few = "Nth day,Sessions\n0,1\n1,2\n2,3\n\n# Totals\nSource,Sessions,Users\na,1,2\n";
  assert.equal(sniffCsvLayout(few).skipLines, 0);
  assert.equal(sniffCsvLayout(few).laterTable, undefined);
  assert.equal(sniffCsvLayout(ga4(30, 4), { skipLines: 5 }).skipLines, 5);
});

Deno.test("a later block is no other table: blank rows in data, totals, the rest of a value spanning lines", () => {
  // blank lines inside one table, the second part longer
  const blanks = "Date,Cost\n2026-03-01,1\n\n2026-03-02,2\n2026-03-03,3\n2026-03-04,4\n";
  assert.equal(sniffCsvLayout(blanks).skipLines, 0);
  // a footer block of totals after a blank line
  assert.equal(sniffCsvLayout("Campaign,Cost\nA,1\n\nTotal,1\nTotal,1\n").skipLines, 0);
  // a quoted note spanning lines, the line after it splitting like a header
  const note = 'Name,Note,City\nAnn,"one\n\ntwo",Rome\n' + "Bo,x,Oslo\n".repeat(5) +
    'Cy,"line\nend of note",Oslo,Paris\n' + "Di,y,Nice\n".repeat(8);
  assert.equal(sniffCsvLayout(note).skipLines, 0);
});

Deno.test("a table that comes back under its own header (pages of one export) is one table, from its first header", () => {
  for (const between of ["Page 2\n", "# Added in March\n", ""]) {
    const text = "Name,Email,Company\nA1,a1@x.com,Acme1\nA2,a2@x.com,Acme2\n\n" + between +
      "Name,Email,Company\nP1,p1@x.com,Corp1\nP2,p2@x.com,Corp2\nP3,p3@x.com,Corp3\n";
    const layout = sniffCsvLayout(text);
    assert.equal(layout.skipLines, 0, JSON.stringify(between));
    assert.equal(layout.laterTable, undefined);
  }
});
