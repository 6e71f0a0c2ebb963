import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { parse } from "yaml";
import Ajv2020 from "ajv/dist/2020.js";
import { jsonSchemas, schemaFiles } from "./json_schemas.ts";
import {
  DEMO_AD_SPEND,
  DEMO_LEADS,
  DEMO_ORDERS,
  DEMO_PLUTUS_YAML,
} from "../core/init/demo_project.ts";
import { LEADS_SCHEMA, PLUTUS_YAML } from "../core/init/templates.ts";

// Formats ("uri") are the editor's business, and a url with ${NAME} in it is no URI yet:
// ajv checks the structure only, and prints no "unknown format" warning.
const ajv = new Ajv2020.default({ allErrors: true, strict: false, validateFormats: false });
const schemas = jsonSchemas();
const checkConfig = ajv.compile(schemas.plutus);
const checkTable = ajv.compile(schemas.table);

function problems(check: typeof checkConfig, yaml: string): string[] {
  return check(parse(yaml)) ? [] : check.errors!.map((e) => `${e.instancePath} ${e.message}`);
}

Deno.test("the schemas in json_schemas/ are the ones the zod models give (deno task schemas)", async () => {
  const dir = fileURLToPath(new URL("../json_schemas/", import.meta.url));
  for (const [name, text] of Object.entries(schemaFiles())) {
    assert.equal(await Deno.readTextFile(join(dir, name)), text, `${name}: run deno task schemas`);
  }
});

Deno.test("the files plutus init writes pass their schemas", () => {
  for (const yaml of [DEMO_PLUTUS_YAML, PLUTUS_YAML]) {
    assert.deepEqual(problems(checkConfig, yaml), []);
  }
  for (const yaml of [DEMO_AD_SPEND, DEMO_LEADS, DEMO_ORDERS, LEADS_SCHEMA]) {
    assert.deepEqual(problems(checkTable, yaml), []);
  }
});

Deno.test("the schemas flag what the loader refuses", () => {
  const source = (body: string) => `sources:\n  crm:\n    kind: file\n    files: "*.csv"\n${body}`;
  assert.deepEqual(problems(checkConfig, source("    table: leads\n")), []);
  assert.notDeepEqual(problems(checkConfig, source("    tabel: leads\n")), []);
  assert.deepEqual(
    problems(
      checkConfig,
      source(
        '    table: leads\n    columns:\n      email: Email\n      amount: { from: [Amount, Total], clean: [trim, { null_if: "--" }, { parse_number: { decimal: "," } }] }\n',
      ),
    ),
    [],
  );
  assert.notDeepEqual(
    problems(
      checkConfig,
      source(
        "    table: leads\n    columns:\n      amount: { from: Amount, clean: [parse_numbr] }\n",
      ),
    ),
    [],
  );
  // a rule that needs an argument cannot be written bare
  assert.notDeepEqual(
    problems(
      checkConfig,
      source("    table: leads\n    columns:\n      a: { from: A, clean: [null_if] }\n"),
    ),
    [],
  );
  assert.notDeepEqual(
    problems(checkConfig, "sources:\n  crm:\n    kind: api\n    table: leads\n"),
    [],
    "an API source needs a url",
  );
  assert.notDeepEqual(problems(checkTable, "columns:\n  email: { type: e-mail }\n"), []);
  assert.notDeepEqual(
    problems(checkTable, "columns:\n  email: { type: email }\nkeep: newest\n"),
    [],
  );
});
