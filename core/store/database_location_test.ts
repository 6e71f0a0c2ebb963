import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { databaseLocation } from "./database_location.ts";

Deno.test("databaseLocation() reads a path as a SQLite file of the project, the default when empty", () => {
  const root = resolve("/srv/acme");
  const file = (path: string) => ({ kind: "sqlite", path });
  assert.deepEqual(databaseLocation(undefined, root), file(join(root, "data", "plutus.db")));
  assert.deepEqual(databaseLocation("", root), file(join(root, "data", "plutus.db")));
  assert.deepEqual(databaseLocation("store/crm.db", root), file(join(root, "store", "crm.db")));
  assert.deepEqual(databaseLocation("/var/lib/p.db", root), file("/var/lib/p.db"));
});

Deno.test("databaseLocation() reads a postgres:// or postgresql:// URL as a server", () => {
  const url = "postgres://plutus:secret@db.example.com:5432/marketing?sslmode=require";
  assert.deepEqual(databaseLocation(url, "/srv/acme"), { kind: "postgres", url, schema: "public" });
  assert.deepEqual(
    databaseLocation("postgresql://h/db", "/srv/acme", { schema: "marketing" }),
    { kind: "postgres", url: "postgresql://h/db", schema: "marketing" },
  );
});
