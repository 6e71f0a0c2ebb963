/**
 * The read of a query or an export: the page asked for ahead arrives whatever the reader's
 * pace, on both ways of reading a table.
 */
import assert from "node:assert/strict";
import { openPgQuery } from "./pg_query.ts";
import { adminSql, freshDatabase, pgMissing } from "../../../tests/pg_server.ts";

Deno.test({
  name: "an export read by a slow writer gets every row: the last page comes ahead of its turn",
  ignore: await pgMissing(),
  fn: async () => {
    const db = (await freshDatabase())!;
    try {
      await adminSql(db.url, [
        "CREATE TABLE public.small AS SELECT g AS n, md5(g::text) AS t FROM generate_series(1, 2500) g",
      ]);
      for (const table of [undefined, "public.small"]) {
        const cursor = await openPgQuery(
          db.url,
          "public",
          "SELECT * FROM public.small",
          { timeoutSeconds: 0 },
          { pageRows: 2000, table },
        );
        let rows = 0;
        try {
          for await (const page of cursor.pages()) {
            rows += page.length;
            // a slow disk: the last page has come (and its query ended) before it is asked for
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
        } finally {
          await cursor.close();
        }
        assert.equal(rows, 2500, table ?? "the usual read");
      }
    } finally {
      await db.drop();
    }
  },
});
