/**
 * The value of one query parameter, read the way `new URLSearchParams(query).get(name)`
 * reads it, but by scanning the text: a landing page's `?utm_source=google&…` is read on
 * every row, and URLSearchParams builds every pair of the query to return one.
 *
 * @module
 */

/**
 * `new URLSearchParams(text.slice(from, end)).get(name)`, without building the pairs. A
 * query that needs decoding (`%`, `+`, anything beyond ASCII) is handed to URLSearchParams
 * itself: the scan only reads what decodes to itself.
 */
export function queryParam(text: string, from: number, end: number, name: string): string | null {
  for (let i = from; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code === 37 || code === 43 || code > 127) { // % + and non-ASCII decode to other text
      return new URLSearchParams(text.slice(from, end)).get(name);
    }
  }
  // URLSearchParams drops one leading "?" of the text it is given
  const first = from < end && text.charCodeAt(from) === 63 ? from + 1 : from;
  // the next "=" at or after a pair's start, found once: linear even in "&&&…&a=1"
  let nextEquals = first - 1;
  for (let start = first; start < end;) {
    let stop = text.indexOf("&", start);
    if (stop === -1 || stop > end) stop = end;
    // a pair: name=value, or a name alone (an empty value); the first "=" splits it
    if (nextEquals !== -1 && nextEquals < start) nextEquals = text.indexOf("=", start);
    const equals = nextEquals === -1 || nextEquals > stop ? stop : nextEquals;
    if (stop > start && equals - start === name.length && text.startsWith(name, start)) {
      return equals === stop ? "" : text.slice(equals + 1, stop);
    }
    start = stop + 1;
  }
  return null;
}
