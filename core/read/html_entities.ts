/**
 * HTML tables saved as .xls (what many CRMs and BI tools export as "Excel", often written
 * with PHP's htmlentities) spell letters and signs as character references: `M&uuml;ller`,
 * `&euro;5`, `&#252;`, `&#xFC;`. SheetJS decodes only `&amp; &lt; &gt; &quot; &apos; &nbsp;
 * &middot;` and kept the rest as written. Here every reference outside a tag is decoded as a
 * browser does (all HTML5 named references, decimal and hex ones), before SheetJS reads the
 * table.
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

/**
 * Decodes the character references in the text of `html`, leaving to SheetJS the ones it
 * reads. A reference becomes at most two characters, or a reference SheetJS reads at most
 * one character longer (`&lt` is `&lt;`): the text grows by a third at most.
 */
export function decodeHtmlEntities(html: string): string {
  return html.replace(TAG_OR_REFERENCE, (found) => {
    if (found.startsWith("<")) return found;
    // an unknown name (&foo;) stays as written: its & is escaped, and SheetJS gives it back
    return decodeHTML(found).replace(/[&<>"'\u00a0]/g, (char) => FOR_SHEETJS[char]!);
  });
}
