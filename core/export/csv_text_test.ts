import assert from "node:assert/strict";
import { csvField, csvLine, csvTypedLine } from "./csv_text.ts";

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
