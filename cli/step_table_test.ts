import assert from "node:assert/strict";
import { rejectedReasons, type StepRow, stepTable } from "./step_table.ts";

const step = (id: number, status: StepRow["status"], input: string): StepRow => ({
  id,
  source: id === 0 ? "" : "crm",
  input,
  status,
  rowsRead: 1234,
  inserted: 1200,
  updated: 0,
  duplicate: 30,
  rejected: 4,
});

Deno.test("stepTable() draws run's summary and status RUN alike: counts right-aligned, ids on request", () => {
  const steps = [step(7, "succeeded", "leads.csv"), step(0, "skipped", "notes.txt")];
  assert.equal(
    stepTable(steps, { ids: true }),
    [
      "step  source  file       status      read  inserted  updated  duplicate  rejected",
      "   7  crm     leads.csv  succeeded  1,234     1,200        0         30         4",
      "   0  —       notes.txt  skipped    1,234     1,200        0         30         4",
    ].join("\n"),
  );
  assert.match(
    stepTable(steps, { dryRun: true, indent: "  " }).split("\n")[0]!,
    /^ {2}source .* would insert {2}would update {2}duplicate/,
  );
});

Deno.test("rejectedReasons() names the file and the count, and is empty without reasons", () => {
  assert.deepEqual(rejectedReasons("a.csv", { rejected: 3, topReasons: [] }), []);
  const lines = rejectedReasons("a.csv", {
    rejected: 3,
    topReasons: [{ count: 3, example: 'email: "x@" is not an email address', location: "a.csv:2" }],
  });
  assert.equal(lines[0], "Rejected in a.csv (3 row(s); top reasons):");
  assert.equal(lines.length, 2);
  assert.equal(
    lines[1],
    `     3 × email: "x@" is not an email address (a.csv:2 and 2 more like it)`,
  );
});
