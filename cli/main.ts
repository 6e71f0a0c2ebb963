/**
 * The command line: finds the command, loads only its module (start-up stays fast), and is
 * the one place that turns errors into `error: …` / `hint: …` and an exit code.
 *
 * @module
 */
import { explainIoError } from "../util/io_errors.ts";
import { ConfigError, PlutusError, UsageError } from "../util/errors.ts";
import { VERSION } from "../version.ts";
import { type GlobalOptions, splitGlobalOptions } from "./args.ts";
import { bold, dim, print, printErr, red, setupColor, yellow } from "./output.ts";
import { relaunchIfConfined, writeRoot } from "./relaunch.ts";

/** What a command module exports. */
export interface Command {
  /** Full help text: usage, options, examples. */
  help: string;
  /** Runs the command; returns the exit code. */
  run(args: string[], globals: GlobalOptions): Promise<number>;
}

interface CommandEntry {
  summary: string;
  load: () => Promise<Command>;
}

export const COMMANDS: Record<string, CommandEntry> = {
  init: {
    summary: "create a project folder (--demo adds sample data)",
    load: () => import("./commands/init.ts"),
  },
  run: {
    summary: "load the API sources and the files waiting in inbox/",
    load: () => import("./commands/run.ts"),
  },
  upload: {
    summary: "copy files into inbox/ and load them",
    load: () => import("./commands/upload.ts"),
  },
  discard: {
    summary: "set waiting files aside in archive/discarded/, unloaded",
    load: () => import("./commands/discard.ts"),
  },
  rerun: {
    summary: "rerun the failed steps of the last (or a given) run",
    load: () => import("./commands/rerun.ts"),
  },
  status: {
    summary: "show runs, steps, counts and errors",
    load: () => import("./commands/status.ts"),
  },
  rejects: {
    summary: "show the rows a run rejected, or write them to CSV to fix",
    load: () => import("./commands/rejects.ts"),
  },

  logs: {
    summary: "print a run's log, or today's error log",
    load: () => import("./commands/logs.ts"),
  },
  query: {
    summary: "run read-only SQL and print the rows",
    load: () => import("./commands/query.ts"),
  },
  export: {
    summary: "write a table or a query to CSV in exports/",
    load: () => import("./commands/export.ts"),
  },
  preview: {
    summary: "show how a file is read: format, headers, first rows",
    load: () => import("./commands/preview.ts"),
  },
  "add-source": {
    summary: "propose a source for a sample file and add it to plutus.yaml",
    load: () => import("./commands/add_source.ts"),
  },
  serve: {
    summary: "start the GUI in your browser (127.0.0.1 only)",
    load: () => import("./commands/serve.ts"),
  },
  check: {
    summary: "check the configuration, schemas and waiting files; load nothing",
    load: () => import("./commands/check.ts"),
  },
  db: {
    summary: "copy the project's SQLite tables into PostgreSQL (db copy --to URL)",
    load: () => import("./commands/db.ts"),
  },
  "schema-json": {
    summary: "write the JSON Schemas editors use to check plutus.yaml and schema/",
    load: () => import("./commands/schema_json.ts"),
  },
};

const EXIT_USAGE = 2;

/** How the process was started, where it matters. */
export interface CliOptions {
  /**
   * The folder the process started in, where a confined Plutus may write (`--allow-write=.`);
   * a command for a project elsewhere runs Plutus again there. Absent in-process (tests).
   */
  startedIn?: string;
}

/** Runs the CLI with `argv`; returns the exit code. */
export async function runCli(argv: readonly string[], options: CliOptions = {}): Promise<number> {
  let command: string | undefined;
  try {
    const split = splitGlobalOptions(argv);
    command = split.command;
    setupColor(split.globals.color);
    if (split.globals.version) {
      print(`plutus ${VERSION}`);
      return 0;
    }
    if (command === undefined || command === "help") {
      const topic = command === "help" ? split.rest[0] : undefined;
      if (topic && COMMANDS[topic]) {
        print((await COMMANDS[topic].load()).help);
        return 0;
      }
      print(mainHelp());
      return command === undefined && !split.globals.help && argv.length > 0 ? EXIT_USAGE : 0;
    }
    const entry = COMMANDS[command];
    if (!entry) {
      const { closestMatch } = await import("../util/closest_match.ts");
      const guess = closestMatch(command, Object.keys(COMMANDS));
      throw new UsageError(
        `unknown command "${command}"${guess ? ` (did you mean "${guess}"?)` : ""}`,
        {
          hint: "See the commands with: plutus --help",
        },
      );
    }
    const module = await entry.load();
    if (split.globals.help) {
      print(module.help);
      return 0;
    }
    if (options.startedIn !== undefined) {
      const root = writeRoot(command, split.rest, split.globals.project);
      const code = await relaunchIfConfined(argv, root, options.startedIn);
      if (code !== undefined) return code;
    }
    return await module.run(split.rest, split.globals);
  } catch (error) {
    return reportError(error);
  }
}

/** Prints an error the analyst can act on; a stack trace only with PLUTUS_DEBUG=1. */
export function reportError(error: unknown): number {
  // The reader of our output went away (`plutus logs | head`): nothing left to tell.
  if (error instanceof Deno.errors.BrokenPipe) return 0;
  const debug = Deno.env.get("PLUTUS_DEBUG") === "1";

  error = explainIoError(error) ?? error;
  if (error instanceof PlutusError) {
    const lines = error.message.split("\n");
    if (error instanceof ConfigError && lines.length > 1) {
      printErr(`${red("error:", true)} ${lines.length} problems in the configuration:`);
      for (const line of lines) printErr(`  ${line}`);
    } else printErr(`${red("error:", true)} ${error.message}`);
    if (error.hint) printErr(`${yellow("hint:", true)} ${error.hint}`);
    if (debug && error.stack) printErr(dim(error.stack, true));
    return error instanceof ConfigError || error instanceof UsageError ? EXIT_USAGE : 1;
  }
  if (error instanceof Deno.errors.NotCapable) {
    // Plutus may write only inside the folder it runs in (runtime_flags.ts); Deno's own
    // words ("run again with the --allow-write flag") are no advice for the analyst.
    const path = /access to "([^"]*)"/.exec(error.message)?.[1];
    printErr(
      `${red("error:", true)} Plutus may not write ${
        path ? `to ${path}` : "there"
      }: it writes only inside the project folder`,
    );
    printErr(
      `${
        yellow("hint:", true)
      } Keep database:, exports and files inside the project folder, or run Plutus in the folder you mean.`,
    );
    if (debug) printErr(dim(String((error as Error).stack), true));
    return 1;
  }
  if (error instanceof Deno.errors.PermissionDenied || error instanceof Deno.errors.NotFound) {
    printErr(`${red("error:", true)} ${(error as Error).message}`);
    printErr(`${yellow("hint:", true)} Check the path and that you may read and write it.`);
    if (debug) printErr(dim(String((error as Error).stack), true));
    return 1;
  }
  printErr(
    `${red("error:", true)} unexpected: ${error instanceof Error ? error.message : String(error)}`,
  );
  if (debug) printErr(dim(error instanceof Error ? String(error.stack) : "", true));
  else {printErr(
      `${
        yellow("hint:", true)
      } This is a bug in Plutus. Run again with PLUTUS_DEBUG=1 to see the details, and report them.`,
    );}
  return 1;
}

function mainHelp(): string {
  const names = Object.keys(COMMANDS);
  const pad = Math.max(...names.map((name) => name.length));
  return [
    `${bold("plutus")} ${VERSION} — a data pipeline for a marketing & sales analyst`,
    "",
    `${bold("Usage:")} plutus <command> [options]`,
    "",
    bold("Commands:"),
    ...names.map((name) => `  ${name.padEnd(pad)}  ${COMMANDS[name]!.summary}`),
    "",
    bold("Options for every command:"),
    "  -p, --project DIR   the project folder (default: the current folder)",
    "  -h, --help          help for a command: plutus run --help",
    "  -V, --version       print the version",
    "      --no-color      no colours (NO_COLOR=1 does the same)",
    "",
    bold("Start:"),
    "  plutus init acme --demo     a project with sample files",
    "  plutus run --project acme   load them",
    "  plutus status --project acme",
    "",
    "Exit codes: 0 all good, 1 a step failed, 2 usage or configuration error.",
    "Docs: docs/cli.md",
  ].join("\n");
}
