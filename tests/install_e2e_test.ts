/**
 * `deno task install` puts a `plutus` command on PATH that works from any folder. Run with
 * a throwaway HOME and install root, so that nothing on the machine is touched; the Deno
 * cache is the machine's, so that it works offline as it would for the analyst.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ROOT, withTempDir } from "./helpers.ts";

async function denoDir(): Promise<string> {
  const info = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json"],
    stdout: "piped",
  })
    .output();
  return JSON.parse(new TextDecoder().decode(info.stdout)).denoDir;
}

Deno.test({
  name: "deno task install gives a plutus command that works from any folder",
  ignore: Deno.build.os === "windows",
  fn: () =>
    withTempDir(async (dir) => {
      const root = join(dir, "deno-root");
      const work = join(dir, "work");
      await Deno.mkdir(work);
      await Deno.mkdir(join(dir, "home"));
      const env = {
        NO_COLOR: "1",
        HOME: join(dir, "home"),
        DENO_DIR: await denoDir(),
        DENO_INSTALL_ROOT: root,
        PATH: `${join(root, "bin")}:${Deno.env.get("PATH") ?? ""}`,
      };
      const run = async (command: string) => {
        const output = await new Deno.Command("sh", {
          args: ["-c", command],
          cwd: work,
          clearEnv: true,
          env,
          stdout: "piped",
          stderr: "piped",
        }).output();
        const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
        return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
      };
      // from another folder, naming the repository's deno.json
      const installed = await run(`deno task --config '${join(ROOT, "deno.json")}' install`);
      assert.equal(installed.code, 0, installed.stderr);
      const launcher = await Deno.readTextFile(join(root, "bin", "plutus"));
      assert.ok(!/--allow-all|\s-A\s/.test(launcher), launcher);

      const version = await run("plutus --version");
      assert.equal(version.code, 0, version.stderr);
      assert.match(version.stdout, /^plutus \d+\.\d+\.\d+/);
      const init = await run("plutus init x");
      assert.equal(init.code, 0, init.stderr);
      assert.ok((await Deno.stat(join(work, "x", "plutus.yaml"))).isFile);
      // the same command from inside the project, and a run from outside it
      const check = await run("cd x && plutus check");
      assert.equal(check.code, 0, check.stdout + check.stderr);
      const loaded = await run("cd / && plutus run --project " + JSON.stringify(join(work, "x")));
      assert.equal(loaded.code, 0, loaded.stdout + loaded.stderr);
      assert.ok((await Deno.stat(join(work, "x", "data", "plutus.db"))).isFile);
    }),
});
