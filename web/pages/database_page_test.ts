import assert from "node:assert/strict";
import { join } from "node:path";
import postgres from "postgres";
import { withGuiClient } from "../../tests/gui_client.ts";
import { expectCode, runCli } from "../../tests/helpers.ts";
import { adminSql, freshDatabase, pgMissing } from "../../tests/pg_server.ts";

Deno.test("the Database form: a host written with its port or as a URL is said in the form's words, nothing saved", () =>
  withGuiClient(async ({ dir, post }) => {
    const before = await Deno.readTextFile(join(dir, "plutus.yaml"));
    for (const host of ["127.0.0.1:55432", "postgres://db.example.com/m", "db.example.com/m"]) {
      const response = await post("/database", {
        host,
        port: "5432",
        database: "marketing",
        user: "plutus",
        sslmode: "require",
        schema: "public",
      });
      assert.equal(response.status, 400, host);
      const text = await response.text();
      assert.match(text, /Host must be the server(&#39;|')s name or address alone/, host);
      assert.doesNotMatch(text, /not a valid URL/, host);
    }
    assert.equal(await Deno.readTextFile(join(dir, "plutus.yaml")), before);
  }, { demo: false }));

/** The Database form's fields for the server at `url`, into `schema`. */
function serverFields(url: URL, schema = "public"): Record<string, string> {
  return {
    host: url.hostname,
    port: url.port || "5432",
    database: decodeURIComponent(url.pathname.slice(1)),
    user: decodeURIComponent(url.username),
    sslmode: "prefer",
    schema,
  };
}

/** The text of a page as a person reads it: no tags, entities decoded. */
function readable(html: string): string {
  return html.replace(/<[^>]+>/g, " ").replaceAll("&#39;", "'").replaceAll("&quot;", '"')
    .replace(/\s+/g, " ");
}

Deno.test({
  name:
    "Test connection with a wrong password says where that password came from: the form, or .env",
  ignore: await pgMissing(),
  fn: async () => {
    const database = (await freshDatabase())!;
    try {
      await withGuiClient(async ({ dir, post }) => {
        const url = new URL(database.url);
        const typed = readable(
          await (await post("/database/test", {
            ...serverFields(url),
            password: "Wrong-Typed-Pass-1",
          })).text(),
        );
        assert.match(typed, /refused the password of user/);
        assert.match(typed, /Check the password you typed in the form/);
        assert.doesNotMatch(typed, /Check the password in \.env/);
        assert.ok(!typed.includes("Wrong-Typed-Pass-1"));
        await Deno.writeTextFile(join(dir, ".env"), "PG_PASSWORD=Wrong-Env-Pass-2\n");
        const fromEnv = readable(
          await (await post("/database/test", serverFields(url))).text(),
        );
        assert.match(fromEnv, /The password came from \.env \(PG_PASSWORD\)/);
        assert.ok(!fromEnv.includes("Wrong-Env-Pass-2"));
      }, { demo: false });
    } finally {
      await database.drop();
    }
  },
});

Deno.test({
  name:
    "the Database page says what the SQLite file holds before saving, then offers Copy my data there: counts equal, a non-empty target only with Replace",
  ignore: await pgMissing(),
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const database = (await freshDatabase())!;
    try {
      await withGuiClient(async ({ dir, page, post }) => {
        expectCode(await runCli(["run", "--project", dir]), 0);
        const url = new URL(database.url);
        const before = readable(await page("/database"));
        assert.match(
          before,
          /The file holds 1 run\(s\) and 123 row\(s\) in 3 table\(s\)\. Saving points the project at the server and leaves them in the file/,
        );
        assert.match(before, /plutus db copy --from data\/plutus\.db/);

        // someone's table of the same name on the server, with a row
        await adminSql(database.url, [
          "CREATE SCHEMA acme",
          "CREATE TABLE acme.leads (email text)",
          "INSERT INTO acme.leads VALUES ('x@example.com')",
        ]);
        const saved = await post("/database", {
          ...serverFields(url, "acme"),
          password: decodeURIComponent(url.password),
        });
        assert.equal(saved.status, 303);
        const offered = readable(await page("/database?saved=1"));
        assert.match(
          offered,
          /Your earlier data is still in data\/plutus\.db data\/plutus\.db holds 1 run\(s\) and 123 row\(s\) in 3 table\(s\) from before the project moved to this server/,
        );
        assert.match(offered, /Copy my data there/);

        const refused = await post("/database/copy", {});
        assert.equal(refused.status, 400);
        const refusal = readable(await refused.text());
        assert.match(refusal, /Not copied: schema acme on .* already has rows in leads/);
        assert.match(refusal, /Tick "Replace the server's tables of the same names"/);

        const copied = readable(await (await post("/database/copy", { replace: "1" })).text());
        assert.match(
          copied,
          /Copied 3 table\(s\), 123 rows, and the run history \(1 run\(s\)\) from data\/plutus\.db into postgres:\/\/.*, schema acme; the counts match\./,
        );
        assert.ok(!copied.includes(decodeURIComponent(url.password)) || url.password === "");
        const sql = postgres(database.url, { max: 1, onnotice: () => {} });
        try {
          const [row] = await sql.unsafe(
            "SELECT ((SELECT count(*) FROM acme.ad_spend) + (SELECT count(*) FROM acme.leads) + (SELECT count(*) FROM acme.orders))::int AS n",
          );
          assert.equal(row!.n, 123);
        } finally {
          await sql.end();
        }
        // the server has the runs now: the offer is gone, and status shows run 1
        assert.doesNotMatch(readable(await page("/database")), /Copy my data there/);
        const status = expectCode(await runCli(["status", "--project", dir]), 0);
        assert.match(status.stdout, /\n +1 +\S+ \S+ +succeeded/);
      });
    } finally {
      await database.drop();
    }
  },
});
