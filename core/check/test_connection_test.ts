import assert from "node:assert/strict";
import postgres from "postgres";
import { parsePostgresUrl, type PostgresTarget } from "../store/postgres/pg_url.ts";
import { StoreError } from "../../util/errors.ts";
import { testConnection } from "./test_connection.ts";
import { within } from "../../tests/helpers.ts";

/** The server the PostgreSQL tests use (.ci/run starts one; README says how locally). */
const SERVER_URL = Deno.env.get("PLUTUS_TEST_PG_URL");
// In CI a missing server is a failure, not a reason to skip.
const ignore = SERVER_URL === undefined && Deno.env.get("CI") !== "true";

function server(change: (url: URL) => void = () => {}): PostgresTarget {
  if (SERVER_URL === undefined) throw new Error("PLUTUS_TEST_PG_URL is not set");
  const url = new URL(SERVER_URL);
  change(url);
  return parsePostgresUrl(url.href);
}

/** The error `target` fails with. */
async function failure(target: PostgresTarget): Promise<StoreError> {
  try {
    await testConnection(target);
  } catch (error) {
    assert.ok(error instanceof StoreError, String(error));
    return error;
  }
  assert.fail("expected the connection to fail");
}

/**
 * A stand-in server on a local port: answers the TLS request with "no TLS here" ('N'), and
 * the startup message with `error`, as a PostgreSQL server configured that way does.
 */
function fakeServer(error?: { code: string; message: string }): { port: number; close(): void } {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  (async () => {
    for await (const conn of listener) {
      (async () => {
        const buffer = new Uint8Array(1024);
        try {
          while (true) {
            const n = await conn.read(buffer);
            if (n === null) break;
            const view = new DataView(buffer.buffer, 0, n);
            if (n >= 8 && view.getInt32(4) === 80877103) { // SSLRequest
              await conn.write(new TextEncoder().encode("N"));
            } else if (!error) {
              break; // like a server without TLS, it hangs up on the TLS handshake
            } else {
              const fields = `SFATAL\0VFATAL\0C${error.code}\0M${error.message}\0\0`;
              const body = new TextEncoder().encode(fields);
              const message = new Uint8Array(5 + body.length);
              message[0] = "E".charCodeAt(0);
              new DataView(message.buffer).setInt32(1, 4 + body.length);
              message.set(body, 5);
              await conn.write(message);
              break;
            }
          }
        } catch {
          // the client hung up
        } finally {
          try {
            conn.close();
          } catch { /* closed */ }
        }
      })();
    }
  })().catch(() => {});
  return { port: (listener.addr as Deno.NetAddr).port, close: () => listener.close() };
}

const SECRET = "Sup3r-Secret/Pass@word";

function local(port: number, sslmode: string): PostgresTarget {
  return parsePostgresUrl(
    `postgres://plutus:\${PG_PASSWORD}@127.0.0.1:${port}/m?sslmode=${sslmode}`,
    {
      lookup: () => SECRET,
    },
  );
}

Deno.test("testConnection() says TLS was refused when sslmode=require meets a server without TLS", async () => {
  const fake = fakeServer();
  try {
    const error = await failure(local(fake.port, "require"));
    assert.equal(error.code, "db_tls");
    assert.match(
      error.message,
      /^PostgreSQL at 127\.0\.0\.1:\d+ does not offer encrypted connections \(TLS\), but the database URL asks for sslmode=require$/,
    );
    assert.match(error.hint!, /sslmode=prefer/);
    assert.ok(!error.message.includes(SECRET) && !error.hint!.includes(SECRET));
  } finally {
    fake.close();
  }
});

Deno.test("testConnection() says the server wants TLS when it refuses an unencrypted connection", async () => {
  const fake = fakeServer({
    code: "28000",
    message:
      'no pg_hba.conf entry for host "127.0.0.1", user "plutus", database "m", no encryption',
  });
  try {
    const error = await failure(local(fake.port, "disable"));
    assert.equal(error.code, "db_tls");
    assert.match(
      error.message,
      /^PostgreSQL at 127\.0\.0\.1:\d+ refused this unencrypted connection: no pg_hba\.conf entry/,
    );
    assert.match(error.hint!, /sslmode=require/);
  } finally {
    fake.close();
  }
});

Deno.test("testConnection() names an unknown host and a refused port", async () => {
  const unknown = await failure(
    parsePostgresUrl("postgres://plutus@no-such-host.invalid/m", { lookup: () => SECRET }),
  );
  assert.equal(unknown.code, "db_unreachable");
  assert.equal(unknown.message, 'the database host "no-such-host.invalid" was not found');
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close(); // a port nothing listens on
  const refused = await failure(local(port, "prefer"));
  assert.equal(refused.code, "db_unreachable");
  assert.match(
    refused.message,
    new RegExp(`^nothing accepts connections at 127\\.0\\.0\\.1:${port}`),
  );
});

Deno.test({
  name: "testConnection() reports the server's version, TLS, and that the user may create tables",
  ignore,
  async fn() {
    const report = await testConnection(server());
    assert.match(report.serverVersion, /^PostgreSQL \d+/);
    assert.equal(report.schema, "public");
    assert.equal(report.schemaExists, true);
    assert.equal(report.canCreate, true);
    assert.equal(typeof report.tls, "boolean");
    assert.ok(
      !report.label.includes(":" + new URL(SERVER_URL!).password + "@") ||
        new URL(SERVER_URL!).password === "",
    );
  },
});

Deno.test({
  name: "testConnection() tells a user who may not create tables, and a missing schema",
  ignore,
  async fn() {
    const admin = postgres(SERVER_URL!, { max: 1, onnotice: () => {} });
    const role = `plutus_reader_${Date.now()}`;
    await admin.unsafe(`create role ${role} login password 'reader-pass-1'`);
    try {
      const report = await testConnection(server((url) => {
        url.username = role;
        url.password = "reader-pass-1";
      }));
      assert.equal(report.user, role);
      assert.equal(report.canCreate, false);
      const missing = await testConnection({
        ...server(),
        schema: "no_such_schema_here",
      });
      assert.equal(missing.schemaExists, false);
    } finally {
      await admin.unsafe(`drop role ${role}`);
      await admin.end();
    }
  },
});

Deno.test({
  name: "testConnection() names a wrong password and a missing database, without the password",
  ignore,
  async fn() {
    const wrong = await failure(server((url) => url.password = encodeURIComponent(SECRET)));
    assert.equal(wrong.code, "db_auth");
    assert.match(wrong.message, /^PostgreSQL at \S+ refused the password of user "/);
    assert.match(wrong.hint!, /PG_PASSWORD/);
    assert.ok(!wrong.message.includes(SECRET));
    const noDatabase = await failure(server((url) => url.pathname = "/no_such_database_here"));
    assert.equal(noDatabase.code, "db_missing");
    assert.match(noDatabase.message, /^PostgreSQL at \S+ has no database "no_such_database_here"$/);
  },
});

Deno.test("testConnection() says when the port is a web server, not PostgreSQL (it tried again for ever)", async () => {
  const web = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => new Response("hi"),
  );
  try {
    for (const sslmode of ["disable", "prefer"] as const) {
      const error = await within(
        failure(local(web.addr.port, sslmode)),
        20_000,
        `${sslmode}: no answer in 20 s`,
      );
      assert.match(
        error.message,
        new RegExp(`127\\.0\\.0\\.1:${web.addr.port} answers, but not as PostgreSQL does`),
        sslmode,
      );
    }
  } finally {
    await web.shutdown();
  }
});
