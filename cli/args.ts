/**
 * Command-line parsing: global options may stand anywhere (`plutus --project ~/acme run`
 * and `plutus run --project ~/acme`), each command then parses its own options strictly.
 *
 * @module
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "../util/errors.ts";

/** Options every command understands. */
export interface GlobalOptions {
  project: string;
  help: boolean;
  version: boolean;
  color: boolean;
}

/** Takes the global options out of argv and finds the command name. */
export function splitGlobalOptions(argv: readonly string[]): {
  command?: string;
  rest: string[];
  globals: GlobalOptions;
} {
  const globals: GlobalOptions = { project: ".", help: false, version: false, color: true };
  const rest: string[] = [];
  let command: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      rest.push(...argv.slice(i));
      break;
    }
    if (arg === "--project" || arg === "-p") {
      const value = argv[++i];
      if (value === undefined || value.startsWith("-")) {
        throw new UsageError(`${arg} needs a folder`, { hint: "e.g. plutus run --project ~/acme" });
      }
      globals.project = value;
    } else if (arg.startsWith("--project=")) globals.project = arg.slice("--project=".length);
    else if (arg === "--help" || arg === "-h") globals.help = true;
    else if (arg === "--version" || arg === "-V") globals.version = true;
    else if (arg === "--no-color") globals.color = false;
    else if (command === undefined && !arg.startsWith("-")) command = arg;
    else rest.push(arg);
  }
  return { command, rest, globals };
}

/** Parses a command's own options; anything unknown is a usage error naming the command. */
export function parseCommandArgs<O extends NonNullable<ParseArgsConfig["options"]>>(
  command: string,
  args: string[],
  options: O,
  positionals: { min?: number; max?: number; names?: string } = {},
) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(tidy((error as Error).message), { hint: `See: plutus ${command} --help` });
  }
  const count = parsed.positionals.length;
  if (count < (positionals.min ?? 0)) {
    throw new UsageError(`plutus ${command} needs ${positionals.names ?? "an argument"}`, {
      hint: `See: plutus ${command} --help`,
    });
  }
  if (count > (positionals.max ?? Infinity)) {
    throw new UsageError(
      `plutus ${command} takes ${
        positionals.max === 0 ? "no arguments" : `at most ${positionals.max}`
      }; got ${parsed.positionals.map((p) => JSON.stringify(p)).join(" ")}`,
      { hint: `See: plutus ${command} --help` },
    );
  }
  return parsed;
}

/** A whole positive number from an argument, e.g. a run id. */
export function parseRunId(text: string | undefined, command: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1) {
    throw new UsageError(`"${text}" is not a run number`, {
      hint: `Run numbers are shown by plutus status; e.g. plutus ${command} 12`,
    });
  }
  return Number(text);
}

function tidy(message: string): string {
  // "--limit -5": node's words about dashes; say what the option got instead
  const dashed = /^Option '(-[^']*)' argument is ambiguous/.exec(message);
  if (dashed) return `${dashed[1]} needs a value, and got an argument that starts with "-"`;
  return message.replace(/\. To specify a positional argument.*$/s, "").replace(
    /^Unknown option/,
    "unknown option",
  );
}
