import assert from "node:assert/strict";
import fc from "fast-check";
import { CopyCsvRewriter } from "./copy_csv.ts";
import type { CopyColumn } from "../store/mod.ts";
import { COMMA, csvLine, csvTypedLine, SEMICOLON } from "./csv_text.ts";
import type { ColumnKind } from "./typed_columns.ts";

/** A row as PostgreSQL's COPY (FORMAT csv) writes it (copy.c: CopyAttributeOutCSV). */
function copyLine(values: readonly (string | null)[]): string {
  return values.map((value) => {
    if (value === null) return "";
    const quote = value === "" || value === "\\." || /[,"\r\n]/.test(value);
    return quote ? `"${value.replaceAll('"', '""')}"` : value;
  }).join(",") + "\n";
}

/** The input cut into pieces at the given points (a field, a character, a row cut anywhere). */
function pieces(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const at = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const cut of [...at, bytes.length]) {
    if (cut > from) out.push(bytes.subarray(from, cut));
    from = Math.max(from, cut);
  }
  return out;
}

function rewrite(
  input: string,
  columns: CopyColumn[],
  options: ConstructorParameters<typeof CopyCsvRewriter>[1],
  cuts: number[] = [],
): string {
  const rewriter = new CopyCsvRewriter(columns, options);
  const chunks: Uint8Array[] = [];
  for (const piece of pieces(new TextEncoder().encode(input), cuts)) {
    rewriter.feed(piece);
    chunks.push(rewriter.take().slice());
  }
  rewriter.end();
  return new TextDecoder("utf-8", { ignoreBOM: true }).decode(
    new Uint8Array(chunks.flatMap((chunk) => [...chunk])),
  );
}

// text that exercises every rule: formula starts, quotes, separators, line ends, white space
// of both kinds at both ends, characters past ASCII, the end-of-data mark
const tricky = fc.oneof(
  fc.constantFrom("", " ", "\\.", "=1+1", "-5", "+1 555", "@x", '"', '""', ",", ";", "\n", "\r\n"),
  fc.constantFrom("\u00a0x", "x\u00a0", "\u2028", "\ufeffa", "Élodie", "Müller", "a\tb", "\t"),
  fc.constantFrom("+14155555874", "-x@y.com", "1.5", "2026-01-02"),
  fc.string({
    unit: fc.constantFrom("a", " ", ",", ";", '"', "\n", "\r", "=", "-", "é", "\u3000"),
  }),
  fc.string(),
);
const number = fc.oneof(
  fc.integer({ min: -1e6, max: 1e6 }).map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => String(n)),
  fc.constantFrom("12.50", "007", "-0", "1e5", "NaN"),
);
// a number column: verbatim only where decoding changes nothing (as a backend's must be)
const numberColumn: CopyColumn = {
  decode: (text) => Number(text),
  verbatim: (bytes, from, to) => {
    const text = new TextDecoder().decode(bytes.subarray(from, to));
    return String(Number(text)) === text;
  },
};
const booleanColumn: CopyColumn = { decode: (text) => (text === "t" ? 1 : 0) };
const kind = fc.constantFrom<ColumnKind | undefined>(
  undefined,
  "number",
  "email",
  "phone",
  "date",
);

Deno.test("COPY CSV rewritten gives the bytes the row-by-row export writes (property)", () => {
  const table = fc.integer({ min: 1, max: 5 }).chain((width) =>
    fc.record({
      types: fc.array(fc.constantFrom("text", "number", "boolean"), {
        minLength: width,
        maxLength: width,
      }),
      kinds: fc.array(kind, { minLength: width, maxLength: width }),
      seeds: fc.array(
        fc.array(fc.tuple(tricky, number, fc.boolean(), fc.boolean()), {
          minLength: width,
          maxLength: width,
        }),
        { maxLength: 6 },
      ),
    })
  );
  fc.assert(
    fc.property(
      table,
      fc.constantFrom("plain", "raw", "typed"),
      fc.boolean(),
      fc.array(fc.nat(), { maxLength: 12 }),
      ({ types, kinds, seeds }, mode, semicolon, cuts) => {
        const rows = seeds.map((seed) =>
          seed.map(([text, num, bool, isNull], i) =>
            isNull
              ? null
              : types[i] === "text"
              ? text
              : types[i] === "number"
              ? num
              : bool
              ? "t"
              : "f"
          )
        );
        const columns = types.map((type) =>
          type === "number" ? numberColumn : type === "boolean" ? booleanColumn : {}
        );
        const dialect = semicolon ? SEMICOLON : COMMA;
        const expected = rows.map((row) => {
          const values = row.map((text, i) =>
            text === null || !columns[i]!.decode ? text : columns[i]!.decode!(text)
          );
          return mode === "typed"
            ? csvTypedLine(values, kinds, dialect)
            : csvLine(values, mode === "raw", dialect);
        }).join("");
        const options = {
          dialect,
          raw: mode === "raw",
          kinds: mode === "typed" ? kinds : undefined,
        };
        const input = rows.map(copyLine).join("");
        assert.equal(rewrite(input, columns, options, cuts), expected);
      },
    ),
    { numRuns: 600 },
  );
});

Deno.test("COPY CSV rewriting copies plain fields and counts rows", () => {
  const rewriter = new CopyCsvRewriter([{}, {}]);
  rewriter.feed(new TextEncoder().encode('a,b\n"",\n=x, y \n'));
  assert.equal(new TextDecoder().decode(rewriter.take()), 'a,b\r\n,\r\n\'=x," y "\r\n');
  assert.equal(rewriter.rows, 3);
  rewriter.end();
});

Deno.test("COPY CSV cut in the middle of a row is an error, not a shorter export", () => {
  const rewriter = new CopyCsvRewriter([{}, {}]);
  rewriter.feed(new TextEncoder().encode('a,b\nc,"d'));
  assert.throws(() => rewriter.end(), /ended in the middle of a row/);
  const wide = new CopyCsvRewriter([{}]);
  assert.throws(() => wide.feed(new TextEncoder().encode("a,b\n")), /more than 1 fields/);
});
