/**
 * The client choice, proven: Postgres.js's COPY FROM STDIN and the export's cursor read work
 * under this Deno, and under the confined permissions of a compiled binary (network to the
 * one server, two environment variables, nothing else).
 */
import assert from "node:assert/strict";
import { fileURLToPath as fromFileUrl } from "node:url";
import { freshDatabase, pgMissing } from "../../../tests/pg_server.ts";

Deno.test({
  name: "Postgres.js: COPY in and the export's read with only --allow-net=host:port",
  ignore: await pgMissing(),
  fn: async () => {
    const db = (await freshDatabase())!;
    try {
      const { host } = new URL(db.url);
      const output = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--quiet",
          "--no-prompt",
          `--config=${fromFileUrl(new URL("../../../deno.json", import.meta.url))}`,
          `--allow-net=${host}`,
          "--allow-env=PGAPPNAME,PGTARGETSESSIONATTRS",
          fromFileUrl(
            new URL("../../../tests/fixtures/scripts/pg_copy_confined.ts", import.meta.url),
          ),
          db.url,
        ],
        stdin: "null",
      }).output();
      const stderr = new TextDecoder().decode(output.stderr);
      assert.equal(output.code, 0, stderr);
      assert.equal(
        new TextDecoder().decode(output.stdout),
        '{"inserted":3,"updated":0,"duplicate":0}\n' +
          '["k","n"]\n["back\\\\slash",-2]\n["tab\\there",1.5]\n["line\\nbreak",null]\n',
      );
    } finally {
      await db.drop();
    }
  },
});
