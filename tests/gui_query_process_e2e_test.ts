/**
 * The GUI as the analyst starts it (`plutus serve` with the program's own permissions): a
 * runaway query is stopped at its time limit and leaves no CPU busy, because it ran in a
 * process of its own that the stop killed (core/query/query_channel.ts).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { RUN_FLAGS } from "../runtime_flags.ts";
import { expectCode, MAIN, runCli, TEST_ENV, withTempDir } from "./helpers.ts";

/** CPU seconds process `pid` used so far (Linux: /proc, clock ticks of 1/100 s). */
function cpuSeconds(pid: number): number {
  const fields = Deno.readTextFileSync(`/proc/${pid}/stat`).split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The processes whose parent is `pid`. */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`).split(") ")[1]!.split(" ");
      if (Number(stat[1]) === pid) children.push(Number(entry.name));
    } catch {
      // ended meanwhile
    }
  }
  return children;
}

Deno.test({
  name: "plutus serve stops a runaway query at its limit and no CPU stays busy after",
  ignore: Deno.build.os !== "linux",
  fn: () =>
    withTempDir(async (dir) => {
      expectCode(await runCli(["init", join(dir, "demo"), "--demo"]), 0);
      const project = join(dir, "demo");
      expectCode(await runCli(["run", "--project", project]), 0);
      await Deno.writeTextFile(join(project, "plutus.yaml"), "query_timeout_seconds: 1\n", {
        append: true,
      });
      const server = new Deno.Command(Deno.execPath(), {
        args: ["run", ...RUN_FLAGS, MAIN, "serve", "--port", "0"],
        cwd: project,
        env: TEST_ENV,
        stdout: "piped",
        stderr: "null",
      }).spawn();
      try {
        const reader = server.stdout.pipeThrough(new TextDecoderStream()).getReader();
        let printed = "";
        while (!/Open: (\S+)/.test(printed)) printed += (await reader.read()).value ?? "";
        reader.releaseLock();
        const url = new URL(/Open: (\S+)/.exec(printed)![1]!);
        const cookie = `plutus_token_${url.port}=${url.searchParams.get("token")}`;
        const home = await (await fetch(new URL("/", url), { headers: { cookie } })).text();
        const csrf = /<meta name="csrf" content="([^"]+)">/.exec(home)![1]!;
        const ask = (sql: string) =>
          fetch(new URL("/query", url), {
            method: "POST",
            headers: { cookie, origin: url.origin, "x-csrf-token": csrf },
            body: new URLSearchParams({ sql }),
          });
        const endless = await ask(
          "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c",
        );
        assert.equal(endless.status, 400);
        assert.match(await endless.text(), /the query was stopped after 1 s/);

        const processes = () => [server.pid, ...childrenOf(server.pid)];
        // a process that ends between the listing and the reading (the stopped query's,
        // reaped just then) uses nothing more: left out, not an error
        const before = processes().flatMap((pid) => {
          try {
            return [[pid, cpuSeconds(pid)] as const];
          } catch {
            return [];
          }
        });
        await new Promise((resolve) => setTimeout(resolve, 1500));
        let used = 0;
        for (const [pid, cpu] of before) {
          try {
            used += cpuSeconds(pid) - cpu;
          } catch {
            // killed: it uses nothing
          }
        }
        // a query left running on a thread of the server would use ~1.5 s here
        assert.ok(used < 0.4, `${used.toFixed(2)} s of CPU after the query was stopped`);

        const next = await ask("SELECT count(*) AS n FROM leads");
        assert.equal(next.status, 200);
        assert.match(await next.text(), /<td class="n">\d+<\/td>/);
      } finally {
        server.kill("SIGINT");
        await server.status;
        await server.stdout.cancel().catch(() => {});
      }
    }),
});
