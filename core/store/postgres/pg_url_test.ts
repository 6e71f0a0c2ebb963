import assert from "node:assert/strict";
import fc from "fast-check";
import { parseYamlFile } from "../../../config/yaml_file.ts";
import { SecretMask } from "../../../config/env.ts";
import { ConfigError } from "../../../util/errors.ts";
import {
  buildPostgresUrl,
  isPostgresUrl,
  moveInlinePassword,
  parsePostgresUrl,
  projectPostgresTarget,
} from "./pg_url.ts";

const lookup = (values: Record<string, string>) => (name: string) => values[name];

/** The message of the ConfigError `parse` throws. */
function problem(parse: () => unknown): string {
  try {
    parse();
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.message;
  }
  assert.fail("expected a ConfigError");
}

Deno.test("isPostgresUrl() tells a server from a SQLite file", () => {
  assert.ok(isPostgresUrl("postgres://u@h/db"));
  assert.ok(isPostgresUrl("postgresql://u@h/db"));
  assert.ok(isPostgresUrl(" POSTGRES://u@h/db"));
  assert.ok(!isPostgresUrl("data/plutus.db"));
  assert.ok(!isPostgresUrl("postgres.db"));
});

Deno.test("parsePostgresUrl() takes a URL apart, with defaults for port, sslmode and schema", () => {
  const target = parsePostgresUrl("postgresql://plutus@db.example.com/marketing");
  assert.equal(target.host, "db.example.com");
  assert.equal(target.port, 5432);
  assert.equal(target.database, "marketing");
  assert.equal(target.user, "plutus");
  assert.equal(target.password, undefined);
  assert.equal(target.sslmode, "prefer");
  assert.equal(target.schema, "public");
  assert.equal(target.label, "postgres://plutus@db.example.com/marketing");
});

Deno.test("parsePostgresUrl() puts ${PG_PASSWORD} in percent-encoded, so @ / : stay in the password", () => {
  const password = "p@ss w:rd/1?#%";
  const target = parsePostgresUrl(
    "postgres://plutus:${PG_PASSWORD}@db.example.com:6543/marketing?sslmode=require",
    { lookup: lookup({ PG_PASSWORD: password }), schema: "analytics" },
  );
  assert.equal(target.password, password);
  assert.equal(target.host, "db.example.com");
  assert.equal(target.port, 6543);
  assert.equal(target.sslmode, "require");
  assert.equal(target.schema, "analytics");
  assert.equal(
    target.label,
    "postgres://plutus@db.example.com:6543/marketing?sslmode=require",
  );
  assert.ok(!target.label.includes("p@ss"));
});

Deno.test("parsePostgresUrl() keeps any password whole (property)", () => {
  fc.assert(
    fc.property(fc.string({ minLength: 1, maxLength: 30, unit: "grapheme" }), (password) => {
      const target = parsePostgresUrl("postgres://u:${PG_PASSWORD}@h/db", {
        lookup: lookup({ PG_PASSWORD: password }),
      });
      assert.equal(target.password, password);
      assert.equal(target.host, "h");
      assert.equal(target.database, "db");
    }),
    { numRuns: 300 },
  );
});

Deno.test("parsePostgresUrl() names what is wrong and where, never the password", () => {
  const where = { where: "plutus.yaml:3", lookup: lookup({ PG_PASSWORD: "hunter22" }) };
  const cases: [string, RegExp][] = [
    ["postgres://u:${PG_PASSWORD}@/db", /names no host/],
    ["postgres://:${PG_PASSWORD}@h/db", /names no user/],
    ["postgres://u:${PG_PASSWORD}@h", /names no database/],
    [
      "postgres://u:${PG_PASSWORD}@h/db?sslmode=required",
      /sslmode must be one of disable, allow, prefer, require, verify-ca, verify-full; got "required"/,
    ],
    ["postgres://u:${PG_PASSWORD}@h/db?ssl=true", /unknown parameter "ssl"/],
    [
      "postgres://u:${PG_PASSWORD}@h:99999/db",
      /the port must be a number from 1 to 65535; got "99999"/,
    ],
    ["postgres://u:${PG_PASSWORD}@h:/db", /the port must be a number/],
    ["postgres://u:${PG_PASSWORD}@h:54x/db", /not a valid URL/],
    ["postgres://u@h/db?password=hunter22", /password does not belong in the URL's parameters/],
    [
      "postgres://u:${PG_PASWORD}@h/db",
      /\$\{PG_PASWORD\} has no value; add PG_PASWORD=… to the project's .env/,
    ],
  ];
  for (const [url, expected] of cases) {
    const message = problem(() => parsePostgresUrl(url, where));
    assert.match(message, expected, url);
    assert.match(message, /^plutus\.yaml:3 database: /);
    assert.ok(!message.includes("hunter22"), message);
  }
});

Deno.test("parsePostgresUrl() refuses a schema name SQL would need quotes for", () => {
  assert.match(
    problem(() => parsePostgresUrl("postgres://u@h/db", { schema: "Marketing Data" })),
    /database_schema: a schema name uses lowercase letters/,
  );
});

Deno.test("buildPostgresUrl() writes the password as a reference, and parses back to the same parts", () => {
  const url = buildPostgresUrl(
    {
      host: "db.example.com",
      port: 5433,
      database: "mark eting",
      user: "ana@acme",
      sslmode: "require",
    },
    "${PG_PASSWORD}",
  );
  assert.equal(
    url,
    "postgres://ana%40acme:${PG_PASSWORD}@db.example.com:5433/mark%20eting?sslmode=require",
  );
  const target = parsePostgresUrl(url, { lookup: lookup({ PG_PASSWORD: "s3cret!" }) });
  assert.equal(target.user, "ana@acme");
  assert.equal(target.database, "mark eting");
  assert.equal(target.password, "s3cret!");
});

Deno.test("moveInlinePassword() takes a password out of the URL for .env", () => {
  assert.deepEqual(moveInlinePassword("postgres://plutus:p%40ss@db:5432/m?sslmode=require"), {
    url: "postgres://plutus:${PG_PASSWORD}@db:5432/m?sslmode=require",
    password: "p@ss",
  });
  assert.deepEqual(moveInlinePassword("postgres://plutus:${PG_PASSWORD}@db/m"), {
    url: "postgres://plutus:${PG_PASSWORD}@db/m",
  });
  assert.deepEqual(moveInlinePassword("postgres://plutus@db/m"), { url: "postgres://plutus@db/m" });
});

Deno.test("projectPostgresTarget() reads database: as written and points at its line", () => {
  const text = "timezone: UTC\ndatabase: postgres://u:${PG_PASSWORD}@h/db?sslmode=bogus\n";
  const configFile = parseYamlFile(text, "plutus.yaml");
  const message = problem(() =>
    projectPostgresTarget({
      configFile,
      config: { database: "resolved elsewhere" },
      env: lookup({ PG_PASSWORD: "a/b@c" }),
    })
  );
  assert.match(message, /^plutus\.yaml:2 database: sslmode must be one of/);
  assert.equal(
    projectPostgresTarget({
      configFile: parseYamlFile("database: data/plutus.db\n", "plutus.yaml"),
      config: { database: "data/plutus.db" },
      env: lookup({}),
    }),
    undefined,
  );
});

Deno.test("a URL's password is masked in every spelling once it is a known secret", () => {
  const password = "p@ss w:rd/1";
  const target = parsePostgresUrl("postgres://u:${PG_PASSWORD}@h/db", {
    lookup: lookup({ PG_PASSWORD: password }),
  });
  const mask = new SecretMask();
  mask.add(password);
  for (const text of [target.url, `connecting as ${password}`, JSON.stringify({ password })]) {
    assert.ok(!mask.mask(text).includes("w:rd"), mask.mask(text));
    assert.ok(!mask.mask(text).includes("w%3Ard"), mask.mask(text));
  }
});
