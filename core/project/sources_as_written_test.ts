import assert from "node:assert/strict";
import { resolveApiSource } from "./sources_as_written.ts";

Deno.test("resolveApiSource() (the GUI's Test) puts a ${VAR} in url as the run does: a + in a key stays a +", () => {
  const text = `sources:
  crm:
    kind: api
    url: "https://api.example.com/v1?api_key=\${CRM_KEY}"
    table: contacts
`;
  const key = "Ab+c/dE==";
  const { source, secrets } = resolveApiSource(
    text,
    "crm",
    (name) => name === "CRM_KEY" ? key : undefined,
  );
  assert.equal(new URL(source.url).searchParams.get("api_key"), key);
  assert.deepEqual(secrets, [key]);
});
