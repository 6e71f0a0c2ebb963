/**
 * The most frequent reasons rows were rejected, for a step's summary: reasons that differ
 * only in the quoted value are counted together, and each group keeps its first example.
 *
 * @module
 */

/** One group of alike rejects. */
export interface ReasonCount {
  /** The first reject of the group, as written: `amount: "abc" is not a number`. */
  example: string;
  /** Where that first one is: `orders.csv:17`. */
  location: string;
  count: number;
}

/** Counts reject reasons as they come; `top()` gives the largest groups. */
export class ReasonCounter {
  readonly #groups = new Map<string, ReasonCount>();

  add(column: string | null, reason: string, location: string): void {
    const key = `${column ?? ""}\u0000${reason.replace(/"(?:[^"\\]|\\.)*"/g, "…")}`;
    const group = this.#groups.get(key);
    if (group) group.count++;
    else {this.#groups.set(key, {
        example: column ? `${column}: ${reason}` : reason,
        location,
        count: 1,
      });}
  }

  top(limit = 5): ReasonCount[] {
    return [...this.#groups.values()].sort((a, b) => b.count - a.count).slice(0, limit);
  }
}

/** How a group reads in a summary: `12 × amount: "abc" is not a number (orders.csv:17 and 11 more)`. */
export function describeReasonCount(group: ReasonCount): string {
  const more = group.count > 1 ? ` and ${group.count - 1} more like it` : "";
  return `${String(group.count).padStart(6)} × ${group.example} (${group.location}${more})`;
}
