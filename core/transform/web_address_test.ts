import assert from "node:assert/strict";
import fc from "fast-check";
import { isWebAddress } from "./web_address.ts";

/** The check as it was before the scan: the URL parser alone. */
function reference(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

// Hosts and their pieces, hostile ones among them: numbers (IPv4 or not), punycode,
// dashes, empty labels, ports, user names, escapes, back slashes, other scripts, controls.
const hostPiece = fc.constantFrom(
  "example",
  "shop",
  "com",
  "Example",
  "COM",
  "a",
  "x1",
  "1",
  "255",
  "999",
  "0x1f",
  "0X",
  "08",
  "xn--",
  "XN--mnchen-3ya",
  "xn--a",
  "xn--mnchen-3ya",
  "-",
  "a-",
  "ab--cd",
  "q".repeat(70),
  ".",
  "..",
  ":",
  ":80",
  ":99999",
  "@",
  "user:pw@",
  "%",
  "%41",
  "%zz",
  "\\",
  " ",
  "\t",
  "\n",
  "\u0000",
  "\u007f",
  "ü",
  "ß",
  "\u200b",
  "\ud800",
  "😀",
  "[::1]",
  "[",
  "<",
  "|",
  "^",
);
const rest = fc.constantFrom(
  "",
  "/",
  "/p/4038?utm_source=google&utm_medium=cpc",
  "?",
  "#",
  "#x",
  "/a b",
  "/ü",
  "/\ud800",
  "\\x",
  "?%zz",
  " ",
  "\n",
  ":",
);
const scheme = fc.constantFrom(
  "https://",
  "http://",
  "HTTP://",
  "https:/",
  "https:",
  "ftp://",
  " https://",
  "\thttps://",
  "https:\\\\",
  "",
);
const address = fc.tuple(scheme, fc.array(hostPiece, { maxLength: 6 }), rest).map((
  [start, host, end],
) => start + host.join("") + end);

Deno.test("isWebAddress() says what the URL parser says, on any text", () => {
  fc.assert(
    fc.property(fc.oneof(address, fc.string(), fc.string({ unit: "binary" })), (text) => {
      assert.equal(isWebAddress(text), reference(text), JSON.stringify(text));
    }),
    { numRuns: 5000 },
  );
});

Deno.test("isWebAddress() takes landing pages and refuses what is no web address", () => {
  assert.equal(isWebAddress("https://shop.example.com/p/4038?utm_source=linkedin"), true);
  assert.equal(isWebAddress("http://Example.COM"), true);
  assert.equal(isWebAddress("https://example.com:8080/x"), true);
  assert.equal(isWebAddress("https://xn--mnchen-3ya.de/"), true);
  assert.equal(isWebAddress("https://example.123/"), false); // a number that is no IPv4 address
  assert.equal(isWebAddress("https://1.2.3.4/"), true);
  assert.equal(isWebAddress("https://xn--a.com/"), false); // punycode that decodes to nothing
  assert.equal(isWebAddress("https://"), false);
  assert.equal(isWebAddress("ftp://example.com"), false);
  assert.equal(isWebAddress("example.com"), false);
  assert.equal(isWebAddress("https://exa mple.com"), false);
});
