/**
 * `plutus schema-json [--out DIR]`: the JSON Schemas editors use to complete and check
 * plutus.yaml and schema/*.yaml.
 *
 * @module
 */
import { join, resolve } from "node:path";
import { schemaFiles } from "../../config/json_schemas.ts";
import { projectPaths } from "../../core/project/project.ts";
import type { GlobalOptions } from "../args.ts";
import { parseCommandArgs } from "../args.ts";
import { dim, print } from "../output.ts";
import { relativePath } from "../run_report.ts";

export const help = `Usage: plutus schema-json [--out DIR]

Writes the JSON Schemas of plutus.yaml and of the files in schema/ into the project's
.schemas/ folder (or DIR). plutus init writes them, and starts each YAML file with the
line that points editors at them:

  # yaml-language-server: $schema=./.schemas/plutus.schema.json     (plutus.yaml)
  # yaml-language-server: $schema=../.schemas/table.schema.json     (schema/*.yaml)

With it, VS Code (with the YAML extension by Red Hat) and other editors complete keys and
clean rules and underline mistakes as you type. Run it again after upgrading Plutus.

Examples:
  plutus schema-json
  plutus schema-json --out ~/schemas`;

export async function run(args: string[], globals: GlobalOptions): Promise<number> {
  const { values } = parseCommandArgs("schema-json", args, { out: { type: "string" } }, {
    max: 0,
  });
  const dir = values.out === undefined
    ? join(projectPaths(globals.project).root, ".schemas")
    : resolve(values.out);
  await Deno.mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(schemaFiles())) {
    const path = join(dir, name);
    await Deno.writeTextFile(path, text);
    print(`Wrote ${relativePath(path)}`);
  }
  print(
    dim("Start a YAML file with the $schema line above to use them (plutus schema-json --help)."),
  );
  return 0;
}
