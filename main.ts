/**
 * Plutus: ingest, clean, de-duplicate and load marketing and sales data into SQLite.
 * This entry point only hands the arguments to the CLI.
 *
 * @module
 */
import { runCli } from "./cli/main.ts";

// `deno task plutus` runs from the repository; INIT_CWD is where it was called from, so
// relative paths mean what the analyst expects, as they will for the compiled binary.
const calledFrom = Deno.env.get("INIT_CWD");
if (calledFrom) Deno.chdir(calledFrom);

Deno.exit(await runCli(Deno.args));
