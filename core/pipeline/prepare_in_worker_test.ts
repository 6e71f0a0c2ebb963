import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { parseTableSchema } from "../../config/load_table_schemas.ts";
import { type FilePlan, prepareFile, type PrepareMessage } from "./prepare_file.ts";
import { prepareInWorker } from "./prepare_in_worker.ts";

const table = parseTableSchema(
  `columns:
  id: { type: integer, required: true }
  day: { type: date, clean: [{ parse_date: "MM/DD/YYYY" }] }
  amount: { type: decimal, clean: [parse_number] }
  note: { type: text }
  country: { type: text, clean: [country] }
key: [id]
`,
  "schema/t.yaml",
  "t",
);

/** Everything a preparation yields, in order: values, rejects and counts. */
async function collect(messages: AsyncGenerator<PrepareMessage>, pause = 0) {
  const values: unknown[] = [];
  const rejects: unknown[] = [];
  let read = 0;
  for await (const message of messages) {
    if (message.type !== "batch") continue;
    values.push(...message.values);
    rejects.push(...message.rejects.map((r) => [r.location, r.problems]));
    read += message.read;
    if (pause) await new Promise((resolve) => setTimeout(resolve, pause));
  }
  return { values, rejects, read };
}

async function writeWorkbook(path: string, rows: number): Promise<void> {
  const XLSX = await import("@e965/xlsx");
  const data: unknown[][] = [["id", "day", "amount", "note"]];
  for (let i = 0; i < rows; i++) {
    data.push([
      i,
      new Date(Date.UTC(2026, 10, 1 + (i % 28))),
      i % 97 === 0 ? "n/a" : i * 1.5,
      `note ${i}`,
    ]);
  }
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet(data, { cellDates: true }), "Data");
  await Deno.writeFile(path, XLSX.write(book, { type: "buffer", bookType: "xlsx" }));
}

Deno.test("a worker prepares exactly what the loader's thread would, idle or busy", async () => {
  const dir = await Deno.makeTempDir();
  try {
    let csv = "id,day,amount,note,country\n";
    for (let i = 0; i < 30_000; i++) {
      const country = i % 2 ? "Germany" : "USA";
      csv += `${i},11/${
        String(1 + (i % 28)).padStart(2, "0")
      }/2026,"$${i},000.50",note ${i},${country}\n`;
    }
    csv += "x,13/45/2026,abc,bad,Atlantis\n";
    await Deno.writeTextFile(`${dir}/data.csv`, csv);
    await writeWorkbook(`${dir}/data.xlsx`, 9_000);
    for (const name of ["data.csv", "data.xlsx"]) {
      const plan: FilePlan = {
        source: "s",
        path: `${dir}/${name}`,
        fileName: name,
        table,
        timeZone: "UTC",
      };
      // the worker first: this thread must load what the rules need by itself
      const idle = await collect(prepareInWorker(plan));
      const busy = await collect(prepareInWorker(plan), 3);
      const expected = await collect(prepareFile(plan));
      assert.ok(expected.read > 5_000);
      // an idle loader gets raw rows to prepare itself; a busy one gets them prepared
      assert.deepEqual(idle, expected, `${name}, idle loader`);
      assert.deepEqual(busy, expected, `${name}, busy loader`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a percentage cell handed raw to the loader's thread is still a percentage", async () => {
  const path = fileURLToPath(
    new URL("../../tests/fixtures/office/cell_formats.xlsx", import.meta.url),
  );
  const plan: FilePlan = {
    source: "s",
    path,
    fileName: "cell_formats.xlsx",
    table: parseTableSchema(
      "columns:\n  campaign: { type: text }\n  ctr: { type: decimal, clean: [parse_percent] }\n",
      "schema/t.yaml",
      "t",
    ),
    columns: { ctr: { from: ["CTR"], value: undefined, clean: [] } },
    timeZone: "UTC",
  };
  // two rows are one batch, and the first batch always goes raw (structured clone)
  const { values } = await collect(prepareInWorker(plan));
  assert.deepEqual(values.filter((v) => typeof v === "number"), [0.0123, 0.5]);
});
