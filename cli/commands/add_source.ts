/**
 * `plutus add-source FILE --table T`: propose a source for files like FILE, and add it to
 * plutus.yaml once confirmed.
 *
 * @module
 */
import { proposeSource } from "../../core/propose_source.ts";
import { openProject } from "../../core/project.ts";
import type { GlobalOptions } from "../args.ts";
import { parseCommandArgs } from "../args.ts";
import { bold, dim, print, yellow } from "../output.ts";

export const help = `Usage: plutus add-source FILE --table TABLE [--name NAME] [--sheet S] [--yes]

Reads FILE (a sample export) and proposes a source for files like it: a name and a files
pattern from its name, each column of TABLE mapped to the header that names it best, and
the clean rules its values need (parse_number for "$1,234.50", parse_date with the format
the dates are written in, …). Shows the proposal, and adds it to plutus.yaml when you
confirm — keeping the file's comments. Check it, then plutus check.

Options:
  -t, --table TABLE   the table the source loads into (a file in schema/)
      --name NAME     the source's name (default: from the file name)
      --sheet S       a spreadsheet's sheet, by name or number
  -y, --yes           write without asking (for scripts)

Examples:
  plutus add-source ~/Downloads/linkedin_ads_2026-11.csv --table ad_spend
  plutus add-source deals.xlsx --table deals --name pipedrive_deals --yes`;

export async function run(args: string[], globals: GlobalOptions): Promise<number> {
  const { values, positionals } = parseCommandArgs("add-source", args, {
    table: { type: "string", short: "t" },
    name: { type: "string" },
    sheet: { type: "string" },
    yes: { type: "boolean", short: "y" },
  }, { min: 1, max: 1, names: "a sample FILE" });
  if (!values.table) {
    const { UsageError } = await import("../../config/errors.ts");
    throw new UsageError("plutus add-source needs --table TABLE", {
      hint: "e.g. plutus add-source leads.csv --table leads",
    });
  }
  const project = await openProject(globals.project);
  const sheet = values.sheet === undefined
    ? undefined
    : /^\d+$/.test(values.sheet)
    ? Number(values.sheet)
    : values.sheet;
  const proposal = await proposeSource(project, positionals[0]!, values.table, {
    name: values.name,
    sheet,
  });
  print(bold(`Proposed source for ${positionals[0]}:`));
  print("");
  print("sources:");
  print(proposal.yaml);
  print("");
  if (proposal.unmapped.length > 0) {
    print(
      yellow(
        `No header found for ${
          proposal.unmapped.join(", ")
        }: add them by hand if the file has them.`,
      ),
    );
  }
  for (const warning of proposal.warnings) print(yellow(`Check: ${warning}`));
  let write = values.yes === true;
  if (!write) {
    if (!Deno.stdin.isTerminal()) {
      print(dim("Not written: run again with --yes to add it to plutus.yaml."));
      return 0;
    }
    write = (prompt("Add this source to plutus.yaml? [y/N]") ?? "").trim().toLowerCase().startsWith(
      "y",
    );
  }
  if (!write) {
    print("Nothing was changed.");
    return 0;
  }
  const temporary = `${project.paths.config}.part`;
  await Deno.writeTextFile(temporary, proposal.configText);
  await Deno.rename(temporary, project.paths.config);
  print(`Added source ${proposal.name} to plutus.yaml. Check it with: plutus check`);
  return 0;
}
