/**
 * Run by pg_client_test.ts with only `--allow-net=HOST:PORT` and the two environment
 * variables Postgres.js reads: loads rows by COPY FROM STDIN through the PostgreSQL store,
 * reads them back by COPY TO STDOUT, and prints the CSV.
 */
import type { TableSchema } from "../../../../config/table_schema.ts";
import { PgDriver } from "../pg_driver.ts";

const url = Deno.args[0]!;
const driver = new PgDriver({ kind: "postgres", url, schema: "confined" });
const store = await driver.openWriter();
try {
  // written out: the YAML parser reads an environment variable of its own
  const schema: TableSchema = {
    name: "t",
    file: "schema/t.yaml",
    columns: {
      k: { type: "text", required: true, clean: [] },
      n: { type: "decimal", required: false, clean: [] },
    },
    key: ["k"],
    keep: "last",
  };
  const changes = await store.planTable(schema);
  const counts = await store.transaction(async (work) => {
    await work.applyTable(schema, changes);
    const loader = await work.loader(schema, {
      source: "s",
      runId: 1,
      loadedAt: "2026-11-30T10:00:00Z",
    });
    await loader.insert(["tab\there", 1.5, "line\nbreak", null, "back\\slash", -2]);
    return await loader.counts(3);
  });
  console.log(JSON.stringify(counts));
} finally {
  await store.close();
}
let csv = "";
for await (const chunk of driver.copyOut("SELECT k, n FROM t ORDER BY n", { timeoutSeconds: 10 })) {
  csv += new TextDecoder().decode(chunk);
}
console.log(csv);
