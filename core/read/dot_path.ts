/**
 * Dot paths into JSON: `properties.email`, `owner.name`, `lines.0.sku` or `lines[0].sku`.
 * An empty path is the value itself. A number kept whole by exact_json.ts is found as its
 * text.
 *
 * @module
 */
import { exactNumberText, jsonValue } from "./exact_json.ts";

/** Splits a dot path into its keys. */
export function splitPath(path: string): string[] {
  if (path === "" || path === ".") return [];
  return path.replace(/\[(\d+)\]/g, ".$1").split(".").filter((part) => part !== "");
}

/** The value at `path` in `value`, or undefined when any step is missing. */
export function getPath(value: unknown, path: string | readonly string[]): unknown {
  const keys = typeof path === "string" ? splitPath(path) : path;
  let current = value;
  for (const key of keys) {
    if (current === null || typeof current !== "object" || exactNumberText(current)) {
      return undefined; // a kept number has no fields
    }
    current = (current as Record<string, unknown>)[key];
  }
  return jsonValue(current);
}

/** Compiles a path into a getter, for a path used on every record. */
export function compilePath(path: string): (value: unknown) => unknown {
  const keys = splitPath(path);
  if (keys.length === 1) {
    const key = keys[0]!;
    return (value) =>
      value !== null && typeof value === "object"
        ? jsonValue((value as Record<string, unknown>)[key])
        : undefined;
  }
  return (value) => getPath(value, keys);
}

/** The dot paths of the leaves of a record, up to `depth` levels: what `check --online` shows. */
export function leafPaths(value: unknown, depth = 3, prefix = ""): string[] {
  if (value === null || typeof value !== "object" || depth === 0 || exactNumberText(value)) {
    return prefix ? [prefix] : [];
  }
  if (Array.isArray(value)) {
    return value.length === 0
      ? (prefix ? [prefix] : [])
      : leafPaths(value[0], depth - 1, `${prefix}${prefix ? "." : ""}0`);
  }
  const paths: string[] = [];
  for (const [key, child] of Object.entries(value)) {
    paths.push(...leafPaths(child, depth - 1, prefix ? `${prefix}.${key}` : key));
  }
  return paths;
}
