/**
 * "Did you mean …?" suggestions for typed names: keys, sources, headers, rules.
 *
 * @module
 */

/** Levenshtein distance between two strings. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** Lower case, with spaces, dashes, dots and underscores removed: "E-mail Address" → "emailaddress". */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[\s_\-.]+/g, "");
}

/**
 * The candidate closest to `name` (compared case- and space-insensitively), or undefined
 * when none is close enough to be a plausible typo.
 */
export function closestMatch(name: string, candidates: readonly string[]): string | undefined {
  const wanted = normalizeName(name);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const normal = normalizeName(candidate);
    // "Day" in "Reporting day" is a strong hint, however long the rest
    const shorter = Math.min(normal.length, wanted.length);
    const distance = shorter >= 3 && (normal.includes(wanted) || wanted.includes(normal))
      ? 1 + Math.abs(normal.length - wanted.length) / 100
      : editDistance(wanted, normal);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const allowed = Math.max(2, Math.floor(wanted.length / 3));
  return bestDistance <= allowed ? best : undefined;
}
