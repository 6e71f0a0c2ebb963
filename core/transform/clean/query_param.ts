/**
 * The value of one query parameter, read the way `new URLSearchParams(query).get(name)`
 * reads it, but by scanning the text: a landing page's `?utm_source=google&…` is read on
 * every row, and URLSearchParams builds every pair of the query to return one.
 *
 * @module
 */

/**
 * `new URLSearchParams(text.slice(from, end)).get(name)`, without building the pairs. A
 * query that needs decoding (`%`, `+`, anything beyond ASCII) before the pair is found is
 * handed to URLSearchParams itself: the scan only reads what decodes to itself, and what
 * follows the pair it returns cannot change the answer.
 */
export function queryParam(text: string, from: number, end: number, name: string): string | null {
  // URLSearchParams drops one leading "?" of the text it is given
  let start = from < end && text.charCodeAt(from) === 63 ? from + 1 : from; // the pair's
  let equals = -1; // the pair's first "=": name=value, or a name alone (an empty value)
  for (let i = start; i <= end; i++) {
    const code = i < end ? text.charCodeAt(i) : 38; // the end closes the last pair as "&" does
    if (code === 38) {
      const nameEnd = equals === -1 ? i : equals;
      if (i > start && nameEnd - start === name.length && text.startsWith(name, start)) {
        return equals === -1 ? "" : text.slice(equals + 1, i);
      }
      start = i + 1;
      equals = -1;
    } else if (code === 61) {
      if (equals === -1) equals = i;
    } else if (code === 37 || code === 43 || code > 127) { // % + and non-ASCII decode to other text
      return new URLSearchParams(text.slice(from, end)).get(name);
    }
  }
  return null;
}
