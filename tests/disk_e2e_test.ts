/**
 * A full disk and an unwritable logs/ folder: the run fails with an error that says so and
 * what to do, no stack trace, the database as it was (and sound), the file still in inbox/;
 * once there is room, a rerun loads it. The disk is a small tmpfs mounted by the test
 * (root, as in CI); where mounting is not allowed, logs/ is made unwritable by putting a
 * plain file in its place, and the full-disk tests say they were skipped.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ORDERS_CONFIG, ORDERS_SCHEMA, writeOrdersCsv } from "../bench/marketing_csv.ts";
import { expectCode, filesIn, query, runCli, withTempDir, writeFiles } from "./helpers.ts";
import { adminSql, freshDatabase, pgMissing } from "./pg_server.ts";
import { PgDriver } from "../core/store/postgres/pg_driver.ts";
import { exportCsv } from "../core/export/export_csv.ts";
import { PlutusError } from "../util/errors.ts";

/** Mounts a tmpfs at `dir`; returns how to unmount it, or undefined when not allowed. */
async function tryMount(dir: string, options: string): Promise<(() => Promise<void>) | undefined> {
  await Deno.mkdir(dir, { recursive: true });
  try {
    const { success } = await new Deno.Command("mount", {
      args: ["-t", "tmpfs", "-o", options, "tmpfs", dir],
      stdout: "null",
      stderr: "null",
    }).output();
    if (!success) return undefined;
  } catch {
    return undefined;
  }
  return async () => {
    await new Deno.Command("umount", { args: [dir] }).output();
  };
}

const canMount = await (async () => {
  const dir = await Deno.makeTempDir();
  const unmount = await tryMount(dir, "size=1m");
  await unmount?.();
  await Deno.remove(dir);
  if (!unmount) console.warn("disk_e2e_test: cannot mount a tmpfs here; full-disk tests skipped");
  return unmount !== undefined;
})();

/** An orders project in `dir` with 10 rows loaded; returns the waiting export's expected rows. */
async function projectWithBigExport(dir: string, bigRows: number): Promise<number> {
  await writeFiles(dir, { "plutus.yaml": ORDERS_CONFIG, "schema/orders.yaml": ORDERS_SCHEMA });
  const small = join(dir, "..", "orders_small.csv");
  await writeOrdersCsv(small, 10);
  expectCode(await runCli(["upload", small, "--project", dir]), 0);
  await Deno.mkdir(join(dir, "inbox"), { recursive: true });
  const counts = await writeOrdersCsv(join(dir, "inbox", "orders_big.csv"), bigRows);
  return counts.rows - counts.duplicates - counts.bad;
}

function assertIntact(dir: string, rows: number, output: string) {
  assert.doesNotMatch(output, /\n\s+at .+:\d+:\d+/, "a stack trace was printed");
  assert.deepEqual(query(dir, "PRAGMA integrity_check"), [{ integrity_check: "ok" }]);
  assert.equal((query(dir, "SELECT count(*) AS n FROM orders")[0] as { n: number }).n, rows);
}

Deno.test({
  name: "a disk that fills up during a load fails the step clearly; a rerun with room loads it",
  ignore: !canMount,
  fn: () =>
    withTempDir(async (dir) => {
      const disk = join(dir, "disk");
      const unmount = (await tryMount(disk, "size=6m"))!;
      try {
        const project = join(disk, "acme");
        const expected = await projectWithBigExport(project, 10_000);
        // leave ~1.7 MB: the 10,000-row load needs more
        await Deno.writeFile(join(disk, "filler"), new Uint8Array(3 << 20));
        const failed = expectCode(await runCli(["run", "--project", project]), 1);
        const output = failed.stdout + failed.stderr;
        assert.match(output, /error: shop orders_big\.csv: the disk is full/);
        assert.match(output, /hint: Free some space on the disk that holds the project folder/);
        assertIntact(project, 10, output);
        assert.deepEqual(await filesIn(join(project, "inbox")), ["orders_big.csv"]);

        await Deno.remove(join(disk, "filler"));
        expectCode(await runCli(["rerun", "--project", project]), 0);
        assertIntact(project, expected, "");
        assert.deepEqual(await filesIn(join(project, "inbox")), []);
      } finally {
        await unmount();
      }
    }),
});

Deno.test({
  name: "a disk already full when the run starts: a clear error, nothing changed",
  ignore: !canMount,
  fn: () =>
    withTempDir(async (dir) => {
      const disk = join(dir, "disk");
      const unmount = (await tryMount(disk, "size=4m"))!;
      try {
        const project = join(disk, "acme");
        await projectWithBigExport(project, 1_000);
        // fill every last block
        const filler = await Deno.open(join(disk, "filler"), { write: true, create: true });
        await filler.write(new Uint8Array(4 << 20)).catch(() => 0);
        for (let n = 1; n > 0;) n = await filler.write(new Uint8Array(4096)).catch(() => 0);
        filler.close();
        const failed = expectCode(await runCli(["run", "--project", project]), 1);
        const output = failed.stdout + failed.stderr;
        // SQLite cannot even open its WAL: it says "disk I/O error"; the hint names the space
        assert.match(
          output,
          /error: (cannot open the database .*: disk I\/O error|.*the disk is full)/,
        );
        assert.match(output, /hint: .*(free space|Free some space)/);
        await Deno.remove(join(disk, "filler")); // the test's own reader needs a little room
        assertIntact(project, 10, output);
        assert.deepEqual(await filesIn(join(project, "inbox")), ["orders_big.csv"]);
      } finally {
        await unmount();
      }
    }),
});

Deno.test("a logs/ folder that cannot be written stops the run before it loads anything", () =>
  withTempDir(async (dir) => {
    const project = join(dir, "acme");
    await projectWithBigExport(project, 100);
    const logs = join(project, "logs");
    await Deno.remove(logs, { recursive: true });
    const unmount = await tryMount(logs, "ro,size=1m");
    // without mount: a plain file where the folder should be is just as unwritable
    if (!unmount) await Deno.writeTextFile(logs, "not a folder");
    try {
      const failed = expectCode(await runCli(["run", "--project", project]), 1);
      const output = failed.stdout + failed.stderr;
      assert.match(output, /error: cannot write the run log in .*logs/);
      assert.match(output, /hint: Make the logs\/ folder writable .* nothing was loaded/);
      assertIntact(project, 10, output);
      assert.deepEqual(await filesIn(join(project, "inbox")), ["orders_big.csv"]);
      assert.deepEqual(query(project, "SELECT status FROM _plutus_runs ORDER BY id"), [
        { status: "succeeded" },
        { status: "failed" },
      ]);
    } finally {
      await unmount?.();
    }
  }));

Deno.test({
  name:
    "an export from PostgreSQL onto a full disk says the disk, not the server, and leaves no file",
  ignore: !canMount || await pgMissing(),
  fn: () =>
    withTempDir(async (work) => {
      const db = (await freshDatabase())!;
      const disk = join(work, "disk");
      const unmount = (await tryMount(disk, "size=1m"))!;
      try {
        // ~3 MB of CSV: more than the disk holds, and than one piece the export writes
        await adminSql(db.url, [
          "CREATE TABLE public.leads AS SELECT g AS n, md5(g::text) AS t FROM generate_series(1, 60000) g",
        ]);
        const driver = new PgDriver({ kind: "postgres", url: db.url, schema: "public" });
        const error = await exportCsv(driver, disk, {
          table: "leads",
          output: join(disk, "full.csv"),
        })
          .then(() => undefined, (error) => error);
        assert.ok(error instanceof PlutusError, String(error));
        assert.equal(error.code, "export_failed");
        assert.match(error.message, /^cannot write .*full\.csv: No space left on device/);
        assert.deepEqual(await filesIn(disk), []);
      } finally {
        await unmount();
        await db.drop();
      }
    }),
});
