/**
 * A large file whose keys come in no order and repeat (keep: last) is staged and merged
 * sorted by key (core/store/sqlite/table_loader.ts): the table and the counts must be
 * exactly those of the same rows sorted by key, which load directly, and of a dry run.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { MESSY_CONFIG, MESSY_SCHEMA, writeMessyCsv } from "../bench/messy_csv.ts";
import { expectCode, query, runCli, withTempDir, writeFiles } from "./helpers.ts";

// past the 50,000 rows after which the loader decides (STAGE_AFTER in table_loader.ts)
const ROWS = 70_000;

Deno.test("a file with keys in no order loads the same rows and counts as the same rows sorted", () =>
  withTempDir(async (dir) => {
    const counts = await writeMessyCsv(
      join(dir, "messy_shuffled.csv"),
      join(dir, "messy_sorted.csv"),
      ROWS,
    );
    const loaded: Record<string, { stdout: string; rows: unknown[] }> = {};
    for (const name of ["messy_shuffled", "messy_sorted"]) {
      const project = join(dir, name);
      await writeFiles(project, {
        "plutus.yaml": MESSY_CONFIG,
        "schema/orders.yaml": MESSY_SCHEMA,
      });
      const file = join(dir, `${name}.csv`);
      // the step's read, inserted, updated, duplicate and rejected
      const figures = (text: string) =>
        text.match(/([\d,]+\s+){4}[\d,]+\s*$/m)?.[0].trim().split(/\s+/).join(" ");
      // the dry run loads directly: its counts are the staged run's (the sorted file's dry
      // run loads directly as its run does: it would prove nothing more)
      const dry = name === "messy_shuffled"
        ? expectCode(await runCli(["upload", file, "--dry-run", "--project", project]), 0)
        : undefined;
      const run = expectCode(await runCli(["upload", file, "--project", project]), 0);
      if (dry) assert.equal(figures(dry.stdout), figures(run.stdout), `${name}: dry run and run`);
      loaded[name] = {
        stdout: figures(run.stdout)!,
        rows: query(
          project,
          "SELECT order_id, ordered_at, email, customer, amount, status FROM orders ORDER BY order_id",
        ),
      };
    }
    const { messy_shuffled: shuffled, messy_sorted: sorted } = loaded;
    assert.equal(shuffled!.rows.length, counts.expectedRows);
    assert.equal(shuffled!.stdout, sorted!.stdout);
    // the first row that differs (a diff of 44,000 rows would take the test's memory)
    const text = (rows: unknown[]) => rows.map((row) => JSON.stringify(row));
    const [a, b] = [text(shuffled!.rows), text(sorted!.rows)];
    const first = a.findIndex((row, i) => row !== b[i]);
    assert.equal(first, -1, `row ${first}: ${a[first]} where the sorted file gave ${b[first]}`);
  }));
