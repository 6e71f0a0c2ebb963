import assert from "node:assert/strict";
import { join } from "node:path";
import { ConfigError } from "../../util/errors.ts";
import { locateProject } from "./project_paths.ts";

Deno.test("locateProject() reads the database line alone, as YAML writes it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const at = async (yaml: string) => {
      await Deno.writeTextFile(join(dir, "plutus.yaml"), yaml);
      const location = (await locateProject(dir)).database;
      return location.kind === "sqlite" ? location.path : location.url;
    };
    assert.equal(await at("sources: {}\n"), join(dir, "data", "plutus.db"));
    assert.equal(await at("database: store/crm.db\n"), join(dir, "store", "crm.db"));
    assert.equal(
      await at('database: "my data/crm.db"  # quoted\n'),
      join(dir, "my data", "crm.db"),
    );
    assert.equal(await at("database: '/srv/plutus.db'\r\n"), "/srv/plutus.db");
    assert.equal(
      await at("sources:\n  x:\n    database: nested.db\n"),
      join(dir, "data", "plutus.db"),
    );
    await Deno.writeTextFile(join(dir, ".env"), "DB_DIR=/var/lib/acme\n");
    assert.equal(await at("database: ${DB_DIR}/plutus.db\n"), "/var/lib/acme/plutus.db");
    // the rest is not read: a mistake elsewhere does not stop status or query
    assert.equal(
      await at("database: data/a.db\nsources: [not, valid\n"),
      join(dir, "data", "a.db"),
    );
    await Deno.remove(join(dir, "plutus.yaml"));
    await assert.rejects(() => locateProject(dir), ConfigError);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
