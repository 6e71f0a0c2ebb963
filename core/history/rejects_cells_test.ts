/**
 * A typed cell (a spreadsheet's number, percentage, TRUE or date; an API's number or
 * boolean) of a rejected row, written into the rejects file and read back through its
 * source, stores what it stored the first time (property). The model is the load itself:
 * the cell's value through the source's rules as first loaded, against the written text
 * through the rules a rejects file is read with.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseConfig } from "../../config/load_config.ts";
import { parseTableSchema } from "../../config/load_table_schemas.ts";
import { rejectRecord } from "../pipeline/prepare_file.ts";
import { type Cell, CellError, PercentCell, RECORD_KINDS } from "../transform/cell.ts";
import { mapColumns } from "../transform/map_columns.ts";
import { compileConvert } from "../transform/row_preparer.ts";
import { RejectsCellWriter } from "./rejects_cells.ts";
import { rejectsFiles } from "./rejects_export.ts";
import { rejectsReading } from "./rejects_reading.ts";

/** A column type, the rules of its source mapping, and cells a source may give it. */
interface Case {
  type: string;
  rules: string;
  cell: fc.Arbitrary<Cell>;
}

const number = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }),
  fc.integer({ min: -1_000_000, max: 1_000_000 }),
  fc.integer({ min: -100_000, max: 100_000 }).map((n) => n / 1000),
).map((n) => n + 0); // no -0: a record's JSON writes it 0, a difference no table shows
// as a sheet's percentages are: at most 15 significant digits (see the next test for more)
const fraction = fc.oneof(
  fc.integer({ min: -100_000, max: 100_000 }).map((n) => n / 10_000),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -10, max: 10 }),
).map((n) => Number(n.toPrecision(15)) + 0);
const percent = fraction.map((f) => new PercentCell(f));
const moment = fc.date({
  min: new Date("1900-03-01T00:00:00Z"),
  max: new Date("2100-12-31T00:00:00Z"),
  noInvalidDate: true,
});
// a sheet's date: a day, or a time of day to the second
const day = moment.map((d) =>
  new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()))
);
const time = moment.map((d) => new Date(Math.floor(d.getTime() / 1000) * 1000));
const since1970 = time.filter((d) => d.getTime() >= 86_400_000);

const CASES: Case[] = [
  { type: "decimal", rules: "[]", cell: fc.oneof(number, percent) },
  {
    type: "decimal",
    rules: '[{ parse_number: { decimal: "," } }]',
    cell: fc.oneof(number, percent),
  },
  { type: "decimal", rules: "[parse_number]", cell: fc.oneof(number, percent) },
  { type: "decimal", rules: "[parse_percent]", cell: fc.oneof(number, percent) },
  {
    type: "decimal",
    rules: '[{ parse_percent: { decimal: "," } }]',
    cell: fc.oneof(number, percent),
  },
  { type: "integer", rules: "[]", cell: fc.integer({ min: -1e9, max: 1e9 }) },
  { type: "text", rules: "[]", cell: fc.oneof(number, fc.boolean()) },
  { type: "boolean", rules: "[]", cell: fc.boolean() },
  { type: "boolean", rules: "[parse_bool]", cell: fc.boolean() },
  {
    type: "boolean",
    rules: "[{ parse_bool: { true: [Opted in, Ja], false: [Opted out] } }]",
    cell: fc.boolean(),
  },
  { type: "date", rules: "[]", cell: day },
  { type: "date", rules: '[{ parse_date: "DD.MM.YYYY" }]', cell: day },
  { type: "date", rules: '[{ parse_date: ["MM/DD/YYYY", "D MMM YYYY"] }]', cell: day },
  {
    type: "date",
    rules: "[{ parse_date: excel }]",
    cell: fc.oneof(day, fc.integer({ min: 1, max: 60_000 })),
  },
  { type: "datetime", rules: '[{ parse_date: "DD/MM/YYYY HH:mm:ss" }]', cell: fc.oneof(day, time) },
  { type: "datetime", rules: '[{ parse_date: "M/D/YYYY h:mm A" }]', cell: day },
  // epoch numbers count from 1970: an earlier date has none
  {
    type: "datetime",
    rules: "[{ parse_date: unix }]",
    cell: fc.oneof(since1970, fc.integer({ min: 0, max: 4e9 })),
  },
  { type: "datetime", rules: "[{ parse_date: unix_ms }]", cell: since1970 },
];

Deno.test("a typed cell of a rejected row loads back from the rejects file as it first loaded (property)", () => {
  let typed = 0;
  for (const zone of ["UTC", "Europe/Berlin", "America/New_York"]) {
    for (const { type, rules, cell } of CASES) {
      const table = parseTableSchema(`columns:\n  c: { type: ${type} }\n`, "schema/t.yaml", "t");
      const { config } = parseConfig(
        `sources:\n  s:\n    kind: file\n    files: "t_*.xlsx"\n    table: t\n    columns:\n` +
          `      c: { from: Value, clean: ${rules} }\n`,
      );
      const source = config.sources.s!;
      const first = convertOf(table, source.columns, zone);
      const reading = rejectsReading(source, table);
      const back = convertOf(reading.table, reading.columns, zone);
      const writer = new RejectsCellWriter(source, table, ["Value"], zone);
      fc.assert(
        fc.property(cell, (value) => {
          const record = JSON.parse(rejectRecord(["Value"], [value]));
          const written = writer.cell("Value", record.Value, record[RECORD_KINDS]?.Value).value;
          assert.equal(typeof written, "string", `${type} ${rules}: ${String(written)}`);
          const loaded = first(value);
          if (!(loaded instanceof CellError)) typed++;
          const again = back(written as string);
          const what = `${zone} ${type} ${rules}: ${JSON.stringify(record)} written ${
            JSON.stringify(written)
          }`;
          // a cell refused the first time is refused again, for the analyst to fix
          if (loaded instanceof CellError) assert.ok(again instanceof CellError, what);
          else assert.deepEqual(again, loaded, what);
        }),
        { numRuns: 60 },
      );
    }
  }
  // the cases hold cells that load: the property is not about refusals only
  assert.ok(typed > CASES.length * 3 * 40, `${typed} cells loaded`);
});

Deno.test("a header read by two columns whose rules disagree: each comes back as it loaded, is refused, or the rejects file says to check it (property)", () => {
  const table = parseTableSchema(
    "columns:\n  c: { type: decimal }\n  d: { type: decimal }\n  t: { type: text }\n",
    "schema/t.yaml",
    "t",
  );
  const pairs = [
    ["[parse_percent]", "[]"],
    ['[{ parse_number: { decimal: "," } }]', "[]"],
    ['[{ parse_number: { decimal: "," } }]', "[parse_percent]"],
  ];
  let flagged = 0;
  for (const [one, two] of pairs) {
    const { config } = parseConfig(
      `sources:\n  s:\n    kind: file\n    files: "t_*.xlsx"\n    table: t\n    columns:\n` +
        `      c: { from: Value, clean: ${one} }\n      d: { from: Value, clean: ${two} }\n` +
        `      t: { from: Value }\n`,
    );
    const source = config.sources.s!;
    const reading = rejectsReading(source, table);
    const firsts = ["c", "d"].map((column) => convertOf(table, source.columns, "UTC", column));
    const backs = ["c", "d"].map((column) =>
      convertOf(reading.table, reading.columns, "UTC", column)
    );
    const writer = new RejectsCellWriter(source, table, ["Value"]);
    fc.assert(
      fc.property(fc.oneof(number, percent), (value) => {
        const record = JSON.parse(rejectRecord(["Value"], [value]));
        const cell = writer.cell("Value", record.Value, record[RECORD_KINDS]?.Value);
        const written = cell.value as string;
        const silent = firsts.some((first, i) => {
          const loaded = first(value);
          const again = backs[i]!(written);
          if (loaded instanceof CellError || again instanceof CellError) return false;
          return !Object.is(again, loaded);
        });
        // a value read back otherwise, silently, only where the writer says so
        assert.ok(!silent || cell.unsure, `${one} ${two}: ${String(value)} written ${written}`);
        if (silent) flagged++;
      }),
      { numRuns: 300 },
    );
  }
  // rules that disagree leave some cells no text carries: the test sees them said
  assert.ok(flagged > 0, "no cell needed saying");
});

/** How the source reads `name` (the column "c" by default) from the header "Value". */
function convertOf(
  table: ReturnType<typeof parseTableSchema>,
  mapping: Parameters<typeof mapColumns>[1],
  timeZone: string,
  name = "c",
): (value: Cell) => unknown {
  const column = mapColumns(table, mapping, ["Value"], {
    source: "s",
    fileName: "t_1.xlsx",
    headerLine: 1,
  }).columns.find((source) => source.column === name)!;
  const schema = table.columns[name]!;
  return compileConvert([...column.clean, ...schema.clean], schema, { timeZone });
}

Deno.test("a computed percentage of 17 digits loads back from the rejects file to 15 of them, never 100 times off (property)", () => {
  const table = parseTableSchema(`columns:\n  c: { type: decimal }\n`, "schema/t.yaml", "t");
  for (const rules of ["[parse_percent]", "[]"]) {
    const { config } = parseConfig(
      `sources:\n  s:\n    kind: file\n    files: "t_*.xlsx"\n    table: t\n    columns:\n` +
        `      c: { from: Value, clean: ${rules} }\n`,
    );
    const source = config.sources.s!;
    const reading = rejectsReading(source, table);
    const back = convertOf(reading.table, reading.columns, "UTC");
    const first = convertOf(table, source.columns, "UTC");
    const writer = new RejectsCellWriter(source, table, ["Value"]);
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: -10, max: 10 }), (f) => {
        const record = JSON.parse(rejectRecord(["Value"], [new PercentCell(f)]));
        const again = back(
          writer.cell("Value", record.Value, record[RECORD_KINDS]?.Value).value as string,
        );
        const loaded = first(new PercentCell(f));
        // refused (a fraction below 1e-300 that no text carries): said, not silent
        if (loaded instanceof CellError || again instanceof CellError) return;
        assert.equal(typeof again, "number", `${rules}: ${f} read back as ${String(again)}`);
        const off = Math.abs((again as number) - (loaded as number));
        assert.ok(
          off <= Math.abs(loaded as number) * 1e-14 + 1e-300,
          `${rules}: ${f} read back as ${again}`,
        );
      }),
      { numRuns: 500 },
    );
  }
});

Deno.test("a rejects file says to check a cell no text carries to every column its header fills", () => {
  const table = parseTableSchema(
    "columns:\n  ctr: { type: decimal }\n  ctr_raw: { type: decimal }\n  campaign: { type: text, required: true }\n",
    "schema/ads.yaml",
    "ads",
  );
  const { config } = parseConfig(
    `sources:\n  tiktok:\n    kind: file\n    files: "t_*.xlsx"\n    table: ads\n    columns:\n` +
      `      campaign: Campaign\n      ctr: { from: CTR, clean: [parse_percent] }\n` +
      `      ctr_raw: { from: CTR, clean: [{ parse_number: { decimal: "," } }] }\n`,
  );
  const [file] = rejectsFiles(
    [{
      stepId: 1,
      source: "tiktok",
      input: "t_1.xlsx",
      status: "succeeded",
      rowsRejected: 1,
      rows: [{
        location: "t_1.xlsx:S!3",
        line: 3,
        record: JSON.parse(rejectRecord(["Campaign", "CTR"], [null, 1.015])),
        kinds: {},
        problems: [{ column: "campaign", value: null, reason: "a value is required" }],
      }],
    }],
    1,
    { sources: config.sources, tables: new Map([["ads", table]]) },
  );
  assert.match(
    file!.text,
    /campaign: a value is required; check ""CTR"": the columns it fills read this text otherwise/,
  );
});
