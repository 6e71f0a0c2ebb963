/**
 * The export's read over TLS keeps memory flat when its reader is slow (a slow disk). A
 * table's COPY: the sink blocks, and nothing is read meanwhile (pausing the stream did not
 * hold COPY back: under Deno, pausing a TLS socket does not stop its reads; 1M rows took
 * 444 MB with a slow reader). A query's cursor: the server sends a page only when the
 * cursor asks for it.
 */
import assert from "node:assert/strict";
import { adminSql, freshDatabase, pgMissing, testPgUrl } from "../../../tests/pg_server.ts";
import { fileURLToPath as fromFileUrl } from "node:url";

const missing = await pgMissing();
const adminUrl = missing ? undefined : await testPgUrl();

/** Whether the test server offers TLS (the CI server does: .ci/postgres.sh). */
async function serverHasTls(url: string): Promise<boolean> {
  const { default: postgres } = await import("postgres");
  const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    const [{ ssl }] = await sql.unsafe<[{ ssl: string }]>("SHOW ssl");
    return ssl === "on";
  } finally {
    await sql.end({ timeout: 5 });
  }
}

Deno.test({
  name:
    "PgDriver.openCopy and openExport: 100 MB read over TLS by a slow reader, memory stays flat",
  ignore: missing || !(await serverHasTls(adminUrl!)),
  fn: async () => {
    const db = (await freshDatabase())!;
    try {
      const rows = 200_000;
      // 512 characters a row: about 100 MB of text in all
      await adminSql(db.url, [
        "CREATE SCHEMA marketing",
        `CREATE TABLE marketing.wide AS SELECT g AS n, repeat(md5(g::text), 16) AS t
           FROM generate_series(1, ${rows}) g`,
      ]);
      const url = new URL(db.url);
      url.searchParams.set("sslmode", "require"); // TLS or no connection at all
      // each row: its number, a comma, 512 characters, a line feed
      let bytes = 0;
      for (let n = 1; n <= rows; n++) bytes += String(n).length + 514;
      for (const how of ["copy", "cursor"]) {
        const output = await new Deno.Command(Deno.execPath(), {
          args: [
            "run",
            "--quiet",
            "-A",
            "--v8-flags=--expose-gc",
            `--config=${fromFileUrl(new URL("../../../deno.json", import.meta.url))}`,
            fromFileUrl(
              new URL("../../../tests/fixtures/scripts/pg_slow_export.ts", import.meta.url),
            ),
            url.href,
            "marketing",
            "wide",
            how,
          ],
          stdin: "null",
        }).output();
        assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
        const read = JSON.parse(new TextDecoder().decode(output.stdout));
        assert.equal(read.rows, rows, how);
        assert.equal(read.chars, how === "copy" ? bytes : rows * 512, how);
        // two pages of 2000 rows are ~2 MB (a piece of COPY is a row); the client's own code
        // and buffers ~15 MB
        assert.ok(read.peakMb < 40, `${how}: ${read.peakMb} MB held at once while reading 100 MB`);
      }
    } finally {
      await db.drop();
    }
  },
});
