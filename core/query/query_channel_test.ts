import assert from "node:assert/strict";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { firstRows } from "./first_rows.ts";
import { openDriver } from "../store/open_driver.ts";
import { useQueryProcesses } from "./query_channel.ts";
import { decodeLine, encodeLine } from "./line_messages.ts";

const ENDLESS =
  "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";

/** CPU seconds this process used so far (Linux: /proc/self/stat, in clock ticks of 1/100 s). */
function cpuSeconds(): number {
  const fields = Deno.readTextFileSync("/proc/self/stat").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function withDatabase(fn: (path: string) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "plutus.db");
  const db = new DatabaseSync(path);
  db.exec("CREATE TABLE t (big INTEGER, blob BLOB, text TEXT)");
  db.prepare("INSERT INTO t VALUES (?, ?, ?)").run(
    9007199254740991,
    new Uint8Array([0, 255, 10]),
    'line\n{"$bigint":"1"}',
  );
  db.close();
  try {
    await fn(path);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test({
  name: "a stopped GUI query leaves no core busy: its process is killed",
  ignore: Deno.build.os !== "linux",
  fn: () =>
    withDatabase(async (path) => {
      useQueryProcesses();
      try {
        await assert.rejects(
          firstRows(openDriver({ kind: "sqlite", path }), ENDLESS, 10, { timeoutSeconds: 1 }),
          /the query was stopped after 1 s/,
        );
        const before = cpuSeconds();
        await new Promise((resolve) => setTimeout(resolve, 2000));
        const used = cpuSeconds() - before;
        // A thread left running its statement would use ~2 s of CPU here.
        assert.ok(used < 0.4, `${used.toFixed(2)} s of CPU after the query was stopped`);
      } finally {
        useQueryProcesses(false);
      }
    }),
});

Deno.test("a query in its own process gives back integers, blobs and text exactly", () =>
  withDatabase(async (path) => {
    useQueryProcesses();
    try {
      const result = await firstRows(
        openDriver({ kind: "sqlite", path }),
        "SELECT big, blob, text FROM t",
        10,
        {
          timeoutSeconds: 30,
        },
      );
      assert.deepEqual(result.columns, ["big", "blob", "text"]);
      assert.equal(result.rows[0]![0], 9007199254740991);
      assert.deepEqual([...(result.rows[0]![1] as Uint8Array)], [0, 255, 10]);
      assert.equal(result.rows[0]![2], 'line\n{"$bigint":"1"}');
      await assert.rejects(
        firstRows(openDriver({ kind: "sqlite", path }), "DELETE FROM t", 10, {
          timeoutSeconds: 30,
        }),
        /read-only|only reads|cannot|not allowed/i,
      );
    } finally {
      useQueryProcesses(false);
    }
  }));

Deno.test("line messages keep big integers and bytes, and text that looks like them", () => {
  const message = { rows: [[1n << 70n, new Uint8Array([1, 2]), '{"$bytes":"AQI="}', null, 1.5]] };
  assert.deepEqual(decodeLine(encodeLine(message).trimEnd()), message);
});

Deno.test("the time limit is the query's own: starting its process is not counted in it", () =>
  withDatabase(async (path) => {
    // The query process is started by the name deno (as --allow-run=deno allows): a deno
    // first on the PATH that waits 2 s before it starts makes the start outlast the 1 s
    // limit however loaded the machine is, while SELECT 1 itself answers well within it.
    const bin = await Deno.makeTempDir();
    await Deno.writeTextFile(
      join(bin, "deno"),
      `#!/bin/sh\nsleep 2\nexec "${Deno.execPath()}" "$@"\n`,
      { mode: 0o755 },
    );
    const path0 = Deno.env.get("PATH") ?? "";
    Deno.env.set("PATH", `${bin}:${path0}`);
    useQueryProcesses();
    try {
      const started = performance.now();
      const result = await firstRows(openDriver({ kind: "sqlite", path }), "SELECT 1 AS one", 10, {
        timeoutSeconds: 1,
      });
      assert.deepEqual(result.rows, [[1]]);
      assert.ok(performance.now() - started > 2000, "the slow start was not used");
    } finally {
      useQueryProcesses(false);
      Deno.env.set("PATH", path0);
      await Deno.remove(bin, { recursive: true });
    }
  }));
