/**
 * A run whose PostgreSQL connection is lost mid-step (the server restarted, an
 * administrator ended the session): the step fails with that cause, the run is recorded
 * failed at once on a fresh connection — not left "running" for the next run to call
 * "interrupted (its process stopped)" — and nothing of the step is kept or moved.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { openProject } from "../core/project/project.ts";
import { runPipeline } from "../core/pipeline/run_pipeline.ts";
import { connectPg, reserveConnection } from "../core/store/postgres/pg_connect.ts";
import { StoreError } from "../util/errors.ts";
import { expectCode, runCli, within, withTempDir, writeFiles } from "./helpers.ts";
import { freshDatabase, pgMissing } from "./pg_server.ts";
import { PgDriver } from "../core/store/postgres/pg_driver.ts";

Deno.test({
  name: "a connection lost in the middle of a step: status names it at once, nothing is kept",
  ignore: await pgMissing(),
  fn: () =>
    withTempDir(async (dir) => {
      const db = (await freshDatabase())!;
      const admin = connectPg(db.url);
      const other = connectPg(db.url);
      const holder = await reserveConnection(other);
      try {
        await writeFiles(dir, {
          "plutus.yaml":
            `database: "${db.url}"\nsources:\n  a:\n    kind: file\n    files: "a_*.csv"\n    table: t\n`,
          "schema/t.yaml":
            "columns:\n  k: { type: text, required: true }\n  v: { type: text }\nkey: [k]\n",
          "inbox/a_1.csv": "k,v\nk1,one\n",
        });
        expectCode(await runCli(["run", "--project", dir]), 0);

        // the next step waits for a table someone else holds; then its session is ended
        await holder.unsafe("BEGIN");
        await holder.unsafe("LOCK TABLE t IN ACCESS EXCLUSIVE MODE");
        await Deno.writeTextFile(join(dir, "inbox", "a_2.csv"), "k,v\nk1,changed\nk2,two\n");
        const project = await openProject(dir);
        const run = runPipeline(project, { trigger: "cli", command: "run", settleMs: 0 })
          .then(() => undefined, (error) => error);
        const waiting = async () =>
          await admin.unsafe<{ pid: number }[]>(
            `SELECT pid FROM pg_stat_activity WHERE datname = current_database()
             AND application_name = 'plutus run' AND wait_event_type = 'Lock'`,
          );
        let found = await waiting();
        for (let tries = 0; found.length === 0; tries++) {
          assert.ok(tries < 600, "the run never waited for the table");
          await new Promise((resolve) => setTimeout(resolve, 50));
          found = await waiting();
        }
        await admin.unsafe("SELECT pg_terminate_backend($1)", [found[0]!.pid]);
        const error = await run;
        await holder.unsafe("ROLLBACK");
        assert.ok(error instanceof StoreError, String(error));
        assert.equal(error.code, "db_connection_lost");

        // recorded at once: failed, with the cause; not "running", not "interrupted"
        const status = expectCode(await runCli(["status", "2", "--project", dir]), 0).stdout;
        assert.match(status, /Run 2\s+failed/);
        assert.match(
          status,
          /a_2\.csv.*(connection to PostgreSQL at .* was lost|ended the connection)/s,
        );
        assert.doesNotMatch(status, /interrupted|process stopped/);
        // nothing of the step kept; its file waits in inbox/ for the rerun, which loads it
        assert.deepEqual(
          [...await admin.unsafe("SELECT k, v FROM t ORDER BY k")],
          [{ k: "k1", v: "one" }],
        );
        assert.ok((await Deno.stat(join(dir, "inbox", "a_2.csv"))).isFile);
        const rerun = expectCode(await runCli(["rerun", "--project", dir]), 0).stdout;
        assert.doesNotMatch(rerun, /was interrupted/);
        assert.deepEqual(
          [...await admin.unsafe("SELECT k, v FROM t ORDER BY k")],
          [{ k: "k1", v: "changed" }, { k: "k2", v: "two" }],
        );
      } finally {
        holder.release();
        await other.end();
        await admin.end();
        await db.drop();
      }
    }),
});

Deno.test({
  name:
    "the stop is recorded on a bare connection: a session of the run that lives on holding locks does not hang it",
  ignore: await pgMissing(),
  fn: async () => {
    const db = (await freshDatabase())!;
    const driver = new PgDriver({ kind: "postgres", url: db.url, schema: "public" });
    const admin = connectPg(db.url);
    const other = connectPg(db.url);
    const holder = await reserveConnection(other);
    try {
      const store = await driver.openWriter();
      const runId = await store.startRun("cli", "run");
      await store.startStep(runId, "a", "a_1.csv", null);
      await store.close();
      // the run's old session, still alive in the server after its link broke, holds the
      // rejects table (it wrote rejects): setting up a writer waited for it, for hours
      await holder.unsafe("BEGIN");
      await holder.unsafe("LOCK TABLE _plutus_rejects IN ROW EXCLUSIVE MODE");
      try {
        await within(
          driver.recordStop(runId, "the connection was lost"),
          30_000,
          "recordStop waited for the lock",
        );
      } finally {
        await holder.unsafe("ROLLBACK");
      }
      const rows = await admin.unsafe(
        `SELECT r.status AS run, s.status AS step, s.error FROM _plutus_runs r
         JOIN _plutus_steps s ON s.run_id = r.id WHERE r.id = $1`,
        [runId],
      );
      assert.deepEqual([...rows], [{
        run: "failed",
        step: "failed",
        error: "the connection was lost",
      }]);
    } finally {
      holder.release();
      await other.end();
      await admin.end();
      await db.drop();
    }
  },
});
