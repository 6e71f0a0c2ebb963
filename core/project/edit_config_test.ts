import assert from "node:assert/strict";
import fc from "fast-check";
import { parse } from "yaml";
import { applyApiSourceEdit } from "./edit_config.ts";

const YAML = `# Acme's sources
database: data/plutus.db   # default
sources:
  google_ads:
    kind: file
    files: ["google_ads_*.csv"]
    table: ad_spend

  crm:   # HubSpot, read nightly
    kind: api
    url: 'https://api.hubapi.com/crm/v3/objects/contacts'
    auth: {type: bearer, token: "\${HUBSPOT_TOKEN}"}
    params:
      limit: 100     # the most HubSpot allows
      archived: false
    records: results
    paginate: {type: cursor, cursor: paging.next.after, param: after}
    table: leads
  shop:
    kind: api
    url: "https://shop.example/api/orders?key=\${SHOP_KEY}"
    auth: { type: header, name: X-Key, value: literal-key-1234 }
    params: { status: any,   per_page: 50 }
    table: orders
`;

const unchanged = {
  url: "https://api.hubapi.com/crm/v3/objects/contacts",
  params: { limit: "100", archived: "false" },
};

Deno.test("applyApiSourceEdit() leaves plutus.yaml byte-identical when nothing was changed", () => {
  assert.equal(applyApiSourceEdit(YAML, "crm", unchanged).text, YAML);
  assert.equal(
    applyApiSourceEdit(YAML, "shop", {
      url: "https://shop.example/api/orders?key=${SHOP_KEY}",
      params: { status: "any", per_page: "50" },
    }).text,
    YAML,
  );
});

Deno.test("applyApiSourceEdit() changes only the bytes of the values edited", () => {
  const url = applyApiSourceEdit(YAML, "crm", { ...unchanged, url: "https://api.hubapi.com/v4" });
  assert.equal(
    url.text,
    YAML.replace("'https://api.hubapi.com/crm/v3/objects/contacts'", "https://api.hubapi.com/v4"),
  );
  const limit = applyApiSourceEdit(YAML, "crm", {
    ...unchanged,
    params: { limit: "50", archived: "false" },
  });
  assert.equal(limit.text, YAML.replace("limit: 100 ", "limit: 50 "));
  const added = applyApiSourceEdit(YAML, "crm", {
    ...unchanged,
    params: { limit: "100", archived: "false", after: "x y" },
  });
  assert.equal(
    added.text,
    YAML.replace("archived: false\n", 'archived: false\n      after: "x y"\n'),
  );
  const removed = applyApiSourceEdit(YAML, "crm", { ...unchanged, params: { limit: "100" } });
  assert.equal(removed.text, YAML.replace("      archived: false\n", ""));
  const none = applyApiSourceEdit(YAML, "crm", { ...unchanged, params: {} });
  assert.equal(
    none.text,
    YAML.replace(
      "params:\n      limit: 100     # the most HubSpot allows\n      archived: false\n",
      "params: {}\n",
    ),
  );
  const flow = applyApiSourceEdit(YAML, "shop", { params: { status: "paid", per_page: "50" } });
  assert.equal(flow.text, YAML.replace("status: any,", "status: paid,"));
  const flowAdded = applyApiSourceEdit(YAML, "shop", {
    params: { per_page: "50", since: "2026-01-01" },
  });
  assert.equal(
    flowAdded.text,
    YAML.replace("{ status: any,   per_page: 50 }", "{ per_page: 50, since: 2026-01-01 }"),
  );
});

Deno.test("applyApiSourceEdit() puts a typed key in .env and a ${NAME} in plutus.yaml, never the key", () => {
  const referenced = applyApiSourceEdit(YAML, "crm", { ...unchanged, key: "pat-na1-new" });
  assert.equal(referenced.text, YAML);
  assert.deepEqual(referenced.env, ["HUBSPOT_TOKEN", "pat-na1-new"]);
  const literal = applyApiSourceEdit(YAML, "shop", { key: "pk-new-5678" });
  assert.equal(literal.text, YAML.replace("literal-key-1234", '"${SHOP_KEY}"'));
  assert.deepEqual(literal.env, ["SHOP_KEY", "pk-new-5678"]);
  assert.ok(!literal.text.includes("pk-new-5678"));
});

Deno.test("applyApiSourceEdit() writes any params exactly, and nothing outside them moves (property)", () => {
  const name = fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/);
  const value = fc.oneof(
    fc.string({ maxLength: 12 }).filter((v) => !/[\r\n]/.test(v) && v.trim() === v),
    fc.constantFrom("100", "007", "true", "null", "1e3", "${KEY}", "a,b", "{x}", "# no", "x: y"),
  );
  fc.assert(
    fc.property(
      fc.dictionary(name, value, { maxKeys: 5, noNullPrototype: true }),
      fc.boolean(),
      (params, flowSource) => {
        const source = flowSource ? "shop" : "crm";
        const edited = applyApiSourceEdit(YAML, source, { params }).text;
        const read = parse(edited).sources;
        const written = Object.fromEntries(
          Object.entries(read[source].params ?? {}).map(([k, v]) => [k, String(v)]),
        );
        assert.deepEqual(written, params);
        const other = source === "crm" ? "shop" : "crm";
        assert.deepEqual(read[other], parse(YAML).sources[other]);
        assert.ok(edited.startsWith(YAML.slice(0, YAML.indexOf(`  ${source}:`))));
      },
    ),
    { numRuns: 300 },
  );
});
