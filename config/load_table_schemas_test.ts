import assert from "node:assert/strict";
import { ConfigError } from "../util/errors.ts";
import { loadSchemas, parseTableSchema } from "./load_table_schemas.ts";

function problems(text: string, name = "leads"): string[] {
  try {
    parseTableSchema(text, `schema/${name}.yaml`, name);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.message.split("\n");
  }
  assert.fail("expected a ConfigError");
}

Deno.test("parseTableSchema() reads columns, key and keep", () => {
  const table = parseTableSchema(
    "columns:\n  email: { type: email, required: true, clean: [trim, lower] }\n  at: { type: datetime }\nkey: email\nkeep: latest\norder_by: at\n",
    "schema/leads.yaml",
    "leads",
  );
  assert.equal(table.name, "leads");
  assert.deepEqual(table.key, ["email"]);
  assert.equal(table.columns.email?.required, true);
  assert.equal(table.columns.at?.required, false);
  assert.equal(
    parseTableSchema("columns:\n  a: { type: text }\n", "schema/t.yaml", "t").keep,
    "last",
  );
});

Deno.test("parseTableSchema() names what is wrong, where", () => {
  assert.deepEqual(problems("columns:\n  email: { type: mail }\n"), [
    'schema/leads.yaml:2 columns.email.type: expected one of text, integer, decimal, boolean, date, datetime, email, url; got "mail"',
  ]);
  assert.deepEqual(problems("columns:\n  email: { type: email }\nkey: [emial]\n"), [
    'schema/leads.yaml:3 key[0]: "emial" is not a column of this table; columns: email',
  ]);
  assert.deepEqual(
    problems("columns:\n  a: { type: text }\nkeep: latest\n"),
    [
      "schema/leads.yaml:1: keep: latest needs order_by: the column whose greater value wins",
    ].map((line) => line.replace("leads.yaml:1:", "leads.yaml:1 order_by:")),
  );
  assert.deepEqual(problems("columns:\n  a: { type: text, min: 3 }\n"), [
    "schema/leads.yaml:2 columns.a.min: min applies to integer, decimal, date and datetime columns, not text; got 3",
  ]);
  assert.deepEqual(problems("columns:\n  Email Address: { type: text }\n"), [
    'schema/leads.yaml:2 columns.Email Address: a column name is lower_snake_case: letters, digits and _, starting with a letter; got "Email Address"',
  ]);
  assert.deepEqual(problems('columns:\n  a: { type: text, pattern: "(x)\\\\1" }\n'), [
    'schema/leads.yaml:2 columns.a.pattern: Plutus runs patterns in linear time (RE2 syntax), which has no backreferences (\\1...): match the text itself instead; got "(x)\\\\1"',
  ]);
  assert.deepEqual(problems("columns:\n  id: { type: text }\n  rowid: { type: integer }\n"), [
    'schema/leads.yaml:3 columns.rowid: SQLite keeps this name for itself (rowid, oid and names starting with sqlite_); call the column something else, such as row_id; got "rowid"',
  ]);
  assert.deepEqual(problems("columns:\n  _source: { type: text }\n"), [
    'schema/leads.yaml:2 columns._source: a column name is lower_snake_case: letters, digits and _, starting with a letter; got "_source"',
  ]);
  assert.deepEqual(problems("columns: {}\n"), [
    "schema/leads.yaml:1 columns: a table needs at least one column",
  ]);
});

Deno.test("parseTableSchema() refuses a file name that cannot name a table", () => {
  assert.deepEqual(problems("columns:\n  a: { type: text }\n", "My Leads"), [
    'schema/My Leads.yaml: "My Leads" cannot name a table: use lower_snake_case letters, digits and _, starting with a letter',
  ]);
});

Deno.test("loadSchemas() reports the problems of every file together", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/a.yaml`, "columns:\n  x: { type: txt }\n");
  await Deno.writeTextFile(`${dir}/b.yml`, "columns:\n  y: { type: text }\n");
  await Deno.writeTextFile(`${dir}/c.yaml`, "colums: {}\n");
  await Deno.writeTextFile(`${dir}/notes.txt`, "not a schema");
  const error = await loadSchemas(dir).catch((e) => e);
  assert.ok(error instanceof ConfigError);
  assert.deepEqual(error.problems.map((p) => `${p.location} ${p.path}`), [
    "schema/a.yaml:2 columns.x.type",
    "schema/c.yaml:1 columns",
    "schema/c.yaml:1 colums",
  ]);
  await Deno.remove(`${dir}/a.yaml`);
  await Deno.remove(`${dir}/c.yaml`);
  assert.deepEqual([...(await loadSchemas(dir)).keys()], ["b"]);
});
