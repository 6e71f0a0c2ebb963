/**
 * A peer's test suite: every case of the npm package csv-spectrum (the CSV edge cases
 * parsers are checked against) read through Plutus's CSV reader gives its expected JSON.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import spectrum from "csv-spectrum";
import { openCsv } from "./csv_reader.ts";

interface SpectrumCase {
  name: string;
  csv: Uint8Array;
  json: Uint8Array;
}

const cases = await new Promise<SpectrumCase[]>((resolve, reject) =>
  spectrum((error: Error | null, items: SpectrumCase[]) => (error ? reject(error) : resolve(items)))
);

/**
 * The case's JSON, with the package's two known mistakes in location_coordinates.json
 * corrected: it holds an object, not a list of one (max-mapper/csv-spectrum#22), and a
 * phone number that is not the one in the CSV (max-mapper/csv-spectrum#20).
 */
function expectedRecords(testCase: SpectrumCase): Record<string, string>[] {
  const json = JSON.parse(new TextDecoder().decode(testCase.json));
  if (testCase.name !== "location_coordinates") return json;
  return [{ ...json, "Contact Phone Number": "2095257564" }];
}

Deno.test("csv-spectrum: every case parses to its expected records", async () => {
  assert.ok(cases.length >= 12, `${cases.length} cases`);
  const dir = await Deno.makeTempDir();
  try {
    for (const testCase of cases) {
      const path = join(dir, `${testCase.name}.csv`);
      await Deno.writeFile(path, testCase.csv);
      const reader = await openCsv(path, `${testCase.name}.csv`);
      const records: Record<string, string>[] = [];
      for await (const batch of reader.rows()) {
        assert.deepEqual(batch.broken, [], testCase.name);
        for (const row of batch.rows) {
          records.push(Object.fromEntries(reader.header.map((h, i) => [h, String(row[i])])));
        }
      }
      assert.deepEqual(records, expectedRecords(testCase), testCase.name);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
