/**
 * Plutus: ingest, clean, de-duplicate and load marketing and sales data into SQLite.
 * This entry point only hands the arguments to the CLI.
 *
 * @module
 */

// Plutus may write only in the folder it starts in (runtime_flags.ts). When it runs itself
// again in a project folder (cli/relaunch.ts), PLUTUS_CWD is the folder the analyst called
// it from, so relative paths on the command line mean what they meant.
const startedIn = Deno.cwd();
const calledFrom = Deno.env.get("PLUTUS_CWD");
if (calledFrom) Deno.chdir(calledFrom);

if (Deno.args[0] === "__query") {
  // A GUI query's own process (core/query/query_channel.ts): only the query code loads.
  const { serveQueryChild } = await import("./core/query/query_child.ts");
  await serveQueryChild();
} else {
  const { runCli } = await import("./cli/main.ts");
  Deno.exit(await runCli(Deno.args, { startedIn }));
}
