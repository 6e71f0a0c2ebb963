/**
 * inbox/ through the CLI: a fixed upload replaces the file that failed, discard sets a file
 * aside (never deletes), pipes are refused at once (the real program, which a hang cannot
 * stop), and what data or file names hold never reaches the terminal or a log as raw
 * control characters.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { measureCommand, PLUTUS } from "../bench/measure.ts";
import {
  expectCode,
  filesIn,
  LEADS_PROJECT,
  query,
  runCli,
  withTempDir,
  writeFiles,
} from "./helpers.ts";

const today = () => {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
};

Deno.test("a fixed upload replaces the failed file (kept in discarded/); discard sets a file aside", () =>
  withTempDir(async (dir) => {
    const project = join(dir, "p");
    await writeFiles(project, LEADS_PROJECT);
    await writeFiles(dir, {
      "bad/leads.csv": "Email,Stage,Amount\nnot-an-email,lead,1\nalso bad,lead,2\n",
      "fixed/leads.csv": "Email,Stage,Amount\nann@x.com,lead,1\nbo@x.com,lead,2\n",
    });
    const p = ["--project", project];
    expectCode(await runCli(["upload", join(dir, "bad", "leads.csv"), ...p]), 1);
    assert.deepEqual(await filesIn(join(project, "inbox")), ["leads.csv"]);

    const fixed = expectCode(await runCli(["upload", join(dir, "fixed", "leads.csv"), ...p]), 0);
    assert.match(
      fixed.stdout,
      new RegExp(
        `Replaced inbox/leads\\.csv, which had failed; it is kept in archive/discarded/${today()}/leads\\.csv`,
      ),
    );
    assert.deepEqual(await filesIn(join(project, "inbox")), [], "no leads (2).csv left behind");
    assert.equal(query(project, "SELECT count(*) AS n FROM leads")[0]!.n, 2);
    assert.match(
      await Deno.readTextFile(join(project, "archive", "discarded", today(), "leads.csv")),
      /not-an-email/,
    );
    const history = query(project, "SELECT command FROM _plutus_runs ORDER BY id")
      .map((r) => r.command);
    assert.ok(history.includes("upload leads.csv"), history.join(" | "));

    await writeFiles(project, { "inbox/junk.csv": "what is this\n" });
    const discard = expectCode(
      await runCli(["discard", "inbox/junk.csv", ...p], { cwd: project }),
      0,
    );
    assert.match(
      discard.stdout,
      new RegExp(`Set aside inbox/junk\\.csv → archive/discarded/${today()}/junk\\.csv`),
    );
    assert.deepEqual(await filesIn(join(project, "inbox")), []);
    assert.equal(
      await Deno.readTextFile(join(project, "archive", "discarded", today(), "junk.csv")),
      "what is this\n",
    );
    const status = expectCode(await runCli(["status", ...p]), 0);
    assert.match(status.stdout, /discard inbox\/junk\.csv/);

    const outside = expectCode(await runCli(["discard", "../plutus.yaml", ...p]), 1);
    assert.match(outside.stderr, /error: "\.\.\/plutus\.yaml" is not a file in inbox\//);
    const missing = expectCode(await runCli(["discard", "nope.csv", ...p]), 1);
    assert.match(missing.stderr, /error: no file named "nope\.csv" is waiting in inbox\//);
    assert.ok((await Deno.stat(join(project, "plutus.yaml"))).isFile);
  }));

Deno.test("control characters in values and file names are escaped on the terminal and in logs", () =>
  withTempDir(async (dir) => {
    await writeFiles(dir, LEADS_PROJECT);
    await Deno.mkdir(join(dir, "inbox"));
    const name = "leads\x1b]0;pwned\x07\nINFO forged.csv";
    await Deno.writeTextFile(
      join(dir, "inbox", name),
      "Email,Stage,Amount\nann@x.com,\x1b[2Jlead,1\nbo@x.com,lead\r\x1b[31m,2\n",
    );
    const p = ["--project", dir];
    const outputs = [
      await runCli(["run", ...p]),
      await runCli(["status", "1", ...p]),
      await runCli(["rejects", ...p]),
      await runCli(["query", "SELECT * FROM _plutus_rejects", ...p]),
      await runCli(["logs", ...p]),
      await runCli(["logs", "--errors", ...p]),
    ];
    for (const output of outputs) {
      // deno-lint-ignore no-control-regex
      assert.doesNotMatch(output.stdout + output.stderr, /[\x1b\x07\r]/, output.stdout);
    }
    assert.match(outputs[0]!.stdout, /leads\\x1b\]0;pwned\\x07\\nINFO forged\.csv/);
    assert.match(outputs[2]!.stdout, /\\x1b\[2Jlead/);
    const log = outputs[4]!.stdout.trimEnd().split("\n");
    for (const line of log) {
      assert.match(line, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} (INFO|WARN|ERROR|REJECT) /, line);
    }
    // --csv is for other programs: the data as it is
    const raw = expectCode(
      await runCli(["query", "SELECT value FROM _plutus_rejects", "--csv", ...p]),
      0,
    );
    assert.ok(raw.stdout.includes("\x1b[2Jlead"), raw.stdout);
  }));

Deno.test("a named pipe is refused at once by preview, add-source, upload and run", () =>
  withTempDir(async (dir) => {
    await writeFiles(dir, LEADS_PROJECT);
    await Deno.mkdir(join(dir, "inbox"));
    const pipe = join(dir, "inbox", "leads_pipe.csv");
    await new Deno.Command("mkfifo", { args: [pipe] }).output();
    const p = ["--project", dir];
    for (
      const args of [
        ["preview", pipe],
        ["add-source", pipe, "--table", "leads", "--yes"],
        ["upload", pipe],
        ["upload", "--dry-run", pipe],
        ["run"],
      ]
    ) {
      const result = await measureCommand([...PLUTUS, ...args, ...p], {
        PLUTUS_SETTLE_MS: "0",
      }, 20_000);
      const output = result.stdout + result.stderr;
      assert.doesNotMatch(output, /killed after/, `${args[0]} hung on a pipe`);
      assert.notEqual(result.code, 0, `${args.join(" ")}: ${output}`);
      assert.match(output, /not a regular file/, `${args.join(" ")}: ${output}`);
      assert.doesNotMatch(output, /bug/);
    }
  }));
