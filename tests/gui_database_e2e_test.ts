/**
 * The GUI's Database page in a real browser: point a SQLite project at a PostgreSQL
 * server, test the connection (a wrong host, then the test server when there is one), save,
 * and find the URL with ${PG_PASSWORD} in plutus.yaml and the password only in .env.
 * Screenshots under .out/screenshots/.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { launchChromium, screenshot } from "./browser.ts";
import { RUN_FLAGS } from "../runtime_flags.ts";
import { MAIN, runCli, withTempDir } from "./helpers.ts";

const SERVER_URL = Deno.env.get("PLUTUS_TEST_PG_URL");
const PASSWORD = "Gui-Secret/Pass@42";

/** Starts `plutus serve` and returns its URL once it listens. */
async function serve(project: string): Promise<{ url: string; process: Deno.ChildProcess }> {
  const process = new Deno.Command(Deno.execPath(), {
    args: ["run", ...RUN_FLAGS, MAIN, "serve", "--port", "0", "--project", project],
    cwd: project,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = process.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!/Open: (\S+)/.test(text)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`plutus serve ended: ${text}`);
    text += value;
  }
  reader.releaseLock();
  return { url: /Open: (\S+)/.exec(text)![1]!, process };
}

/** Fills the server form; the password only when given. */
async function fillServer(
  page: Page,
  server: { host: string; port: string; database: string; user: string; sslmode: string },
  password?: string,
): Promise<void> {
  await page.fill("#db-host", server.host);
  await page.fill("#db-port", server.port);
  await page.fill("#db-database", server.database);
  await page.fill("#db-user", server.user);
  if (password !== undefined) await page.fill("#db-password", password);
  await page.selectOption("#db-sslmode", server.sslmode);
}

Deno.test({
  name:
    "the Database page tests a PostgreSQL server and saves it: URL in plutus.yaml, password only in .env",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: () =>
    withTempDir(async (dir) => {
      const project = join(dir, "acme");
      assert.equal((await runCli(["init", project])).code, 0);
      const server = await serve(project);
      let browser: Browser | undefined;
      try {
        // A POST with the access cookie but without the page's CSRF token is refused, as
        // on every other page; plutus.yaml stays as it was.
        const landing = await fetch(server.url, { redirect: "manual" });
        await landing.body?.cancel();
        const cookie = landing.headers.get("set-cookie")!.split(";")[0]!;
        const origin = new URL(server.url).origin;
        const before = await Deno.readTextFile(join(project, "plutus.yaml"));
        const refused = await fetch(`${origin}/database`, {
          method: "POST",
          headers: { cookie, origin, "content-type": "application/x-www-form-urlencoded" },
          body: "host=evil.example.com&port=5432&database=d&user=u&sslmode=disable&schema=public",
        });
        assert.equal(refused.status, 403);
        assert.match(await refused.text(), /Refused: the form is out of date/);
        assert.equal(await Deno.readTextFile(join(project, "plutus.yaml")), before);

        browser = await launchChromium();
        const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
        await page.goto(server.url);
        await page.click("nav >> text=Database");
        assert.equal(await page.textContent("h1"), "Database");
        assert.match(
          (await page.textContent("main"))!,
          /The tables live in the SQLite file data\/plutus\.db/,
        );

        // A host that does not exist: the test says so, and shows no password.
        await fillServer(page, {
          host: "no-such-host.invalid",
          port: "5432",
          database: "marketing",
          user: "plutus",
          sslmode: "require",
        }, PASSWORD);
        await page.click("text=Test connection");
        await page.waitForSelector("#db-test");
        assert.match(
          (await page.textContent("#db-test"))!,
          /the database host "no-such-host\.invalid" was not found/,
        );
        assert.equal(await page.inputValue("#db-host"), "no-such-host.invalid");
        assert.equal(await page.inputValue("#db-password"), "", "the password is never sent back");
        assert.ok(!(await page.content()).includes("Secret/Pass"));
        await screenshot(page, "database-1-unknown-host");

        const real = SERVER_URL ? new URL(SERVER_URL) : undefined;
        const parts = real
          ? {
            host: real.hostname,
            port: real.port || "5432",
            database: decodeURIComponent(real.pathname.slice(1)),
            user: decodeURIComponent(real.username),
            sslmode: "prefer",
          }
          : {
            host: "db.example.com",
            port: "6543",
            database: "marketing",
            user: "plutus",
            sslmode: "require",
          };
        const password = real ? decodeURIComponent(real.password) : PASSWORD;
        if (real) {
          await fillServer(page, parts, password);
          await page.click("text=Test connection");
          await page.waitForSelector("#db-test");
          assert.match(
            (await page.textContent("#db-test"))!,
            /^Connection works: PostgreSQL \d+(\.\d+)? at postgres:\/\/.*may create tables in schema public/,
          );
          await screenshot(page, "database-2-connection-works");
        }

        // Save: plutus.yaml gets the URL with ${PG_PASSWORD}; .env (0600) the password.
        await fillServer(page, parts, password);
        await page.fill("#db-schema", "marketing_data");
        await page.click("button:text-is('Save')");
        await page.waitForSelector(".notice");
        assert.equal(await page.textContent(".notice"), "Saved.");
        assert.match(
          (await page.textContent("main"))!,
          /The tables live in PostgreSQL: postgres:\/\/.*, schema marketing_data/,
        );
        assert.match(
          await page.getAttribute("#db-password", "placeholder") ?? "",
          /^set \(PG_PASSWORD in \.env\)/,
        );
        assert.ok(!(await page.content()).includes(password));
        await screenshot(page, "database-3-saved");
        const yaml = await Deno.readTextFile(join(project, "plutus.yaml"));
        const port = parts.port === "5432" ? "" : `:${parts.port}`;
        assert.ok(
          yaml.includes(
            `database: "postgres://${parts.user}:\${PG_PASSWORD}@${parts.host}${port}/${parts.database}${
              parts.sslmode === "prefer" ? "" : `?sslmode=${parts.sslmode}`
            }"\n`,
          ),
          yaml,
        );
        assert.match(yaml, /^database_schema: marketing_data$/m);
        assert.ok(!yaml.includes(password));
        const env = await Deno.readTextFile(join(project, ".env"));
        assert.ok(env.includes(`PG_PASSWORD=`), env);
        assert.equal((await Deno.stat(join(project, ".env"))).mode! & 0o777, 0o600);
        const checked = await runCli(["check", "--project", project]);
        assert.equal((checked.stdout + checked.stderr).includes(password), false);
      } finally {
        await browser?.close();
        server.process.kill("SIGINT");
        await server.process.status;
      }
    }),
});
