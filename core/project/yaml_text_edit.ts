/**
 * Edits to YAML text that touch only the bytes of the values they change: a scalar is
 * replaced where it stands, a map entry is added, changed or removed in the map's own
 * style (block or flow), and everything else — comments, quotes, blank lines, other keys —
 * stays byte for byte as the analyst wrote it. Re-serialising the document would not.
 *
 * @module
 */
import { isMap, isScalar, parse, type YAMLMap } from "yaml";

/** One change to the text: bytes [start, end) become `text`. */
export interface TextSplice {
  start: number;
  end: number;
  text: string;
}

/** Applies splices that do not overlap. */
export function applySplices(text: string, splices: TextSplice[]): string {
  let out = text;
  for (const splice of [...splices].sort((a, b) => b.start - a.start)) {
    out = out.slice(0, splice.start) + splice.text + out.slice(splice.end);
  }
  return out;
}

/**
 * A string as a YAML scalar: plain when it reads back as the same text (or the same
 * number), double-quoted otherwise; in a flow map, flow indicators force quotes.
 */
export function yamlScalar(value: string, flow = false): string {
  if (/^[A-Za-z0-9_./:@+-]+$/.test(value) && !(flow && /[,[\]{}]/.test(value))) {
    try {
      const read: unknown = parse(value);
      if (read === value || (typeof read === "number" && String(read) === value)) return value;
    } catch {
      // not plain YAML: quote it
    }
  }
  return JSON.stringify(value);
}

/** The splice that puts `value` in place of the scalar `node` (a YAML node with a range). */
export function replaceValue(node: { range?: unknown }, valueText: string): TextSplice {
  const range = node.range as [number, number, number];
  return { start: range[0], end: range[1], text: valueText };
}

/**
 * The splice that adds `key: valueText` to the block map `map`, as a new line after the
 * entry `after` (or after the last entry), indented like its keys.
 */
export function insertEntry(
  text: string,
  map: YAMLMap,
  key: string,
  valueText: string,
  after?: string,
): TextSplice | undefined {
  if (map.flow || map.items.length === 0) return undefined;
  const anchor = map.items.find((item) => isScalar(item.key) && item.key.value === after) ??
    map.items[map.items.length - 1]!;
  const keyStart = (anchor.key as { range: [number, number, number] }).range[0];
  const indent = keyStart - (text.lastIndexOf("\n", keyStart) + 1);
  const lineEnd = text.indexOf("\n", endOf(anchor.value ?? anchor.key));
  const at = lineEnd === -1 ? text.length : lineEnd;
  return { start: at, end: at, text: `\n${" ".repeat(indent)}${key}: ${valueText}` };
}

/**
 * The splices that make the map `map` hold exactly `entries` (string values), changing
 * only what differs: changed values in place; in a block map, removed entries lose their
 * lines and new ones get a line each; a flow map is written anew, unchanged values as
 * they were written.
 */
export function setMapEntries(
  text: string,
  map: YAMLMap,
  entries: Record<string, string>,
): TextSplice[] {
  const written = new Map<string, { value: unknown; text: string; index: number }>();
  map.items.forEach((item, index) => {
    if (!isScalar(item.key)) return;
    const value = item.value as { range?: [number, number, number] } | null;
    written.set(String(item.key.value), {
      value: isScalar(item.value) ? item.value.value : undefined,
      text: value?.range ? text.slice(value.range[0], value.range[1]) : "",
      index,
    });
  });
  const same = (key: string) =>
    written.has(key) && written.get(key)!.value !== undefined &&
    String(written.get(key)!.value) === entries[key];
  const removed = [...written.keys()].filter((key) => !(key in entries));
  const added = Object.keys(entries).filter((key) => !written.has(key));
  if (map.flow || (map.items.length > 0 && removed.length === map.items.length)) {
    if (removed.length === 0 && added.length === 0 && Object.keys(entries).every(same)) {
      return [];
    }
    if (removed.length === 0 && added.length === 0) {
      return changedValues(map, entries, same, true);
    }
    const parts = Object.entries(entries).map(([key, value]) =>
      `${yamlScalar(key, true)}: ${same(key) ? written.get(key)!.text : yamlScalar(value, true)}`
    );
    const flowText = parts.length === 0 ? "{}" : `{ ${parts.join(", ")} }`;
    if (map.flow) return [replaceValue(map, flowText)];
    // a block map that loses every entry: `params:` followed by its lines becomes `params: {}`
    const start = text.lastIndexOf(":", (map.range as number[])[0]);
    return [{ start: start + 1, end: blockEnd(map), text: ` ${flowText}\n` }];
  }
  const splices = changedValues(map, entries, same, false);
  for (const key of removed) {
    const item = map.items[written.get(key)!.index]!;
    const start = lineStart(text, endOf(item.key, 0));
    const next = map.items[written.get(key)!.index + 1];
    const end = next ? lineStart(text, endOf(next.key, 0)) : blockEnd(map);
    splices.push({ start, end, text: "" });
  }
  if (added.length > 0) {
    const first = map.items[0]!;
    const keyStart = endOf(first.key, 0);
    const indent = " ".repeat(keyStart - lineStart(text, keyStart));
    const at = blockEnd(map);
    const newline = text[at - 1] === "\n" ? "" : "\n";
    splices.push({
      start: at,
      end: at,
      text: newline +
        added.map((key) => `${indent}${yamlScalar(key)}: ${yamlScalar(entries[key]!)}\n`).join(""),
    });
  }
  return splices;
}

function changedValues(
  map: YAMLMap,
  entries: Record<string, string>,
  same: (key: string) => boolean,
  flow: boolean,
): TextSplice[] {
  const splices: TextSplice[] = [];
  for (const item of map.items) {
    if (!isScalar(item.key)) continue;
    const key = String(item.key.value);
    if (!(key in entries) || same(key)) continue;
    const value = item.value as { range?: unknown } | null;
    if (value?.range) splices.push(replaceValue(value, yamlScalar(entries[key]!, flow)));
  }
  return splices;
}

/** Where a block map's text ends: after its last line's newline. */
function blockEnd(map: YAMLMap): number {
  return (map.range as [number, number, number])[1];
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf("\n", offset - 1) + 1;
}

function endOf(node: unknown, which: 0 | 1 = 1): number {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range ? range[which] : 0;
}

/** Whether `node` is a map, for callers that hold an unknown node. */
export function asMap(node: unknown): YAMLMap | undefined {
  return isMap(node) ? node : undefined;
}
