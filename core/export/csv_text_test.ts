import assert from "node:assert/strict";
import fc from "fast-check";
import { csvField, csvLine, csvTypedLine, SEMICOLON } from "./csv_text.ts";

Deno.test("csvField() quotes only what RFC 4180 needs", () => {
  assert.equal(csvField("plain"), "plain");
  assert.equal(csvField("a,b"), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField("two\nlines"), '"two\nlines"');
  assert.equal(csvField(" padded "), '" padded "');
  assert.equal(csvField(null), "");
  assert.equal(csvField(12.5), "12.5");
});

Deno.test("csvField() neutralises text a spreadsheet would run as a formula", () => {
  assert.equal(csvField('=HYPERLINK("http://x")'), '"\'=HYPERLINK(""http://x"")"');
  assert.equal(csvField("+1 555"), "'+1 555");
  assert.equal(csvField("-5"), "'-5");
  assert.equal(csvField("@SUM(A1)"), "'@SUM(A1)");
  assert.equal(csvField("\tx"), "'\tx");
  assert.equal(csvField("\rx"), '"\'\rx"');

  assert.equal(csvField(-5), "-5");
  assert.equal(csvField("=1+1", true), "=1+1");
});

Deno.test("csvLine() ends lines with CRLF", () => {
  assert.equal(csvLine(["a", 1, null, "x,y"]), 'a,1,,"x,y"\r\n');
});

Deno.test("csvTypedLine() writes values of typed columns as they are, other text protected", () => {
  assert.equal(
    csvTypedLine(
      ["+14155555874", "-12.5", -12.5, "2026-11-01", "+x@y.com", "+1 555", "=1+1"],
      ["phone", "number", "number", "date", "email", undefined, "phone"],
    ),
    "+14155555874,-12.5,-12.5,2026-11-01,+x@y.com,'+1 555,'=1+1\r\n",
  );
  // a typed column holding text of another shape is protected all the same
  assert.equal(
    csvTypedLine(["=cmd|' /C calc'!A0", "-1+1"], ["email", "number"]),
    "'=cmd|' /C calc'!A0,'-1+1\r\n",
  );
});

Deno.test("csvField() and csvTypedLine() write any text as the two-test rule did (property)", () => {
  // the rule before the one-test fast path: formula start, then quoting
  const reference = (text: string, raw: boolean) => {
    const shown = !raw && /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
    return /[",\r\n]|^\s|\s$/.test(shown) ? `"${shown.replaceAll('"', '""')}"` : shown;
  };
  const text = fc.string({
    unit: fc.constantFrom(
      "a",
      "1",
      " ",
      "\u00a0",
      "\t",
      "\r",
      "\n",
      '"',
      ",",
      "=",
      "+",
      "-",
      "@",
      "é",
      "x@y.z",
    ),
    maxLength: 8,
  });
  fc.assert(
    fc.property(text, fc.boolean(), (value, raw) => {
      assert.equal(csvField(value, raw), reference(value, raw));
      assert.equal(
        csvTypedLine([value, value], ["email", undefined]),
        [
          reference(value, /^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+$/.test(value)),
          reference(value, false),
        ].join(",") + "\r\n",
      );
    }),
    { numRuns: 2000 },
  );
});

Deno.test("csvLine() in the semicolon dialect: ; between fields, decimal commas, a ; in text quoted", () => {
  assert.equal(
    csvLine([12.5, "a;b", "a,b", -3, 1e21, "=cmd", null, 'say "hi"'], false, SEMICOLON),
    `12,5;"a;b";a,b;-3;1e+21;'=cmd;;"say ""hi"""\r\n`,
  );
  // a typed column's value as it is, its number with a decimal comma
  assert.equal(csvTypedLine([-12.5, "-12.5"], ["number", "number"], SEMICOLON), "-12,5;-12.5\r\n");
  // the usual dialect is unchanged
  assert.equal(csvLine([12.5, "a;b", "a,b"]), '12.5,a;b,"a,b"\r\n');
});
