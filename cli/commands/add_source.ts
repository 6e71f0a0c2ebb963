/**
 * `plutus add-source FILE --table T`: propose a source for files like FILE, and add it to
 * plutus.yaml once confirmed. What the sample cannot decide is asked, never guessed: with
 * --yes (or without a terminal) an open question refuses, writing nothing.
 *
 * @module
 */
import { UsageError } from "../../util/errors.ts";
import { DATE_ORDERS, type DateOrder, ORDER_WORDS, readAs } from "../../core/propose/dates.ts";
import {
  type DateQuestion,
  type DecimalMark,
  describeDecimal,
  proposeSource,
  type SourceProposal,
} from "../../core/propose/propose_source.ts";
import { addProposedSource } from "../../core/propose/add_proposed_source.ts";
import { openProject } from "../../core/project/project.ts";
import type { GlobalOptions } from "../args.ts";
import { parseCommandArgs } from "../args.ts";
import { bold, dim, print, yellow } from "../output.ts";

export const help =
  `Usage: plutus add-source FILE --table TABLE [--name NAME] [--sheet S] [--files PATTERN]
                         [--date-order dmy|mdy|ymd] [--decimal comma|dot]
                         [--skip-lines N] [--yes]

Reads FILE (a sample export) and proposes a source for files like it: a name and a files
pattern from its name (dates and month names become *), each column of TABLE mapped to
the header that names it best, and the clean rules its values need (parse_number for
"$1,234.50", parse_date with the format the dates are written in, …). Shows the proposal,
and adds it to plutus.yaml when you confirm — keeping the file's comments. Check it, then
plutus check.

It asks rather than guesses: when no date in the sample tells day from month
(01/11/2026 … 07/11/2026), it asks for the order; when numbers like 1.234 and 10.000 could
be decimals or thousands (and no ";" or 31.03.2026 date in the file says), it asks for the
decimal mark; when the files pattern could take another source's files, it warns. With
--yes (or without a terminal) any of them stops it with exit code 2 and nothing written:
answer with --date-order, --decimal or --files.

Options:
  -t, --table TABLE       the table the source loads into (a file in schema/)
      --name NAME         the source's name (default: from the file name)
      --sheet S           a spreadsheet's sheet, by name or number
      --files PATTERN     the files pattern (default: from the file name)
      --date-order ORDER  dmy, mdy or ymd: how dates are written where the sample
                          does not show it (01/11/2026 is 1 November in dmy)
      --decimal MARK      comma or dot: how numbers are written where the sample does
                          not show it (1.234 is 1234 with comma, one and a bit with dot)
      --skip-lines N      lines above the header (default: found automatically, as
                          plutus preview shows), written as skip_lines
  -y, --yes               write without asking (for scripts)

Exit codes: 0 added (or declined); 2 a question is open, or a usage error.

Examples:
  plutus add-source ~/Downloads/linkedin_ads_2026-11.csv --table ad_spend
  plutus add-source uk_leads.csv --table leads --date-order dmy --yes
  plutus add-source deals.xlsx --table deals --name pipedrive_deals --yes`;

export async function run(args: string[], globals: GlobalOptions): Promise<number> {
  const { values, positionals } = parseCommandArgs("add-source", args, {
    table: { type: "string", short: "t" },
    name: { type: "string" },
    sheet: { type: "string" },
    files: { type: "string" },
    "date-order": { type: "string" },
    decimal: { type: "string" },
    "skip-lines": { type: "string" },
    yes: { type: "boolean", short: "y" },
  }, { min: 1, max: 1, names: "a sample FILE" });
  if (!values.table) {
    throw new UsageError("plutus add-source needs --table TABLE", {
      hint: "e.g. plutus add-source leads.csv --table leads",
    });
  }
  const order = values["date-order"];
  if (order !== undefined && !DATE_ORDERS.includes(order as DateOrder)) {
    throw new UsageError(`--date-order takes dmy, mdy or ymd; got "${order}"`, {
      hint: "dmy: 01/11/2026 is 1 November; mdy: it is January 11; ymd: 2026/11/01.",
    });
  }
  const decimal = values.decimal;
  if (decimal !== undefined && decimal !== "comma" && decimal !== "dot") {
    throw new UsageError(`--decimal takes comma or dot; got "${decimal}"`, {
      hint: "comma: 1.234,5 (1.234 is 1234); dot: 1,234.5 (1.234 is one and a bit).",
    });
  }
  const skip = values["skip-lines"];
  if (skip !== undefined && !/^\d{1,6}$/.test(skip)) {
    throw new UsageError(`--skip-lines takes a number of lines; got "${skip}"`, {
      hint: "e.g. --skip-lines 3: the header is on line 4 (plutus preview FILE shows the lines).",
    });
  }
  const file = positionals[0]!;
  const project = await openProject(globals.project);
  const sheet = values.sheet === undefined
    ? undefined
    : /^\d+$/.test(values.sheet)
    ? Number(values.sheet)
    : values.sheet;
  const options = {
    name: values.name,
    sheet,
    files: values.files,
    decimal: decimal as DecimalMark | undefined,
    dateOrder: order as DateOrder | undefined,
    skipLines: skip === undefined ? undefined : Number(skip),
  };
  const interactive = values.yes !== true && Deno.stdin.isTerminal();
  let proposal = await proposeSource(project, file, values.table, options);
  if (proposal.questions.length > 0 && interactive) {
    const answer = askDateOrder(proposal.questions);
    if (answer === undefined) {
      print("Nothing was changed.");
      return 0;
    }
    options.dateOrder = answer;
    proposal = await proposeSource(project, file, values.table, options);
  }
  if (proposal.decimalQuestions.length > 0 && interactive) {
    for (const question of proposal.decimalQuestions) print(yellow(describeDecimal(question)));
    const answer = (prompt("How are the numbers written? [comma/dot]") ?? "").trim().toLowerCase();
    if (answer !== "comma" && answer !== "dot") {
      print("Nothing was changed.");
      return 0;
    }
    options.decimal = answer;
    proposal = await proposeSource(project, file, values.table, options);
  }
  show(file, proposal);
  if (proposal.questions.length > 0) throw dateOrderNeeded(proposal.questions);
  if (proposal.decimalQuestions.length > 0) throw decimalNeeded(proposal);
  if (proposal.overlaps.length > 0 && !interactive) throw overlapping(proposal);
  let write = values.yes === true;
  if (!write) {
    if (!interactive) {
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
  await addProposedSource(project, proposal);
  print(`Added source ${proposal.name} to plutus.yaml. Check it with: plutus check`);
  return 0;
}

function show(file: string, proposal: SourceProposal): void {
  print(bold(`Proposed source for ${file}:`));
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
  for (const { source, files } of proposal.overlaps) {
    print(yellow(
      `Check: files "${proposal.files}" could also match the files of source ${source} ` +
        `(${files.map((f) => `"${f}"`).join(", ")}): a file matching both is refused ` +
        `("matches the files pattern of several sources")`,
    ));
  }
}

/** The question, at a terminal; undefined when not answered. */
function askDateOrder(questions: readonly DateQuestion[]): DateOrder | undefined {
  const orders = [...new Set(questions.flatMap((q) => q.orders))];
  for (const question of questions) print(yellow(describe(question)));
  const answer = (prompt(`How are the dates written? [${orders.join("/")}]`) ?? "").trim()
    .toLowerCase();
  return orders.find((o) => o === answer);
}

function describe({ column, header, examples, orders }: DateQuestion): string {
  const value = examples[0]!;
  const readings = orders.map((o) => `${readAs(value, o) ?? "?"} in ${o}`).join(", ");
  return `Column ${column} ("${header}") holds ${examples.join(" … ")}, which fit ${
    orders.map((o) => ORDER_WORDS[o]).join(" and ")
  } alike: no value in the sample proves which (${value} is ${readings}).`;
}

function dateOrderNeeded(questions: readonly DateQuestion[]): UsageError {
  const orders = [...new Set(questions.flatMap((q) => q.orders))];
  return new UsageError(
    `the day/month order is not known: ${questions.map(describe).join(" ")}`,
    {
      code: "date_order_needed",
      hint: `Say which with ${
        orders.map((o) => `--date-order ${o}`).join(" or ")
      }. Nothing was written.`,
    },
  );
}

function decimalNeeded(proposal: SourceProposal): UsageError {
  return new UsageError(
    `the decimal mark is not known: ${proposal.decimalQuestions.map(describeDecimal).join(" ")}`,
    {
      code: "decimal_needed",
      hint: "Say which with --decimal comma or --decimal dot. Nothing was written.",
    },
  );
}

function overlapping(proposal: SourceProposal): UsageError {
  const names = proposal.overlaps.map((o) => o.source).join(", ");
  return new UsageError(
    `files "${proposal.files}" could also match the files of source ${names}`,
    {
      code: "files_overlap",
      hint: `Give the new source a pattern of its own with --files PATTERN, or add the ` +
        `columns to ${names} instead. Nothing was written.`,
    },
  );
}
