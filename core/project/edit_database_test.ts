import assert from "node:assert/strict";
import { join } from "node:path";
import { applyDatabaseSetting, databaseSetting, saveDatabaseForm } from "./edit_database.ts";
import { UsageError } from "../../util/errors.ts";

const YAML = `# my project
database: data/plutus.db   # the file
timezone: Europe/Berlin

sources: {}
`;

Deno.test("applyDatabaseSetting() changes database: in place and adds database_schema: after it", () => {
  const url = "postgres://plutus:${PG_PASSWORD}@db.example.com/marketing?sslmode=require";
  assert.equal(
    applyDatabaseSetting(YAML, { database: url, schema: "analytics" }),
    `# my project
database: "${url}"   # the file
database_schema: analytics
timezone: Europe/Berlin

sources: {}
`,
  );
  // the default schema is not written; an existing one is replaced in place
  assert.equal(
    applyDatabaseSetting(YAML, { database: url, schema: "public" }),
    YAML.replace("data/plutus.db", `"${url}"`),
  );
  const withSchema = YAML.replace("timezone", "database_schema: old\ntimezone");
  assert.equal(
    applyDatabaseSetting(withSchema, { database: "data/plutus.db", schema: "new_one" }),
    withSchema.replace("database_schema: old", "database_schema: new_one"),
  );
  assert.equal(
    applyDatabaseSetting("sources: {}\n", { database: url }),
    `database: "${url}"\nsources: {}\n`,
  );
});

Deno.test("databaseSetting() moves an inline password out and refuses other URL schemes", () => {
  assert.deepEqual(databaseSetting("postgres://u:s%3Acret@h/db"), {
    database: "postgres://u:${PG_PASSWORD}@h/db",
    password: "s:cret",
    label: "postgres://u@h/db",
  });
  assert.deepEqual(databaseSetting("data/other.db"), { database: "data/other.db" });
  assert.throws(() => databaseSetting("mysql://u@h/db"), UsageError);
  assert.throws(
    () => databaseSetting("postgres://u:s%3Acret@h/db?sslmode=nope"),
    (error: Error) => error instanceof UsageError && !error.message.includes("s:cret"),
  );
});

Deno.test("saveDatabaseForm() moves a password written inline in plutus.yaml to .env when none is typed", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      join(dir, "plutus.yaml"),
      'database: "postgres://plutus:In%40line-Secret@db.example.com/marketing"\nsources: {}\n',
    );
    await saveDatabaseForm(dir, {
      host: "db.example.com",
      port: 5432,
      database: "marketing",
      user: "plutus",
      sslmode: "require",
      schema: "public",
    });
    assert.equal(
      await Deno.readTextFile(join(dir, "plutus.yaml")),
      'database: "postgres://plutus:${PG_PASSWORD}@db.example.com/marketing?sslmode=require"\nsources: {}\n',
    );
    assert.equal(await Deno.readTextFile(join(dir, ".env")), "PG_PASSWORD=In@line-Secret\n");
    assert.equal((await Deno.stat(join(dir, ".env"))).mode! & 0o777, 0o600);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
