/**
 * `check --online`: one request per API source, to show that the URL, the key and the
 * records path work, which fields the records have, and which mapped paths they lack.
 *
 * @module
 */
import { errorMessage, PlutusError } from "../../util/errors.ts";
import type { ApiSource } from "../../config/plutus_config.ts";
import type { CheckItem } from "./check_project.ts";
import { authSecrets, fetchPages, requestAuth } from "../read/api_pages.ts";
import { getPath, leafPaths } from "../read/dot_path.ts";
import { HttpClient } from "../read/http_client.ts";
import type { Project } from "../project/project.ts";
import type { SecretMask } from "../../config/env.ts";
import type { TableSchema } from "../../config/table_schema.ts";

/** Asks each API source for its first page. */
export async function checkApiSources(project: Project): Promise<CheckItem[]> {
  const items: CheckItem[] = [];
  for (const [name, source] of Object.entries(project.config.sources)) {
    if (source.kind !== "api") continue;
    const table = project.tables.get(source.table);
    items.push(await checkApiSource(name, source, { mask: project.secrets, table }));
  }
  return items;
}

/**
 * Asks one API source for its first page: what `check --online` shows for it, and what
 * the GUI's Test connection shows. Every text is masked with `mask`; with its `table`, a
 * required column no record fills is a finding too.
 */
export async function checkApiSource(
  name: string,
  source: ApiSource,
  options: { mask: SecretMask; table?: TableSchema },
): Promise<CheckItem> {
  const { mask, table } = options;
  for (const secret of authSecrets(source.auth)) mask.add(secret);
  let status = 0;
  const client = new HttpClient({
    source: name,
    timeoutSeconds: source.timeout,
    retries: Math.min(source.retries, 1),
    rateLimit: source.rate_limit,
    ...requestAuth(source),
    mask,
  });
  const subject = `source ${name}`;
  try {
    const pages = fetchPages(name, source, client, mask);
    const first = await pages.next();
    await pages.return(undefined);
    status = 200;
    const records = first.done ? [] : first.value.records;
    const fields = [...new Set(records.slice(0, 20).flatMap((record) => leafPaths(record)))];
    const mapping = source.columns ?? {};
    const missing = Object.entries(mapping)
      .filter(([, m]) => m.from !== undefined && records.length > 0)
      .filter(([, m]) =>
        !records.some((record) => m.from!.some((path) => getPath(record, path) !== undefined))
      )
      .map(([column, m]) => `${column} ← ${m.from!.join(" or ")}`);
    // a required column left unmapped reads the record's field of its own name
    for (const [column, schema] of Object.entries(table?.columns ?? {})) {
      if (!schema.required || mapping[column] !== undefined || records.length === 0) continue;
      if (records.some((record) => getPath(record, column) !== undefined)) continue;
      missing.push(
        `${column} (unmapped, so read from the field "${column}"; table ${source.table} requires it)`,
      );
    }
    const detail = `HTTP ${status}, ${records.length} record(s) on the first page` +
      (fields.length > 0
        ? `; fields: ${fields.slice(0, 40).join(", ")}${fields.length > 40 ? ", …" : ""}`
        : "");
    if (missing.length > 0) {
      return {
        subject,
        ok: false,
        detail: `${detail}; no record has ${missing.join(", ")}`,
        hint:
          `Fix those paths under sources.${name}.columns, or map the required column to its field, e.g. email: properties.email (the fields above are what the API sends); every record without a required value is rejected.`,
      };
    }
    return { subject, ok: true, detail };
  } catch (error) {
    return {
      subject,
      ok: false,
      detail: mask.mask(errorMessage(error)),
      hint: error instanceof PlutusError && error.hint ? mask.mask(error.hint) : undefined,
    };
  }
}
