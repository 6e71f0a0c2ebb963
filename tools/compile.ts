/**
 * `deno task compile`: one executable per platform in dist/, with only the permissions
 * Plutus needs baked in, and the preparing worker embedded.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { browserOpener } from "../web/open_browser.ts";
import { BEHAVIOUR_FLAGS, PERMISSIONS, V8_FLAGS } from "../runtime_flags.ts";
import { VERSION } from "../version.ts";

const TARGETS = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
  "x86_64-pc-windows-msvc",
];

const root = fileURLToPath(new URL("..", import.meta.url));
const only = Deno.args.length > 0 ? Deno.args : TARGETS;
for (const target of only) {
  const suffix = target.includes("windows") ? ".exe" : "";
  const output = `dist/plutus-${VERSION}-${target}${suffix}`;
  console.log(`compiling ${output}`);
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: [
      "compile",
      ...PERMISSIONS,
      ...V8_FLAGS,
      ...BEHAVIOUR_FLAGS,
      // itself, found on the PATH, to run again in a project folder (cli/relaunch.ts), and
      // the browser opener for serve --open
      `--allow-run=${target.includes("windows") ? "plutus.exe" : "plutus"},${
        browserOpener(target)
      }`,
      "--include",
      "core/pipeline/prepare_worker.ts",
      "--include",
      "core/store/sqlite/query_worker.ts",
      "--target",
      target,
      "--output",
      output,
      "main.ts",
    ],
    cwd: root,
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (code !== 0) {
    console.error(`error: deno compile failed for ${target}`);
    Deno.exit(code);
  }
}
