import assert from "node:assert/strict";
import type { PlutusError } from "../../../util/errors.ts";
import { StoreError } from "../../../util/errors.ts";
import { copyRows, ident } from "./pg_sql.ts";
import { explainPgError, pgLabel, pgTarget } from "./pg_connect.ts";

Deno.test("copyRows() writes COPY text: ordinals, escapes, \\N for empty", () => {
  assert.equal(
    copyRows(["a\tb", 1.5, null, "line\nbreak\\", -2, "x\ry"], 3, 7),
    "7\ta\\tb\t1.5\t\\N\n8\tline\\nbreak\\\\\t-2\tx\\ry\n",
  );
  assert.equal(copyRows([], 3, 1), "");
  // without ordinals, with the stamp after each row, and only the rows picked
  const values = ["a", 1, "b", 2, "c", 3];
  assert.equal(copyRows(values, 2, undefined, "\ts"), "a\t1\ts\nb\t2\ts\nc\t3\ts\n");
  const rows = new Uint8Array([1, 0, 1]);
  assert.equal(copyRows(values, 2, undefined, "\ts", { rows, value: 1 }), "a\t1\ts\nc\t3\ts\n");
  assert.equal(copyRows(values, 2, 5, "", { rows, value: 0 }), "5\tb\t2\n");
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
    (error: PlutusError) =>
      /the database URL postgres:\/\/u@h\/d\?sslmode=maybe is not usable: sslmode must be one of disable, allow, prefer, require, verify-ca, verify-full; got "maybe"/
        .test(error.message) &&
      // the hint of the part that is wrong, not one about the password
      /\?sslmode=require/.test(error.hint ?? "") && !/percent-encoded/.test(error.hint ?? ""),
  );
});

Deno.test("pgLabel() of a URL too broken to parse drops everything up to its last @", () => {
  assert.equal(pgLabel("postgres://u:pa/ss@word@host/db"), "postgres://u@host/db");
});

/** An error as the client raises it: a SQLSTATE code and the server's message. */
function serverError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

Deno.test("explainPgError() names the cause the server's code and words mean, never the password", () => {
  const url = "postgres://plutus:S3cret%2Fpw@db.example.com/marketing";
  // the server names CONNECT in the detail of its refusal
  const connect = explainPgError(
    Object.assign(serverError("42501", 'permission denied for database "marketing"'), {
      detail: "User does not have CONNECT privilege.",
    }),
    url,
  );
  assert.equal(connect.code, "db_auth");
  // the same words without it: CREATE SCHEMA without CREATE on the database
  const create = explainPgError(
    serverError("42501", 'permission denied for database "marketing"'),
    url,
  );
  assert.equal(create.code, "db_privilege");
  assert.match(
    create.message,
    /user "plutus" may not create the schema Plutus keeps its tables in/,
  );
  assert.match(create.hint ?? "", /GRANT CREATE ON DATABASE marketing TO plutus;/);
  assert.match(connect.message, /does not let user "plutus" connect to database "marketing"/);
  // a privilege error about something whose name holds "connect" is no connection problem
  const schema = explainPgError(
    serverError("42501", "permission denied for schema connectors"),
    url,
  );
  assert.equal(schema.code, "db_privilege");
  const hba =
    'no pg_hba.conf entry for host "203.0.113.7", user "plutus", database "marketing", no encryption';
  // sslmode=prefer would have encrypted if the server offered TLS: the user is not allowed
  assert.equal(explainPgError(serverError("28000", hba), url).code, "db_auth");
  const plain = explainPgError(serverError("28000", hba), `${url}?sslmode=disable`);
  assert.equal(plain.code, "db_tls");
  assert.match(
    plain.hint!,
    /If the server accepts only encrypted connections, use sslmode=require/,
  );
  // a statement timeout is raised where it is set: for the user, or in the URL's options
  const timeout = serverError("57014", "canceling statement due to statement timeout");
  const byRole = explainPgError(timeout, url);
  assert.equal(byRole.code, "db_timeout");
  assert.match(byRole.hint!, /ALTER ROLE "plutus" SET statement_timeout = 0/);
  const byUrl = explainPgError(timeout, `${url}?options=-c%20statement_timeout%3D5000`);
  assert.match(byUrl.hint!, /The database: URL in plutus\.yaml sets statement_timeout/);
  assert.doesNotMatch(byUrl.hint!, /ALTER ROLE/);
  // the server's other spelling of the option; a user name that needs quotes
  const dashed = explainPgError(timeout, `${url}?options=--statement-timeout%3D5000`);
  assert.match(dashed.hint!, /The database: URL in plutus\.yaml sets statement_timeout/);
  const quoted = explainPgError(timeout, "postgres://Data%20Team@db.example.com/marketing");
  assert.match(quoted.hint!, /ALTER ROLE "Data Team" SET statement_timeout = 0/);
  // cancelled (pg_cancel_backend), not timed out: no limit to raise
  const cancelled = explainPgError(
    serverError("57014", "canceling statement due to user request"),
    `${url}?options=-c%20statement_timeout%3D5000`,
  );
  assert.equal(cancelled.code, "db_cancelled");
  assert.match(cancelled.hint!, /cancelled it on the server \(pg_cancel_backend/);
  assert.doesNotMatch(cancelled.hint!, /statement_timeout/);
  // the password in no spelling: as written, and percent-encoded as in the URL
  const echoed = explainPgError(new Error("could not use S3cret/pw nor S3cret%2Fpw"), url);
  assert.ok(!/S3cret/.test(echoed.message), echoed.message);
});
