/**
 * `deno task demo`: makes the demo project in ./demo (again, if an earlier demo is there),
 * loads its sample exports with `plutus run`, exports a table, and says where things are.
 *
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runCli } from "../cli/main.ts";
import { initProject } from "../core/init/init_project.ts";

const dir = fileURLToPath(new URL("../demo", import.meta.url));
const marker = join(dir, ".plutus-demo");

if (await exists(dir)) {
  if (!(await exists(marker))) {
    console.error(`error: ${dir} exists and was not made by deno task demo; nothing was changed`);
    console.error(
      "hint: Move that folder away, or make a demo elsewhere: deno task plutus init my-demo --demo",
    );
    Deno.exit(2);
  }
  await Deno.remove(dir, { recursive: true });
}
await initProject(dir, { demo: true });
await Deno.writeTextFile(
  marker,
  "made by deno task demo; the next deno task demo replaces this folder\n",
);
console.log(`Demo project: ${dir}\n`);

const code = await runCli(["run", "--project", dir]);
console.log("");
await runCli(["export", "ad_spend", "--project", dir]);
console.log(`
Where things are:
  database  ${join(dir, "data", "plutus.db")}
  logs      ${join(dir, "logs")}/   (plutus logs --project demo)
  exports   ${join(dir, "exports")}/
  archive   ${join(dir, "archive")}/   (the loaded sample files)

Try next:
  deno task plutus status --project demo
  deno task plutus query "SELECT channel, round(sum(spend), 2) AS spend FROM ad_spend GROUP BY channel" --project demo
  deno task plutus upload demo/samples/google_ads_campaigns_2026-11-07_2026-11-08.csv --project demo`);
Deno.exit(code);

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}
