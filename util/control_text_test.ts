import assert from "node:assert/strict";
import { escapeControls } from "./control_text.ts";

Deno.test("escapeControls() makes ESC, CR, LF, BEL, C1 and bidi overrides visible", () => {
  assert.equal(
    escapeControls("a\x1b[2Jb\rc\nd\x07e\x9bf\u202eg\th"),
    "a\\x1b[2Jb\\rc\\nd\\x07e\\x9bf\\u202eg\\th",
  );
  assert.equal(escapeControls("line 1\nline\t2\r", "\n\t"), "line 1\nline\t2\\r");
  assert.equal(escapeControls("plain tëxt, 5 €"), "plain tëxt, 5 €");
});

Deno.test("escapeControls() lets through only the ESC sequences it is told are its own", () => {
  const own = (text: string, at: number) => text.startsWith("\x1b[31m", at);
  assert.equal(
    escapeControls("\x1b[31mred\x1b]0;title\x07", "", own),
    "\x1b[31mred\\x1b]0;title\\x07",
  );
});
