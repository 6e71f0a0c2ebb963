import assert from "node:assert/strict";
import { StoreError } from "../../../util/errors.ts";
import { copyRows, ident } from "./pg_sql.ts";
import { pgLabel, pgTarget } from "./pg_connect.ts";

Deno.test("copyRows() writes COPY text: ordinals, escapes, \\N for empty", () => {
  assert.equal(
    copyRows(["a\tb", 1.5, null, "line\nbreak\\", -2, "x\ry"], 3, 7),
    "7\ta\\tb\t1.5\t\\N\n8\tline\\nbreak\\\\\t-2\tx\\ry\n",
  );
  assert.equal(copyRows([], 3, 1), "");
});

Deno.test("copyRows() refuses a NUL character, which PostgreSQL cannot store", () => {
  assert.throws(
    () => copyRows(["a\0b"], 1, 1),
    (error: StoreError) =>
      error instanceof StoreError && /NUL character/.test(error.message) && !!error.hint,
  );
});

Deno.test("ident() quotes and doubles inner quotes", () => {
  assert.equal(ident('order "id"'), '"order ""id"""');
});

Deno.test("pgTarget() reads a URL with the one URL parser; pgLabel() leaves out its password", () => {
  const url = "postgres://plutus:p%40ss:w@db.example.com:6543/marketing?sslmode=require";
  const target = pgTarget(url);
  assert.equal(target.host, "db.example.com");
  assert.equal(target.port, 6543);
  assert.equal(target.database, "marketing");
  assert.equal(target.user, "plutus");
  assert.equal(target.password, "p@ss:w");
  assert.equal(target.sslmode, "require");
  assert.equal(pgLabel(url), "postgres://plutus@db.example.com:6543/marketing?sslmode=require");
  assert.equal(pgTarget("postgresql://u@h/d").sslmode, "prefer");
  assert.throws(
    () => pgTarget("postgres://u@h/d?sslmode=maybe"),
    /the database URL postgres:\/\/u@h\/d\?sslmode=maybe is not usable: sslmode must be one of disable, allow, prefer, require, verify-ca, verify-full; got "maybe"/,
  );
});
