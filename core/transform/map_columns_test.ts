import assert from "node:assert/strict";
import { parseConfig } from "../../config/load_config.ts";
import { SourceError } from "../../util/errors.ts";
import { parseTableSchema } from "../../config/load_table_schemas.ts";
import { mapColumns } from "./map_columns.ts";

const table = parseTableSchema(
  "columns:\n  email: { type: email, required: true }\n  first_name: { type: text }\n  spend: { type: decimal }\n  channel: { type: text }\nkey: [email]\n",
  "schema/leads.yaml",
  "leads",
);
const mappingOf = (columns: string) =>
  parseConfig(
    `sources:\n  s:\n    kind: file\n    files: x\n    table: leads\n    columns:\n${columns}`,
  ).config.sources.s!.columns;
const context = { source: "s", fileName: "f.csv", headerLine: 3 };

Deno.test("mapColumns() follows the mapping, then headers named like the columns", () => {
  const plan = mapColumns(
    table,
    mappingOf("      spend: Cost\n      channel: { value: google }\n"),
    ["E-Mail", "First Name", "Cost", "Extra"],
    context,
  );
  assert.deepEqual(
    plan.columns.map((c) => [c.column, c.header ?? c.constant ?? null]),
    [
      ["email", null],
      ["first_name", "First Name"],
      ["spend", "Cost"],
      ["channel", "google"],
    ].map(([c, h]) => (c === "email" ? ["email", "E-Mail"] : [c, h])),
  );
  assert.deepEqual(plan.unusedHeaders, ["Extra"]);
});

Deno.test("mapColumns() matches header spellings case- and space-insensitively", () => {
  const plan = mapColumns(table, mappingOf("      email: { from: [Email Address, E-mail] }\n"), [
    "EMAIL ADDRESS",
    "x",
  ], context);
  assert.equal(plan.columns[0]?.header, "EMAIL ADDRESS");
});

Deno.test("mapColumns() fails before loading when a mapped header is missing, naming the closest", () => {
  const error = (() => {
    try {
      mapColumns(table, mappingOf("      spend: Cost\n"), ["email", "Costs", "Clicks"], context);
    } catch (e) {
      return e;
    }
  })();
  assert.ok(error instanceof SourceError);
  assert.equal(
    error.message,
    'f.csv:3: no header "Cost" for column spend (closest: "Costs"). Headers found: email, Costs, Clicks',
  );
  assert.match(error.hint!, /spend: \{from: \[Cost, Costs\]\}/);
});

Deno.test("mapColumns() says a padded title line taken as the header is one, and names skip_lines", () => {
  const error = (() => {
    try {
      mapColumns(
        table,
        mappingOf("      spend: Kosten\n"),
        ["Kampagnenbericht", "", "", ""],
        context,
      );
    } catch (e) {
      return e;
    }
  })();
  assert.ok(error instanceof SourceError);
  assert.match(error.message, /^f\.csv:3: no header "email" for column email/);
  assert.match(
    error.hint!,
    /^Line 3 looks like a title, not the header \(one filled cell of 4\): in plutus\.yaml, set skip_lines: N under sources\.s,/,
  );
});

Deno.test("mapColumns() fails when a required column has no header at all", () => {
  assert.throws(
    () => mapColumns(table, undefined, ["First Name"], context),
    /no header "email" for column email/,
  );
});

Deno.test("mapColumns() refuses a header that appears twice", () => {
  assert.throws(
    () => mapColumns(table, mappingOf("      spend: Cost\n"), ["email", "COST", "cost"], context),
    /column spend \(from "Cost"\) matches more than one header: "COST" \(column 2\), "cost" \(column 3\)/,
  );
  assert.throws(
    () => mapColumns(table, undefined, ["EMAIL", "Email"], context),
    (error: SourceError) => {
      assert.match(
        error.message,
        /matches more than one header: "EMAIL" \(column 1\), "Email" \(column 2\)/,
      );
      assert.match(error.hint!, /map email to one of them by its exact spelling/);
      return true;
    },
  );
  // an exact spelling wins over loose ones
  assert.equal(mapColumns(table, undefined, ["email", "Email"], context).columns[0]?.index, 0);
});

Deno.test("mapColumns() never proposes a header in another currency as a new spelling", () => {
  const error = (() => {
    try {
      mapColumns(
        table,
        mappingOf("      spend: Amount spent (USD)\n"),
        ["email", "Amount spent (EUR)", "Clicks"],
        context,
      );
    } catch (e) {
      return e;
    }
  })();
  assert.ok(error instanceof SourceError);
  assert.equal(
    error.message,
    'f.csv:3: no header "Amount spent (USD)" for column spend ("Amount spent (EUR)" counts in ' +
      "EUR, not USD: a different column, not a new spelling of it). Headers found: email, " +
      "Amount spent (EUR), Clicks",
  );
  assert.doesNotMatch(error.hint!, /from: \[Amount spent \(USD\), Amount spent \(EUR\)\]/);
  assert.match(error.hint!, /the export now has spend in EUR: export it in USD again/);
  // the same unit, or none named, is still a new spelling
  assert.throws(
    () =>
      mapColumns(table, mappingOf("      spend: Amount spent (USD)\n"), [
        "email",
        "Amount spent ($)",
      ], context),
    (e: SourceError) => /from: \[Amount spent \(USD\), Amount spent \(\$\)\]/.test(e.hint!),
  );
});

Deno.test("mapColumns() cuts a huge header in its message, and says where", () => {
  const huge = `[{"id": "c1", "email": "${"x".repeat(200_000)}"}]`;
  const error = (() => {
    try {
      mapColumns(table, undefined, [huge], context);
    } catch (e) {
      return e;
    }
  })();
  assert.ok(error instanceof SourceError);
  assert.ok(error.message.length < 400, `${error.message.length} characters`);
  assert.match(
    error.message,
    /Headers found: \[\{"id": "c1".*… \(cut at 80 of 200,027 characters\)$/,
  );
  assert.ok((error.hint ?? "").length < 400, `hint of ${error.hint?.length} characters`);
});
