/**
 * Errors a person can act on: each failure the client can meet, reproduced against a real
 * server, becomes a StoreError naming the cause and the next step, with the password in
 * no message and no hint.
 */
import assert from "node:assert/strict";
import { parseTableSchema } from "../../../config/load_table_schemas.ts";
import { StoreError } from "../../../util/errors.ts";
import { adminSql, freshDatabase, pgMissing, testPgUrl } from "../../../tests/pg_server.ts";
import { connectPg, reserveConnection } from "./pg_connect.ts";
import { PgDriver } from "./pg_driver.ts";

const ignore = await pgMissing();

function driverFor(url: string): PgDriver {
  return new PgDriver({ kind: "postgres", url, schema: "public" });
}

/** Opens a writer at `url` and returns the StoreError it fails with. */
async function openError(url: string): Promise<StoreError> {
  try {
    const store = await driverFor(url).openWriter();
    await store.close();
  } catch (error) {
    assert.ok(error instanceof StoreError, `not a StoreError: ${error}`);
    return error;
  }
  throw new Error(`${url} opened`);
}

function assertNoSecret(error: StoreError, secret: string) {
  assert.ok(!error.message.includes(secret), error.message);
  assert.ok(!error.hint?.includes(secret), error.hint ?? "");
}

function withPassword(url: string, password: string): string {
  const parsed = new URL(url);
  parsed.password = password;
  return parsed.toString();
}

Deno.test({
  name: "PostgreSQL errors: a wrong password is named, and not shown",
  ignore,
  fn: async () => {
    const url = withPassword((await testPgUrl())!, "Wr0ng-S3cret");
    const error = await openError(url);
    assert.equal(error.code, "db_auth");
    assert.match(
      error.message,
      /^PostgreSQL at 127\.0\.0\.1:\d+ refused the password of user "plutus_test"$/,
    );
    assert.match(error.hint!, /Check the password in \.env/);
    assertNoSecret(error, "Wr0ng-S3cret");
  },
});

Deno.test({
  name: "PostgreSQL errors: nothing listening, an unknown host, TLS the server does not offer",
  ignore,
  fn: async () => {
    const free = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (free.addr as Deno.NetAddr).port;
    free.close();
    const refused = await openError(`postgres://u:Secret-1@127.0.0.1:${port}/db`);
    assert.equal(refused.code, "db_unreachable");
    assert.equal(
      refused.message,
      `nothing accepts connections at 127.0.0.1:${port}: is PostgreSQL running there?`,
    );
    assertNoSecret(refused, "Secret-1");

    const unknown = await openError("postgres://u:Secret-1@no-such-host.invalid:5432/db");
    assert.equal(unknown.code, "db_unreachable");
    assert.equal(unknown.message, 'the database host "no-such-host.invalid" was not found');

    // a server without TLS (a stand-in: the test server may have TLS on) answers "N"
    const noTls = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    (async () => {
      for await (const conn of noTls) {
        await conn.read(new Uint8Array(8)).catch(() => null); // the SSLRequest
        await conn.write(new TextEncoder().encode("N")).catch(() => 0);
        conn.close();
      }
    })().catch(() => {});
    try {
      const tls = await openError(
        `postgres://u:Secret-1@127.0.0.1:${(noTls.addr as Deno.NetAddr).port}/db?sslmode=require`,
      );
      assert.equal(tls.code, "db_tls");
      assert.match(
        tls.message,
        /does not offer encrypted connections \(TLS\), but the database URL asks for sslmode=require$/,
      );
      assertNoSecret(tls, "Secret-1");
    } finally {
      noTls.close();
    }
  },
});

Deno.test({
  name: "PostgreSQL errors: a user that may not create tables is told which grant it needs",
  ignore,
  fn: async () => {
    const db = (await freshDatabase())!;
    const role = `${db.name}_reader`;
    await adminSql(db.adminUrl, [
      `CREATE ROLE ${role} LOGIN PASSWORD 'R3ader-pw'`,
      `GRANT CONNECT ON DATABASE ${db.name} TO ${role}`,
    ]);
    try {
      const url = new URL(db.url);
      url.username = role;
      url.password = "R3ader-pw";
      const error = await openError(url.toString());
      assert.equal(error.code, "db_privilege");
      assert.match(
        error.message,
        new RegExp(
          `^user "${role}" may not do this in PostgreSQL at .*: permission denied for schema public$`,
        ),
      );
      assert.match(error.hint!, /GRANT CREATE, USAGE ON SCHEMA/);
      assertNoSecret(error, "R3ader-pw");
    } finally {
      await db.drop();
      await adminSql(db.adminUrl, [`DROP ROLE IF EXISTS ${role}`]);
    }
  },
});

Deno.test({
  name:
    "PostgreSQL errors: a connection lost in the middle of a step fails it, nothing half-loaded",
  ignore,
  fn: async () => {
    const db = (await freshDatabase())!;
    const admin = connectPg(db.url);
    const store = await driverFor(db.url).openWriter();
    try {
      const schema = parseTableSchema(
        "columns:\n  k: { type: text }\nkey: [k]\n",
        "schema/t.yaml",
        "t",
      );
      const runId = await store.startRun("cli", "plutus run");
      await store.transaction(async (work) => {
        await work.applyTable(schema, await store.planTable(schema));
      });
      const failure = await store.transaction(async (work) => {
        const loader = await work.loader(schema, {
          source: "a",
          runId,
          loadedAt: "2026-11-30T10:00:00Z",
        });
        await loader.insert(["a", "b"]);
        // the server ends the session, as a restart or an administrator would
        await admin.unsafe(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'plutus run' AND datname = current_database()",
        );
        await loader.insert(["c"]);
        return await loader.counts(3);
      }).then(() => undefined, (error) => error);
      assert.ok(failure instanceof StoreError, String(failure));
      assert.equal(failure.code, "db_connection_lost");
      assert.match(
        failure.message,
        /^(the connection to PostgreSQL at .* was lost|PostgreSQL at .* ended the connection: terminating connection due to administrator command)$/,
      );
      assert.match(failure.hint!, /nothing of the interrupted step was kept/);
      // the store refuses to go on in a session that is gone, rather than loading outside
      // the step's transaction
      await assert.rejects(store.startStep(runId, "a", "x.csv", null), /was lost/);
      const [{ n }] = await admin.unsafe<[{ n: number }]>("SELECT count(*)::int AS n FROM t");
      assert.equal(n, 0);
    } finally {
      await store.close();
      await admin.end();
      await db.drop();
    }
  },
});

Deno.test({
  name: "PostgreSQL errors: a server-side statement timeout fails the step with its cause",
  ignore,
  fn: async () => {
    const db = (await freshDatabase())!;
    // as a server or role setting would limit it
    const url = new URL(db.url);
    url.searchParams.set("options", "-c statement_timeout=1000");
    const store = await driverFor(url.toString()).openWriter();
    const admin = connectPg(db.url);
    const holder = await reserveConnection(admin);
    try {
      const schema = parseTableSchema("columns:\n  k: { type: text }\n", "schema/t.yaml", "t");
      await store.transaction(async (work) => {
        await work.applyTable(schema, await store.planTable(schema));
      });
      // someone else holds the table: the merge waits, and the timeout stops it
      await holder.unsafe("BEGIN");
      await holder.unsafe("LOCK TABLE t IN ACCESS EXCLUSIVE MODE");
      const error = await store.transaction(async (work) => {
        const loader = await work.loader(schema, {
          source: "a",
          runId: 1,
          loadedAt: "2026-11-30T10:00:00Z",
        });
        await loader.insert(["a", "h1", "b", "h2"]);
        await work.setState("api", "cursor", "2026-11-30");
        await loader.counts(2);
      }).then(() => undefined, (error) => error);
      await holder.unsafe("ROLLBACK");
      assert.ok(error instanceof StoreError, String(error));
      assert.equal(error.code, "db_timeout");
      assert.equal(
        error.message,
        `PostgreSQL at ${url.host} stopped a statement that ran longer than its statement_timeout`,
      );
      // the limit comes from the URL here: it is raised there
      assert.match(error.hint!, /The database: URL in plutus\.yaml sets statement_timeout/);
      assert.equal(await store.getState("api", "cursor"), undefined);
      const check = connectPg(db.url);
      const [{ n }] = await check.unsafe<[{ n: number }]>("SELECT count(*)::int AS n FROM t");
      await check.end();
      assert.equal(n, 0);
    } finally {
      holder.release();
      await admin.end();
      await store.close();
      await db.drop();
    }
  },
});
