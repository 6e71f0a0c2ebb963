import assert from "node:assert/strict";
import { join } from "node:path";
import { UsageError } from "../../util/errors.ts";
import { exportPath } from "./export_path.ts";

Deno.test("exportPath() puts a name in exports/ and refuses a spreadsheet's name for a CSV", () => {
  const exports = join(Deno.cwd(), "exports");
  assert.equal(exportPath(exports, "november.csv"), join(exports, "november.csv"));
  assert.equal(exportPath(exports, "november"), join(exports, "november"));
  for (const [name, kind] of [["x.xlsx", "xlsx"], ["Report.XLS", "xls"], ["a.ods", "ods"]]) {
    assert.throws(
      () => exportPath(exports, name!),
      (error: Error) =>
        error instanceof UsageError &&
        error.message === `-o ${name}: plutus export writes CSV, not .${kind}` &&
        /^Name it \.csv \(-o \w+\.csv\)/.test(error.hint ?? ""),
    );
  }
});
