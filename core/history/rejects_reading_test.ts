/**
 * A rejects file is read back the way its source read the rows first: an API source's
 * column names, its rejects file's headers, name no zone (`created_utc` was read in the
 * project's zone from the API); a file source's headers do, as they did.
 */
import assert from "node:assert/strict";
import { parseConfig } from "../../config/load_config.ts";
import { parseTableSchema } from "../../config/load_table_schemas.ts";
import { compileBatchPreparer } from "../pipeline/prepare_file.ts";
import { rejectsReading } from "./rejects_reading.ts";

Deno.test("an API source's rejects file reads created_utc in the project's zone, as the API's records were", () => {
  const table = parseTableSchema(
    "columns:\n  id: { type: text }\n  created_utc: { type: datetime }\n",
    "schema/t.yaml",
    "t",
  );
  const { config } = parseConfig(`sources:
  api:
    kind: api
    table: t
    url: https://api.example.com/items
    records: items
  files:
    kind: file
    files: "t_*.csv"
    table: t
`);
  const stored = (source: "api" | "files") => {
    const reading = rejectsReading(config.sources[source]!, table);
    const { prepare } = compileBatchPreparer(
      {
        source,
        path: "t.rejects-run-1.csv",
        fileName: "t.rejects-run-1.csv",
        timeZone: "America/New_York",
        rejectsFile: true,
        ...reading,
      },
      ["id", "created_utc"],
      1,
    );
    return prepare({ rows: [["a", "2026-03-04 10:00:00"]], lines: [2], broken: [] }).values[1];
  };
  assert.equal(stored("api"), "2026-03-04T15:00:00.000Z");
  assert.equal(stored("files"), "2026-03-04T10:00:00.000Z");
});
