import assert from "node:assert/strict";
import { join } from "node:path";
import * as XLSX from "@e965/xlsx";
import { openTableFile } from "./open_table.ts";
import { checkXlsBounds } from "./xls_bounds.ts";

async function xlsOf(rows: number, dir: string): Promise<string> {
  const data: (string | number)[][] = [["id", "email", "amount", "region"]];
  for (let i = 0; i < rows; i++) data.push([i, `u${i}@example.com`, i * 1.5, "EMEA"]);
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet(data), "Orders");
  const path = join(dir, `orders_${rows}.xls`);
  await Deno.writeFile(path, XLSX.write(book, { type: "buffer", bookType: "biff8" }));
  return path;
}

Deno.test("an .xls with more filled cells than Plutus reads is refused before SheetJS reads it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const small = await xlsOf(1000, dir);
    await assert.rejects(
      checkXlsBounds(small, "orders.xls", 3000),
      (error: Error & { hint?: string }) => {
        assert.match(
          error.message,
          /^orders\.xls: it holds more than 3,000 filled cells, more than Plutus reads/,
        );
        assert.match(error.hint ?? "", /save it as \.xlsx .* or as CSV/);
        return true;
      },
    );
    await checkXlsBounds(small, "orders.xls", 4004); // 1,001 rows of 4 cells
    const reader = await openTableFile(small, "orders.xls");
    let rows = 0;
    for await (const batch of reader.rows()) rows += batch.rows.length;
    assert.equal(rows, 1000);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a flat OpenDocument file (.fods) is refused by name, not read as CSV", async () => {
  const fods = new URL("../../tests/fixtures/office/cell_formats.fods", import.meta.url);
  await assert.rejects(
    openTableFile(fods.pathname, "cell_formats.fods"),
    /cell_formats\.fods is a flat OpenDocument spreadsheet \(\.fods\), which Plutus does not read/,
  );
});
