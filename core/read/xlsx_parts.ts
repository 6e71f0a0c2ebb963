/**
 * The small parts of an .xlsx workbook, read whole: the list of sheets, which cell styles
 * are dates, and the shared strings. Scanned with indexOf rather than a general XML
 * parser: these files have a fixed, machine-written shape, and speed matters.
 *
 * @module
 */

/** A worksheet of the workbook. */
export interface SheetRef {
  name: string;
  /** Path of its XML inside the archive, e.g. xl/worksheets/sheet1.xml. */
  path: string;
  hidden: boolean;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** Decodes XML entities (&amp; &#10; &#x1F600;) and Excel's _x000D_ escapes. */
export function decodeXml(text: string): string {
  if (text.indexOf("&") === -1 && text.indexOf("_x") === -1) return text;
  return text
    .replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (whole, code: string) => {
      if (code[0] === "#") {
        const point = code[1] === "x" ? parseInt(code.slice(2), 16) : parseInt(code.slice(1), 10);
        return Number.isFinite(point) ? String.fromCodePoint(point) : whole;
      }
      return ENTITIES[code] ?? whole;
    })
    .replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** The value of attribute `name` in a tag's text, or undefined. */
export function attribute(tag: string, name: string): string | undefined {
  const at = tag.indexOf(` ${name}="`);
  if (at === -1) return undefined;
  const start = at + name.length + 3;
  return tag.slice(start, tag.indexOf('"', start));
}

/** Every `<tag …>` (its opening tag's text) in `xml`. */
function tags(xml: string, tag: string): string[] {
  const out: string[] = [];
  for (let at = xml.indexOf(`<${tag} `); at !== -1; at = xml.indexOf(`<${tag} `, at + 1)) {
    out.push(xml.slice(at, xml.indexOf(">", at) + 1));
  }
  return out;
}

/** The sheets in workbook order, with their archive paths; and whether dates count from 1904. */
export function readWorkbook(
  workbookXml: string,
  relsXml: string,
): { sheets: SheetRef[]; date1904: boolean } {
  const targets = new Map<string, string>();
  for (const rel of tags(relsXml, "Relationship")) {
    const id = attribute(rel, "Id");
    const target = attribute(rel, "Target");
    if (id && target) targets.set(id, target.startsWith("/") ? target.slice(1) : `xl/${target}`);
  }
  const sheets: SheetRef[] = [];
  for (const sheet of tags(workbookXml, "sheet")) {
    const id = attribute(sheet, "r:id") ?? /\s\w+:id="([^"]*)"/.exec(sheet)?.[1];
    const path = id ? targets.get(id) : undefined;
    if (!path) continue;
    sheets.push({
      name: decodeXml(attribute(sheet, "name") ?? path),
      path: path.replace(/\/\.\//g, "/"),
      hidden: (attribute(sheet, "state") ?? "visible") !== "visible",
    });
  }
  const date1904 = /<workbookPr[^>]*\sdate1904="(1|true)"/.test(workbookXml);
  return { sheets, date1904 };
}

// Excel's built-in number formats that show dates or times.
const DATE_FORMAT_IDS = new Set([
  14,
  15,
  16,
  17,
  18,
  19,
  20,
  21,
  22,
  27,
  30,
  36,
  45,
  46,
  47,
  50,
  57,
]);

/** For each cell style (the `s` of a cell), whether it formats numbers as dates. */
export function readDateStyles(stylesXml: string): boolean[] {
  return styleFormats(stylesXml).map(({ id, code }) =>
    DATE_FORMAT_IDS.has(id) || (code !== undefined && isDateFormat(code))
  );
}

// Excel's built-in formats that show a time without a date: h:mm AM/PM … [h]:mm:ss, mmss.0.
const TIME_FORMAT_IDS = new Set([18, 19, 20, 21, 45, 46, 47]);

/**
 * How a cell style shows a time without a date: "elapsed" for a duration written as one
 * ([h]:mm:ss, an average session of 25:30:00), "time" for a clock format (h:mm, mm:ss),
 * which shows a duration under a day, a time of day, or a date's time (a timestamp whose
 * date the format leaves out); undefined for any other style.
 */
export function readDurationStyles(stylesXml: string): (DurationKind | undefined)[] {
  return styleFormats(stylesXml).map(({ id, code }) => {
    if (code === undefined) {
      return id === 46 ? "elapsed" : TIME_FORMAT_IDS.has(id) ? "time" : undefined;
    }
    if (!isDurationFormat(code)) return undefined;
    return /\[(h+|m+|s+)\]/i.test(code) ? "elapsed" : "time";
  });
}

/** See readDurationStyles. */
export type DurationKind = "elapsed" | "time";

/**
 * Whether a number format code shows a time without a date: hours, minutes or seconds
 * ([h] [m] [s] elapsed, or h, s with m as minutes), and no year or day.
 */
export function isDurationFormat(code: string): boolean {
  const bare = code
    .replace(/"[^"]*"/g, "")
    .replace(/\\./g, "")
    .replace(/\[(?!h+\]|m+\]|s+\])[^\]]*\]/gi, "")
    .split(";")[0]!;
  return /[hs]|\[m+\]/i.test(bare) && !/[yd]/i.test(bare);
}

/** For each cell style (the `s` of a cell), whether it shows numbers as percentages. */
export function readPercentStyles(stylesXml: string): boolean[] {
  return styleFormats(stylesXml).map(({ id, code }) =>
    id === 9 || id === 10 || (code !== undefined && isPercentFormat(code))
  );
}

/** For each cell style, the digits its format pads a whole number to (see paddedDigits). */
export function readPaddedStyles(stylesXml: string): number[] {
  return styleFormats(stylesXml).map(({ code }) => (code === undefined ? 0 : paddedDigits(code)));
}

/**
 * The digits a number format pads a whole number to when it is only zeros (`00000`: a ZIP
 * code 01234 is stored as 1234 and shown with its zero), else 0.
 */
export function paddedDigits(code: string): number {
  // its part for positive numbers; a quoted or escaped 0 is a character, not a digit
  const positive = code.split(";")[0]!;
  return /^0{2,}$/.test(positive) ? positive.length : 0;
}

/** Whether a number format code shows a percentage: a % outside quotes, in its first part. */
export function isPercentFormat(code: string): boolean {
  return code.replace(/"[^"]*"/g, "").replace(/\\./g, "").split(";")[0]!.includes("%");
}

/** Each cell style's number format: its id, and its code when the workbook defines it. */
function styleFormats(stylesXml: string): { id: number; code?: string }[] {
  const custom = new Map<number, string>();
  for (const format of tags(stylesXml, "numFmt")) {
    custom.set(
      Number(attribute(format, "numFmtId")),
      decodeXml(attribute(format, "formatCode") ?? ""),
    );
  }
  const start = stylesXml.indexOf("<cellXfs");
  const end = stylesXml.indexOf("</cellXfs>", start);
  if (start === -1 || end === -1) return [];
  return tags(stylesXml.slice(start, end), "xf").map((xf) => {
    const id = Number(attribute(xf, "numFmtId") ?? 0);
    return { id, code: custom.get(id) };
  });
}

/** Whether a number format code shows a date or time: y, m, d, h or s outside quotes and brackets. */
export function isDateFormat(code: string): boolean {
  const bare = code
    .replace(/"[^"]*"/g, "")
    .replace(/\\./g, "")
    .replace(/\[(?!h+\]|m+\]|s+\])[^\]]*\]/gi, "")
    .split(";")[0]!;
  return /[ymdhs]/i.test(bare) && !/^(general|@)$/i.test(bare.trim());
}

/** The shared strings table: cells with t="s" hold an index into it. */
export function readSharedStrings(xml: string): string[] {
  const strings: string[] = [];
  let at = xml.indexOf("<si");
  while (at !== -1) {
    const end = xml.indexOf("</si>", at);
    if (end === -1) break;
    strings.push(itemText(xml.slice(at, end)));
    at = xml.indexOf("<si", end);
  }
  return strings;
}

/** The text of a string item: its <t>, or the <t> of each rich-text run; phonetic hints left out. */
export function itemText(item: string): string {
  let xml = item;
  if (xml.indexOf("<rPh") !== -1) xml = xml.replace(/<rPh\b[\s\S]*?<\/rPh>/g, "");
  let text = "";
  for (let at = xml.indexOf("<t"); at !== -1; at = xml.indexOf("<t", at + 2)) {
    const next = xml[at + 2];
    if (next !== ">" && next !== " ") continue; // <tag…> that only starts with t
    const open = xml.indexOf(">", at);
    if (xml[open - 1] === "/") continue; // <t/>
    const close = xml.indexOf("</t>", open);
    text += xml.slice(open + 1, close);
    at = close;
  }
  return decodeXml(text);
}
