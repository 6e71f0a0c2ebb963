/**
 * The text of an HTML table saved as .xls (what many CRMs and BI tools export as "Excel"),
 * as a browser reads it, for SheetJS to read the table from.
 *
 * Its bytes are read as UTF-8 when they are valid UTF-8 (whatever a `<meta>` says, once they
 * hold letters past ASCII), else in the charset the file declares (`<meta charset>`), else
 * as Windows-1252: SheetJS read every file as UTF-8, and an export in Windows-1252 lost its
 * accented letters (M�ller for Müller).
 *
 * Its character references, often written by PHP's htmlentities (`M&uuml;ller`, `&euro;5`,
 * `&#252;`, `&#xFC;`), are decoded: SheetJS decodes only `&amp; &lt; &gt; &quot; &apos;
 * &nbsp; &middot;` and kept the rest as written. Every reference outside a tag is decoded as
 * a browser does (all HTML5 named references, decimal and hex ones).
 *
 * @module
 */
import { decodeHTML } from "entities/decode";

// A tag, kept as written (its attributes are markup), or a character reference.
const TAG_OR_REFERENCE = /<[^<>]*>|&(?:#\d+;?|#[xX][\dA-Fa-f]+;?|[A-Za-z][A-Za-z\d]*;?)/g;

// What SheetJS still decodes itself: a character that would be markup (or that SheetJS
// turns into a space) goes back to it as the reference it knows, so that a decoded `&lt;`
// never starts a tag and `&amp;uuml;` stays the text `&uuml;`, decoded once.
const FOR_SHEETJS: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
  "\u00a0": "&nbsp;",
};

/** The text of an HTML file's `bytes`, its character references decoded (below). */
export function htmlText(bytes: Uint8Array): string {
  const declared = hasUtf8Bom(bytes) ? "utf-8" : declaredCharset(bytes);
  let utf8: string | undefined;
  try {
    utf8 = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    // not UTF-8: the declared charset, else Windows-1252
  }
  // Bytes that are valid UTF-8 and hold letters past ASCII are UTF-8 whatever the <meta>
  // says: exports copy an iso-8859-1 <meta> from a template (Müller read as MÃ¼ller). The
  // CSV reader reads such bytes the same way.
  if (utf8 !== undefined && (!declared || declared === "utf-8" || PAST_ASCII.test(utf8))) {
    return decodeHtmlEntities(utf8);
  }
  return decodeHtmlEntities(new TextDecoder(declared ?? "windows-1252").decode(bytes));
}

// A character past ASCII: the bytes held a multi-byte UTF-8 sequence.
const PAST_ASCII = /[\u0080-\u{10ffff}]/u;

// <meta charset="X"> or <meta http-equiv="Content-Type" content="text/html; charset=X">
const META_CHARSET = /<meta\b[^>]*?charset\s*=\s*["']?\s*([\w:.-]+)/i;

/** The charset a `<meta>` in the first 1024 bytes names, when TextDecoder knows it. */
function declaredCharset(bytes: Uint8Array): string | undefined {
  const head = new TextDecoder("windows-1252").decode(bytes.subarray(0, 1024));
  const name = META_CHARSET.exec(head)?.[1];
  if (!name) return undefined;
  try {
    const encoding = new TextDecoder(name).encoding;
    // "replacement" (ISO-2022-KR and the like) would turn the whole file into one sign
    if (encoding === "replacement") return undefined;
    // a file that could say so in ASCII is not UTF-16 (the HTML standard reads it as UTF-8)
    return encoding.startsWith("utf-16") ? "utf-8" : encoding;
  } catch {
    return undefined; // an unknown name: read as if none were given
  }
}

function hasUtf8Bom(bytes: Uint8Array): boolean {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

/**
 * Decodes the character references in the text of `html`, leaving to SheetJS the ones it
 * reads. A reference becomes at most two characters, or a reference SheetJS reads: `&a`
 * (unknown) becomes `&amp;a`, so the text grows at most threefold.
 */
export function decodeHtmlEntities(html: string): string {
  return html.replace(TAG_OR_REFERENCE, (found) => {
    if (found.startsWith("<")) return found;
    // an unknown name (&foo;) stays as written: its & is escaped, and SheetJS gives it back
    return decodeHTML(found).replace(/[&<>"'\u00a0]/g, (char) => FOR_SHEETJS[char]!);
  });
}
