/**
 * Plutus: ingest, clean, de-duplicate and load marketing and sales data into SQLite.
 * This entry point only hands the arguments to the CLI.
 *
 * @module
 */
import { runCli } from "./cli/main.ts";

// `deno task plutus` runs in the repository and passes the folder it was called from
// (INIT_CWD) as PLUTUS_CWD, so relative paths mean what the analyst expects, as they do
// for the compiled binary.
const calledFrom = Deno.env.get("PLUTUS_CWD");
if (calledFrom) Deno.chdir(calledFrom);

Deno.exit(await runCli(Deno.args));
