/**
 * plutus.yaml's sources as the analyst wrote them, for the GUI: `${NAME}` references
 * unresolved (a page never holds a key's value), which variables each source lacks, and
 * one API source resolved and validated on its own — so a missing key or a broken
 * source never hides the others.
 *
 * @module
 */
import { isMap, isScalar, isSeq, type YAMLMap } from "yaml";
import { apiSourceModel } from "../../config/api_source_model.ts";
import { ConfigError, type ConfigProblem } from "../../util/errors.ts";
import {
  isSourceUrl,
  resolveUrlVars,
  resolveVars,
  SecretMask,
  type SourceVars,
  varsBySource,
} from "../../config/env.ts";
import type { ApiSource } from "../../config/plutus_config.ts";
import { dotted, issueProblems, parseYamlFile } from "../../config/yaml_file.ts";

/** How a source's key is written. */
export interface KeyAsWritten {
  type: string;
  /** The field that holds it: token, value or password. */
  field: string;
  /** The variable it refers to, when it is written as `${NAME}`. */
  variable?: string;
  /** Its value, to preview masked; undefined when it has none. */
  value?: string;
}

/** One source as written. */
export interface SourceAsWritten {
  name: string;
  kind: string;
  table: string;
  /** File sources: the globs. */
  files: string[];
  /** API sources: the url and params exactly as written. */
  url: string;
  params: [string, string][];
  paginate: string;
  key?: KeyAsWritten;
  vars: SourceVars;
}

/** The sources of plutus.yaml `text`, unresolved; `lookup` finds variables' values. */
export function sourcesAsWritten(
  text: string,
  lookup: (name: string) => string | undefined,
): SourceAsWritten[] {
  const file = parseYamlFile(text, "plutus.yaml");
  const sources = file.document.get("sources", true);
  if (!isMap(sources)) return [];
  const vars = varsBySource(file.document.toJS()?.sources, lookup);
  return sources.items.flatMap((item) => {
    if (!isScalar(item.key) || !isMap(item.value)) return [];
    const name = String(item.key.value);
    const map = item.value;
    const files = map.get("files", true);
    const params = map.get("params", true);
    const paginate = map.get("paginate", true);
    return [{
      name,
      kind: text_(map, "kind"),
      table: text_(map, "table"),
      files: isSeq(files)
        ? files.items.map((f) => String(isScalar(f) ? f.value : ""))
        : [text_(map, "files")].filter(Boolean),
      url: text_(map, "url"),
      params: isMap(params)
        ? params.items.map((p) => [
          String(isScalar(p.key) ? p.key.value : ""),
          isScalar(p.value) ? String(p.value.value ?? "") : "",
        ])
        : [],
      paginate: isMap(paginate) ? text_(paginate, "type") : "none",
      key: keyOf(map, lookup),
      vars: vars[name] ?? { used: [], missing: [] },
    }];
  });
}

function text_(map: YAMLMap, key: string): string {
  const node = map.get(key, true);
  return isScalar(node) && node.value !== null ? String(node.value) : "";
}

function keyOf(
  map: YAMLMap,
  lookup: (name: string) => string | undefined,
): KeyAsWritten | undefined {
  const auth = map.get("auth", true);
  if (!isMap(auth)) return undefined;
  const field = ["token", "value", "password"].find((key) => auth.has(key)) ?? "token";
  const written = text_(auth, field);
  const variable = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(written)?.[1];
  return {
    type: text_(auth, "type"),
    field,
    variable,
    value: variable ? lookup(variable) : written || undefined,
  };
}

/** An API source resolved and validated by itself, and the values its `${NAME}`s took. */
export interface ResolvedApiSource {
  source: ApiSource;
  secrets: string[];
}

/**
 * Resolves and validates source `name` of plutus.yaml `text` alone. A variable without a
 * value is a ConfigError at its line — unless `placeholder` is given, which stands in for
 * it (to validate an edit that does not touch the key).
 */
export function resolveApiSource(
  text: string,
  name: string,
  lookup: (name: string) => string | undefined,
  placeholder?: string,
): ResolvedApiSource {
  const file = parseYamlFile(text, "plutus.yaml");
  const written = (file.value as { sources?: Record<string, unknown> } | null)?.sources?.[name];
  const path = ["sources", name];
  if (written === undefined) {
    throw new ConfigError([{
      location: "plutus.yaml",
      path: dotted(path),
      message: "no such source",
    }]);
  }
  const problems: ConfigProblem[] = [];
  const secrets: string[] = [];
  const resolve = (value: unknown, at: (string | number)[]): unknown => {
    if (typeof value === "string") {
      if (!value.includes("${")) return value;
      const missing: string[] = [];
      const resolved = (isSourceUrl(at) ? resolveUrlVars : resolveVars)(value, lookup, missing);
      for (const variable of missing) {
        if (placeholder !== undefined) continue;
        problems.push({
          location: `plutus.yaml:${file.lineOf(at)}`,
          path: dotted(at),
          message:
            `\${${variable}} has no value; add ${variable}=… to the project's .env file, or type the key here`,
        });
      }
      for (const match of value.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)) {
        const secret = lookup(match[1]!);
        if (secret !== undefined) secrets.push(secret);
      }
      return placeholder === undefined
        ? resolved
        : resolved.replace(/\$\{[A-Za-z_][A-Za-z0-9_]*\}/g, placeholder);
    }
    if (Array.isArray(value)) return value.map((item, i) => resolve(item, [...at, i]));
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [key, resolve(item, [...at, key])]),
      );
    }
    return value;
  };
  const resolved = resolve(written, path);
  if (problems.length > 0) throw new ConfigError(problems);
  const result = apiSourceModel.safeParse(resolved, { reportInput: true });
  if (!result.success) {
    const issues = result.error.issues.map((issue) => ({
      ...issue,
      path: [...path, ...issue.path],
    }));
    // a problem quotes the value it found, which may hold a resolved ${NAME}
    const mask = new SecretMask();
    for (const secret of secrets) mask.add(secret);
    throw new ConfigError(
      issueProblems(file, issues).map((problem) => ({
        ...problem,
        message: mask.mask(problem.message),
      })),
    );
  }
  return { source: result.data as ApiSource, secrets };
}
