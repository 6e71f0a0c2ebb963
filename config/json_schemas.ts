/**
 * JSON Schemas of plutus.yaml and schema/*.yaml, generated from the same zod models the
 * loader validates with, so that an editor (VS Code with the YAML extension, and others that
 * read `# yaml-language-server: $schema=…`) completes keys and flags mistakes as the analyst
 * types. Two spots the models accept through a conversion are described by hand: a column
 * mapping written as a plain header name, and the clean rules (one list, CLEAN_RULES).
 *
 * @module
 */
import { z } from "zod";
import { CLEAN_RULES } from "./clean_rule_model.ts";
import { cleanRule } from "./clean_rule_model.ts";
import { columnMapping } from "./column_mapping.ts";
import { plutusConfigModel } from "./plutus_config.ts";
import { tableSchemaModel } from "./table_schema.ts";

/** The file names Plutus writes them under, in a project's `.schemas/` folder. */
export const SCHEMA_FILES = {
  plutus: "plutus.schema.json",
  table: "table.schema.json",
} as const;

type JsonSchema = Record<string, unknown>;

/**
 * The first line of a YAML file that points editors at its schema; `file` is where the
 * YAML file is in the project (`plutus.yaml`, `schema/leads.yaml`).
 */
export function schemaLine(file: string): string {
  const kind = file.startsWith("schema/") ? "table" : "plutus";
  const up = file.includes("/") ? "../" : "./";
  return `# yaml-language-server: $schema=${up}.schemas/${SCHEMA_FILES[kind]}\n`;
}

/** The files of a project's `.schemas/` folder: name → JSON text. */
export function schemaFiles(): Record<string, string> {
  const schemas = jsonSchemas();
  return {
    [SCHEMA_FILES.plutus]: `${JSON.stringify(schemas.plutus, null, 2)}\n`,
    [SCHEMA_FILES.table]: `${JSON.stringify(schemas.table, null, 2)}\n`,
  };
}

/** Both schemas, as objects ready for JSON.stringify. */
export function jsonSchemas(): Record<keyof typeof SCHEMA_FILES, JsonSchema> {
  return {
    plutus: generate(
      plutusConfigModel,
      "plutus.yaml",
      "A Plutus project: the database, limits and sources. Reference: docs/configuration.md",
    ),
    table: generate(
      tableSchemaModel,
      "schema/TABLE.yaml",
      "One table of a Plutus project: its columns, key and which duplicate wins. Reference: docs/configuration.md#schema-files",
    ),
  };
}

function generate(model: z.ZodType, title: string, description: string): JsonSchema {
  const schema = z.toJSONSchema(model, {
    io: "input",
    unrepresentable: "any",
    override: (context) => {
      if (context.zodSchema === columnMapping) {
        replace(context.jsonSchema, {
          anyOf: [
            { type: ["string", "number"], description: "the header to read" },
            { ...context.jsonSchema },
          ],
        });
      } else if (context.zodSchema === cleanRule) {
        replace(context.jsonSchema, cleanRuleSchema());
      }
    },
  }) as JsonSchema;
  return { ...schema, title, description };
}

/** A bare rule name (rules that need no argument), or a one-key map `{rule: argument}`. */
function cleanRuleSchema(): JsonSchema {
  const names = Object.keys(CLEAN_RULES) as (keyof typeof CLEAN_RULES)[];
  return {
    anyOf: [
      {
        type: "string",
        enum: names.filter((name) => !CLEAN_RULES[name].needsArg),
        description: "a rule without an argument",
      },
      {
        type: "object",
        minProperties: 1,
        maxProperties: 1,
        additionalProperties: false,
        properties: Object.fromEntries(
          names.map((name) => [name, {
            ...argumentSchema(CLEAN_RULES[name].arg),
            description: `e.g. ${CLEAN_RULES[name].example}`,
          }]),
        ),
      },
    ],
  };
}

function argumentSchema(arg: z.ZodType): JsonSchema {
  const { $schema: _, ...schema } = z.toJSONSchema(arg, {
    io: "input",
    unrepresentable: "any",
  }) as JsonSchema;
  return schema;
}

/** Makes `target` (an object zod handed to the override) equal `value`. */
function replace(target: JsonSchema, value: JsonSchema): void {
  for (const key of Object.keys(target)) delete target[key];
  Object.assign(target, value);
}
