import assert from "node:assert/strict";
import { join } from "node:path";
import { UsageError } from "../../util/errors.ts";
import { initProject } from "../init/init_project.ts";
import { openProject } from "./project.ts";
import { checkFileSourceName, checkSourceNames } from "./source_names.ts";

async function withDemo(test: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "plutus-names-" });
  try {
    await initProject(dir, { demo: true });
    await test(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("checkSourceNames() refuses a name plutus.yaml does not have, naming the closest and all", () =>
  withDemo(async (dir) => {
    const project = await openProject(dir);
    checkSourceNames(project, ["google_ads", "meta_ads"]);
    assert.throws(() => checkSourceNames(project, ["google_ads", "shopify_order"]), (error) => {
      assert.ok(error instanceof UsageError);
      assert.equal(
        error.message,
        'no source named "shopify_order" in plutus.yaml (did you mean "shopify_orders"?)',
      );
      assert.equal(error.hint, "Sources: google_ads, meta_ads, hubspot_leads, shopify_orders");
      return true;
    });
    // nothing close: no guess, the list all the same
    assert.throws(
      () => checkSourceNames(project, ["zzz"]),
      { message: 'no source named "zzz" in plutus.yaml' },
    );
  }));

Deno.test("checkFileSourceName() takes file sources and API sources, and a broken file source", () =>
  withDemo(async (dir) => {
    const path = join(dir, "plutus.yaml");
    await Deno.writeTextFile(
      path,
      `${await Deno.readTextFile(path)}
  crm:
    kind: api
    url: https://api.example.com/contacts
    table: leads
  broken_csv:
    kind: file
    files: "broken*.csv"
    table: no_such_table
`,
    );
    const project = await openProject(dir);
    assert.ok(project.brokenSources.has("broken_csv"));
    for (const name of ["google_ads", "crm", "broken_csv"]) checkFileSourceName(project, name);
    assert.throws(() => checkFileSourceName(project, "goggle_ads"), (error) => {
      assert.ok(error instanceof UsageError);
      assert.equal(
        error.message,
        'no file source named "goggle_ads" in plutus.yaml (did you mean "google_ads"?)',
      );
      assert.equal(
        error.hint,
        "File sources: google_ads, meta_ads, hubspot_leads, shopify_orders",
      );
      return true;
    });
  }));
