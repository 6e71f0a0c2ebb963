/**
 * The API benchmark: 100,000 records over 1,000 pages from a local server that pages like
 * HubSpot, loaded with `plutus run`, timed end to end.
 *
 * @module
 */
import { join } from "node:path";
import { startFakeApi, TOKEN } from "../tests/fake_api.ts";
import { measureCommand, type Measured, PLUTUS } from "./measure.ts";

/** The result of one API load. */
export interface ApiBenchResult {
  records: number;
  pages: number;
  plutus: Measured;
  recordsPerSecond: number;
}

/** Serves `records` records, `pageSize` a page, and loads them all. */
export async function benchApi(
  records: number,
  pageSize: number,
  workDir: string,
): Promise<ApiBenchResult> {
  const api = startFakeApi(records);
  const project = join(workDir, "api_project");
  try {
    await Deno.remove(project, { recursive: true }).catch(() => {});
    await Deno.mkdir(join(project, "schema"), { recursive: true });
    await Deno.writeTextFile(join(project, ".env"), `CRM_TOKEN=${TOKEN}\n`);
    await Deno.writeTextFile(
      join(project, "schema", "contacts.yaml"),
      `columns:
  id: { type: text, required: true }
  email: { type: email, clean: [trim, lower] }
  first_name: { type: text }
  stage: { type: text, values: [subscriber, lead, mql, sql, customer] }
  created_at: { type: datetime }
  updated_at: { type: datetime }
  amount: { type: decimal, min: 0 }
key: [id]
`,
    );
    await Deno.writeTextFile(
      join(project, "plutus.yaml"),
      `sources:
  crm:
    kind: api
    url: "${api.url}/crm/v3/objects/contacts"
    auth: { type: bearer, token: "\${CRM_TOKEN}" }
    params: { limit: ${pageSize} }
    records: results
    paginate: { type: cursor, cursor: paging.next.after, param: after }
    max_pages: 100000
    table: contacts
    columns:
      email: properties.email
      first_name: properties.firstname
      stage: properties.lifecyclestage
      created_at: properties.createdate
      updated_at: updatedAt
`,
    );
    const plutus = await measureCommand([...PLUTUS, "run", "--project", project]);
    if (plutus.code !== 0) {
      throw new Error(`plutus run failed (${plutus.code}):\n${plutus.stderr}${plutus.stdout}`);
    }
    return {
      records,
      pages: api.requests.length,
      plutus,
      recordsPerSecond: records / (plutus.ms / 1000),
    };
  } finally {
    await api.close();
    await Deno.remove(project, { recursive: true }).catch(() => {});
  }
}
