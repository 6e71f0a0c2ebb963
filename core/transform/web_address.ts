/**
 * Whether text is a web address (http:// or https://) as `new URL()` reads it, with a scan
 * for the plain ones: a url column is checked on every row, and the URL parser costs more
 * than all of a row's other checks.
 *
 * @module
 */

/** Whether `new URL(text)` parses `text` as an http: or https: address. */
export function isWebAddress(text: string): boolean {
  if (plainWebAddress(text)) return true;
  try {
    const url = new URL(text);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

/**
 * True for `http://` or `https://`, then a host of ASCII letters, digits, dashes and dots,
 * then nothing or `/`, `?` or `#` and anything after: the parser cannot refuse those (the
 * URL Standard's host parsing of an ASCII domain without an `xn--` label only lower-cases
 * it; path, query and fragment never fail). False means "not sure": ask the parser.
 */
function plainWebAddress(text: string): boolean {
  let i = text.startsWith("https://") ? 8 : text.startsWith("http://") ? 7 : -1;
  if (i === -1) return false;
  let labelStart = i;
  for (;; i++) {
    const code = i < text.length ? text.charCodeAt(i) : -1;
    if (code === 46 || code === 47 || code === 63 || code === 35 || code === -1) { // . / ? # end
      if (i === labelStart) return false; // an empty label (or no host at all)
      const first = text.charCodeAt(labelStart) | 0x20;
      // xn--: punycode the parser decodes and may refuse
      if (
        first === 120 && (text.charCodeAt(labelStart + 1) | 0x20) === 110 &&
        text.charCodeAt(labelStart + 2) === 45 && text.charCodeAt(labelStart + 3) === 45
      ) return false;
      if (code !== 46) return first >= 97 && first <= 122; // a last label that is no number
      labelStart = i + 1;
    } else if (
      !((code >= 48 && code <= 57) || code === 45 || ((code | 0x20) >= 97 && (code | 0x20) <= 122))
    ) return false; // a port, user name, escape, back slash, space, other script…: ask URL
  }
}
