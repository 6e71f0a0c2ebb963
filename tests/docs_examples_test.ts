/**
 * The docs never drift: every YAML example in README.md and docs/ is checked by the same
 * models the loader uses (and by the JSON Schemas editors use), whether it is a whole
 * plutus.yaml, a table file, one source or a piece of one; and every `plutus` command shown
 * runs against a demo project in a sandbox home folder, with the files it names, and must
 * be understood (never a usage or configuration error).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { parse } from "yaml";
import Ajv2020 from "ajv/dist/2020.js";
import { jsonSchemas } from "../config/json_schemas.ts";
import { plutusConfigModel } from "../config/plutus_config.ts";
import { tableSchemaModel } from "../config/table_schema.ts";
import { demoFiles } from "../core/init/demo_project.ts";
import { type CliResult, ROOT, runCli, withTempDir } from "./helpers.ts";

interface Block {
  file: string;
  line: number;
  lang: string;
  text: string;
}

async function codeBlocks(): Promise<Block[]> {
  const files = [
    "README.md",
    ...(await Array.fromAsync(Deno.readDir(join(ROOT, "docs"))))
      .filter((e) => e.name.endsWith(".md")).map((e) => `docs/${e.name}`),
  ].sort();
  const blocks: Block[] = [];
  for (const file of files) {
    const text = await Deno.readTextFile(join(ROOT, file));
    // fences may be indented, inside a list item
    for (const match of text.matchAll(/^( *)```(\S*)\n([\s\S]*?)^\1```/gm)) {
      const indent = match[1]!.length;
      blocks.push({
        file,
        line: text.slice(0, match.index).split("\n").length,
        lang: match[2]!,
        text: match[3]!.split("\n").map((line) => line.slice(indent)).join("\n"),
      });
    }
  }
  return blocks;
}

const blocks = await codeBlocks();
const ajv = new Ajv2020.default({ allErrors: true, strict: false, validateFormats: false });
const schemas = jsonSchemas();
const editorChecksConfig = ajv.compile(schemas.plutus);
const editorChecksTable = ajv.compile(schemas.table);

/** The ways a YAML example can be read: whole, or as a piece placed where it belongs. */
function readings(value: unknown): { config?: unknown; table?: unknown }[] {
  const fileSource = { kind: "file", files: "*.csv", table: "t" };
  const apiSource = { kind: "api", url: "https://api.example.com/x", table: "t" };
  const object = (value ?? {}) as Record<string, unknown>;
  const out: { config?: unknown; table?: unknown }[] = [{ config: value }, { table: value }];
  out.push({ config: { sources: value } }); // one or more named sources
  out.push({ config: { sources: { x: { ...fileSource, ...object } } } }); // keys of a file source
  out.push({ config: { sources: { x: { ...apiSource, ...object } } } }); // keys of an API source
  if (Array.isArray(object.clean)) {
    out.push({ config: { sources: { x: { ...fileSource, columns: { c: object } } } } });
  }
  return out;
}

Deno.test("every YAML example in the docs is valid where it belongs", () => {
  const yamlBlocks = blocks.filter((b) => b.lang === "yaml");
  assert.ok(yamlBlocks.length >= 15, `${yamlBlocks.length} YAML examples`);
  const failures: string[] = [];
  for (const block of yamlBlocks) {
    const where = `${block.file}:${block.line}`;
    let value: unknown;
    try {
      value = parse(block.text);
    } catch (error) {
      failures.push(`${where}: not YAML: ${(error as Error).message}`);
      continue;
    }
    if (value === null) continue; // only comments, such as the editor line
    const valid = readings(value).find((reading) =>
      reading.config !== undefined
        ? plutusConfigModel.safeParse(reading.config).success
        : tableSchemaModel.safeParse(reading.table).success
    );
    if (!valid) {
      // say what is wrong as the reading that came closest sees it
      const issues = readings(value).map((reading) =>
        (reading.config !== undefined
          ? plutusConfigModel.safeParse(reading.config).error?.issues
          : tableSchemaModel.safeParse(reading.table).error?.issues) ?? []
      ).sort((a, b) => a.length - b.length)[0]!;
      failures.push(
        `${where}: valid nowhere (${issues[0]?.path.join(".")}: ${issues[0]?.message})`,
      );
      continue;
    }
    // what the loader accepts, the editor must not underline
    const editorOk = valid.config !== undefined
      ? editorChecksConfig(valid.config)
      : editorChecksTable(valid.table);
    if (!editorOk) {
      failures.push(`${where}: the JSON Schema refuses it: ${JSON.stringify(ajv.errors)}`);
    }
  }
  assert.deepEqual(failures, []);
});

/** The command lines of the docs, as `plutus` arguments, with where they are. */
function commandLines(): { where: string; args: string[] }[] {
  const lines: { where: string; args: string[] }[] = [];
  for (const block of blocks.filter((b) => b.lang === "sh")) {
    for (const [offset, raw] of block.text.split("\n").entries()) {
      const line = raw.replace(/\s+#.*$/, "").replace(/\s*>\s*\S+$/, "").trim();
      const command = /^(?:deno task plutus|plutus) (.+)$/.exec(line)?.[1];
      if (!command) continue;
      const args = [...command.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) =>
        m[1] ?? m[2] ?? m[3]!
      );
      if (args[0] === "serve") continue; // runs until stopped: tests/gui_e2e_test.ts
      lines.push({ where: `${block.file}:${block.line + 1 + offset}`, args });
    }
  }
  return lines;
}

Deno.test("every plutus command in the docs runs and is understood", () =>
  withTempDir(async (home) => {
    // The examples' world: a demo project at ~/acme (and ./demo), loaded once, and the
    // exports they name in ~/Downloads and the current folder.
    const env = { HOME: home };
    const run = (args: string[], cwd = home): Promise<CliResult> =>
      runCli(args.map((arg) => arg.replace(/^~(?=\/|$)/, home)), { cwd, env });
    for (const project of ["acme", "demo"]) {
      assert.equal((await run(["init", project, "--demo"])).code, 0);
      assert.equal((await run(["run", "--project", project])).code, 0);
    }
    const samples = demoFiles();
    const googleAds = Object.entries(samples).find(([name]) => name.startsWith("google_ads"))![1];
    const hubspot = Object.entries(samples).find(([name]) => name.startsWith("hubspot"))![1];
    await Deno.mkdir(join(home, "Downloads"));
    for (
      const name of ["google_ads_report.csv", "google_ads_2026-11.csv", "linkedin_ads_2026-11.csv"]
    ) {
      await Deno.writeTextFile(join(home, "Downloads", name), googleAds);
    }
    await Deno.writeTextFile(join(home, "acme", "leads_export.csv"), hubspot);

    const lines = commandLines();
    assert.ok(lines.length >= 20, `${lines.length} commands`);
    const failures: string[] = [];
    for (const { where, args } of lines) {
      // Commands without --project run inside the project, as the docs say to.
      const inProject = args.includes("--project") || args[0] === "init"
        ? home
        : join(home, "acme");
      const withYes = args[0] === "add-source" ? [...args, "--yes"] : args;
      const result = await run(withYes, inProject);
      const output = result.stdout + result.stderr;
      if (result.code === 2 || /unknown option|not a command/i.test(output)) {
        failures.push(`${where}: plutus ${args.join(" ")}\n${output}`);
      }
      if (/\n\s+at .+:\d+:\d+/.test(output)) failures.push(`${where}: stack trace\n${output}`);
    }
    assert.deepEqual(failures, []);
  }));

Deno.test("every command has its section in docs/cli.md", async () => {
  const { COMMANDS } = await import("../cli/main.ts");
  const cli = await Deno.readTextFile(join(ROOT, "docs", "cli.md"));
  const missing = Object.keys(COMMANDS).filter((name) =>
    !new RegExp(`^## plutus ${name}\\b`, "m").test(cli)
  );
  assert.deepEqual(missing, []);
});

Deno.test("every configuration key and clean rule is in the docs", async () => {
  const docs = (await Promise.all(
    ["configuration.md", "api-sources.md"].map((name) =>
      Deno.readTextFile(join(ROOT, "docs", name))
    ),
  )).join("\n");
  const keys = new Set<string>();
  const collect = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(collect);
    if (typeof node !== "object" || node === null) return;
    for (const [key, value] of Object.entries(node)) {
      if (key === "properties") Object.keys(value as object).forEach((k) => keys.add(k));
      collect(value);
    }
  };
  collect(schemas.plutus);
  collect(schemas.table);
  const missing = [...keys].filter((key) =>
    !docs.includes(`\`${key}\``) && !docs.includes(`${key}:`)
  );
  assert.deepEqual(missing, []);
});
