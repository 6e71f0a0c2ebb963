/**
 * The read of a query or an export: the page asked for ahead arrives whatever the reader's
 * pace; JSON as the server writes it.
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
      const cursor = await openPgQuery(
        db.url,
        "public",
        "SELECT * FROM public.small",
        { timeoutSeconds: 0 },
        { pageRows: 2000 },
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
      assert.equal(rows, 2500);
    } finally {
      await db.drop();
    }
  },
});

Deno.test({
  name: "JSON values and arrays come as the server writes them",
  ignore: await pgMissing(),
  fn: async () => {
    const db = (await freshDatabase())!;
    try {
      await adminSql(db.url, [
        `CREATE TABLE public.docs AS SELECT json_build_object('a', 1) AS j, to_jsonb(array[1, 2]) AS b,
           '["e@x.com"]'::jsonb AS one, array[1, 2] AS ints, 'null'::json AS n`,
      ]);
      const expected = ['{"a" : 1}', "[1, 2]", '["e@x.com"]', "{1,2}", "null"];
      const cursor = await openPgQuery(
        db.url,
        "public",
        "SELECT * FROM public.docs",
        { timeoutSeconds: 0 },
        { pageRows: 10 },
      );
      const rows = [];
      try {
        for await (const page of cursor.pages()) rows.push(...page);
      } finally {
        await cursor.close();
      }
      assert.deepEqual(rows, [expected]);
    } finally {
      await db.drop();
    }
  },
});
