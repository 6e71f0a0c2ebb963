/**
 * The analyst's day in the GUI, in a real browser (headless Chromium): open the token
 * URL, upload a file, run, watch it succeed, read the log, export, change a key, fix a
 * schema. Every page is saved as a screenshot under .out/screenshots/.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { join } from "node:path";
import { RUN_FLAGS } from "../runtime_flags.ts";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchChromium, screenshot } from "./browser.ts";
import { startFakeApi, TOKEN } from "./fake_api.ts";
import { filesIn, MAIN, query, runCli, TEST_ENV, withTempDir } from "./helpers.ts";

/** Starts `plutus serve` and returns its URL once it listens. */
async function serve(
  project: string,
): Promise<{ url: string; process: Deno.ChildProcess; stderr: Promise<string> }> {
  const process = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      ...RUN_FLAGS,
      MAIN,
      "serve",
      "--port",
      "0",
      "--project",
      project,
    ],
    cwd: project,
    // files the test writes into inbox/ are complete: no wait for a writer (SETTLE_MS)
    env: { ...TEST_ENV, PLUTUS_BACKOFF_MS: "10" },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // whatever the server prints to its terminal, the analyst reads: nothing, on a good day
  const stderr = new Response(process.stderr).text();
  const reader = process.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!/Open: (\S+)/.test(text)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`plutus serve ended: ${text}`);
    text += value;
  }
  reader.releaseLock();
  return { url: /Open: (\S+)/.exec(text)![1]!, process, stderr };
}

/** What runEnded() reads of the page's document. */
interface PageDocument {
  getElementById(id: string): { dataset: { state?: string }; textContent: string | null } | null;
  querySelector(selector: string): { textContent: string | null } | null;
}

/**
 * Waits until run `runId` has ended on the page's status box, or the upload form says why
 * none began, and returns what the analyst reads then: a run that ended otherwise than
 * expected fails with its message, not with a timeout.
 */
async function runEnded(
  page: Page,
  runId: number,
): Promise<{ state: string; message: string; said: string }> {
  for (let attempt = 1;; attempt++) {
    try {
      const seen = await page.waitForFunction(
        (id) => {
          // this runs in the page; the test's own types have no DOM
          const { document } = globalThis as unknown as { document: PageDocument };
          const state = document.getElementById("status")?.dataset.state ?? "";
          const message = document.querySelector("#status .message")?.textContent ?? "";
          const said = document.getElementById("upload-message")?.textContent ?? "";
          const ended = state !== "running" && message.startsWith(`Run ${id} `);
          // the upload form says "Uploading …" and "Uploaded …", or why nothing ran
          const refused = said !== "" && !/^Upload(ing|ed) /.test(said);
          return (ended || refused) && JSON.stringify({ state, message, said });
        },
        runId,
        // a bound for a loaded CI machine, not a guess at the run's time: it ends far sooner
        { timeout: 90_000 },
      );
      return JSON.parse(await seen.jsonValue() as string);
    } catch (error) {
      // the page reloads itself when a run ends: read the reloaded page again
      if (attempt === 3 || !/context was destroyed|navigat/i.test(String(error))) throw error;
    }
  }
}

/** The analyst's day in the GUI, in `browser`. */
const analystsDay = (browser: Browser) =>
  withTempDir(async (dir) => {
    const api = startFakeApi(120);
    const project = join(dir, "acme");
    assert.equal((await runCli(["init", project, "--demo"])).code, 0);
    // The Google Ads export is uploaded through the page; an API source is added.
    const upload = join(dir, "google_ads_campaigns_2026-11-01_2026-11-07.csv");
    await Deno.rename(
      join(project, "inbox", "google_ads_campaigns_2026-11-01_2026-11-07.csv"),
      upload,
    );
    await Deno.writeTextFile(join(project, ".env"), `CRM_TOKEN=${TOKEN}\n`);
    await Deno.writeTextFile(
      join(project, "schema", "contacts.yaml"),
      "columns:\n  id: { type: text, required: true }\n  email: { type: email, clean: [lower] }\nkey: [id]\n",
    );
    await Deno.writeTextFile(
      join(project, "plutus.yaml"),
      `${await Deno.readTextFile(join(project, "plutus.yaml"))}
  crm:
    kind: api
    url: "${api.url}/crm/v3/objects/contacts"
    auth: { type: bearer, token: "\${CRM_TOKEN}" }
    params: { limit: 50 }
    records: results
    paginate: { type: cursor, cursor: paging.next.after, param: after }
    table: contacts
    columns: { email: properties.email }
`,
    );
    const server = await serve(project);
    let context: BrowserContext | undefined;
    try {
      context = await browser.newContext({
        acceptDownloads: true,
        viewport: { width: 1280, height: 900 },
      });
      const page = await context.newPage();
      if (Deno.env.get("GUI_DEBUG")) {
        page.on("console", (m) => console.log("console:", m.text()));
        page.on("response", (r) => console.log("response:", r.status(), r.url()));
      }

      // 1. The token URL lands on the Run page; the token leaves the address bar.
      await page.goto(server.url);
      assert.equal(new URL(page.url()).search, "");
      assert.equal(await page.textContent("h1"), "Run");
      await screenshot(page, "1-run");

      // 2. Upload a file: it loads, and the status box follows the run to success. A file no
      // source reads stays in inbox/: the list of waiting files shows it once the run ends.
      await page.click("text=Upload");
      const notes = join(dir, "random_notes.csv");
      await Deno.writeTextFile(notes, "note\nhello\n");
      await page.setInputFiles("#files", [upload, notes]);
      await page.click("text=Upload and load");
      // a warning: no source reads random_notes.csv
      const uploaded = await runEnded(page, 1);
      assert.equal(uploaded.state, "warning", JSON.stringify(uploaded));
      assert.match(uploaded.message, /^Run 1 succeeded: 1 loaded, 0 failed, 1 skipped/);
      await page.waitForSelector("#waiting-files #waiting >> text=random_notes.csv", {
        timeout: 10_000,
      });
      await screenshot(page, "2-upload");
      // out of the way of the runs below (Discard would record a run of its own)
      await Deno.remove(join(project, "inbox", "random_notes.csv"));

      // 3. Run the pipeline: the API source and the files still in inbox/.
      await page.click("nav >> text=Run");
      await page.click("#run-button");
      const run = await runEnded(page, 2);
      assert.equal(run.state, "succeeded", JSON.stringify(run));
      // the page reloads by itself when the run ends: run 2 is then listed as succeeded
      await page.waitForSelector('tr:has(a[href="/runs/2"]) .badge.succeeded', {
        timeout: 10_000,
      });
      assert.match(
        await page.textContent("#status .message") ?? "",
        /^Run 2 succeeded: 4 loaded/,
      );
      assert.deepEqual(query(project, "SELECT count(*) AS n FROM contacts"), [{ n: 120 }]);
      await screenshot(page, "3-run-finished");

      // 4. The run's page: steps, rejected rows, the log inline.
      await Promise.all([page.waitForURL("**/runs/2"), page.click('table a[href="/runs/2"]')]);
      assert.match(await page.textContent("h1") ?? "", /Run 2\s+succeeded/);
      assert.match(
        await page.textContent("#log") ?? "",
        /REJECT hubspot_contacts_2026-11-26\.csv:50 email="tom\.baker@"/,
      );
      assert.ok(await page.isVisible("text=Rejected rows"));
      await screenshot(page, "4-run-detail");

      // 5. Query and export: the CSV downloads.
      await page.click("nav >> text=Query");
      await page.fill(
        "#sql",
        "SELECT channel, round(sum(spend), 2) AS spend FROM ad_spend GROUP BY channel ORDER BY channel",
      );
      await page.click("text=Run query");
      assert.equal(await page.locator("#results tbody tr").count(), 2);
      // the query has ended: nothing to stop
      assert.equal(await page.isVisible("#query-stop"), false);
      await screenshot(page, "5-query");
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.click("text=Export CSV"),
      ]);
      const csv = await Deno.readTextFile((await download.path())!);
      // the export has ended: Stop goes away, though the page stays
      await page.waitForSelector("#query-stop", { state: "hidden", timeout: 10_000 });
      assert.match(csv, /^channel,spend\r\ngoogle_ads,\d+(\.\d+)?\r\nmeta,\d+(\.\d+)?\r\n$/);

      // 6. Logs & exports lists the export and the logs; each downloads.
      await page.goto(new URL("/files", server.url).href);
      assert.ok(await page.isVisible(`text=${download.suggestedFilename()}`));
      const [logDownload] = await Promise.all([
        page.waitForEvent("download"),
        page.click("a[href^='/download/logs/'][href*='-run-'] >> nth=0"),
      ]);
      assert.match(
        await Deno.readTextFile((await logDownload.path())!),
        /INFO\s+run \d started by gui/,
      );
      await screenshot(page, "6-logs-exports");

      // 7. A new key is saved to .env and shown masked, never in full.
      await page.click("nav >> text=Sources & keys");
      await page.fill("#key-crm", "pk_live_brand-new-key-7777");
      await page.click("text=Save crm");
      assert.ok(await page.isVisible("text=Saved."));
      assert.equal(
        await page.getAttribute("#key-crm", "placeholder"),
        "****7777 — type a new key to replace it",
      );
      assert.equal(await page.inputValue("#key-crm"), "");
      assert.ok(!(await page.content()).includes("brand-new-key"));
      assert.match(
        await Deno.readTextFile(join(project, ".env")),
        /^CRM_TOKEN=pk_live_brand-new-key-7777$/m,
      );
      await screenshot(page, "7-sources");

      // 8. An invalid schema is not saved; the error names the line, the editor goes there.
      await page.click("nav >> text=Schema");
      await page.click("a.button >> text=leads");
      const text = await page.inputValue("#text");
      await page.fill("#text", text.replace("type: email", "type: e-mail"));
      await page.click("text=Check and save");
      const line = text.split("\n").findIndex((l) => l.includes("type: email")) + 1;
      assert.match(
        await page.textContent(".error") ?? "",
        new RegExp(
          `Not saved\\. schema/leads\\.yaml:${line} columns\\.email\\.type: expected one of text`,
        ),
      );
      const selected = await page.$eval("#text", (area) => {
        const box = area as unknown as {
          value: string;
          selectionStart: number;
          selectionEnd: number;
        };
        return box.value.slice(box.selectionStart, box.selectionEnd);
      });
      assert.match(selected, /email:.*type: e-mail/);
      assert.equal(await Deno.readTextFile(join(project, "schema", "leads.yaml")), text);
      await screenshot(page, "8-schema-error");

      // 9. What is wrong now: a file fails, the Run page leads with it; fixed and rerun,
      // the view goes green and the failed run shows resolved.
      const header =
        '"Record ID","First Name","Last Name","Email","Lifecycle Stage","Create Date","Original Source","Country/Region"';
      const row =
        '"9001","Ada","Lovelace","ada@example.com","Lead","11/30/2026 09:00","Direct","UK"';
      const late = join(project, "inbox", "hubspot_contacts_2026-12-01.csv");
      await Deno.writeTextFile(late, `${header.replace('"Email"', '"Mail"')}\n${row}\n`);
      await page.click("nav >> text=Run");
      await page.selectOption("#source", "hubspot_leads");
      await page.click("#run-button");
      await page.waitForSelector('#open-problems[data-count="1"]', { timeout: 30_000 });
      const problems = await page.textContent("#open-problems") ?? "";
      assert.match(problems, /inbox\/hubspot_contacts_2026-12-01\.csv\s+failed in run 3/);
      assert.match(problems, /no header "Email" for column email/);
      await screenshot(page, "9-open-problems");
      await Deno.writeTextFile(late, `${header}\n${row}\n`);
      await page.click("#open-problems >> text=Rerun run 3");
      await page.waitForSelector('#open-problems[data-count="0"]', { timeout: 30_000 });
      await page.waitForSelector('tr:has(a[href="/runs/4"]) .badge.succeeded', {
        timeout: 10_000,
      });
      assert.match(
        await page.textContent('tr:has(a[href="/runs/3"])') ?? "",
        /failed\s+resolved by run 4/,
      );
      await screenshot(page, "10-problems-resolved");
      await Promise.all([page.waitForURL("**/runs/3"), page.click('table a[href="/runs/3"]')]);
      assert.match(
        await page.textContent("body") ?? "",
        /Resolved by run 4, which loaded it since/,
      );
      assert.equal(await page.locator("text=Rerun failed steps").count(), 0);
    } finally {
      await context?.close();
      server.process.kill("SIGINT");
      const status = await server.process.status;
      await api.close();
      assert.equal(status.code, 0, "plutus serve stops cleanly on Ctrl-C");
      // e.g. Deno's notice that request.signal aborts on success, once an export had used it
      assert.equal(await server.stderr, "", "plutus serve prints no warning");
    }
  });

/**
 * The fix-the-rejects loop in the GUI, in `browser`: download a run's rejected rows, fix
 * them, upload the file again, and the rows are loaded by their source.
 */
const rejectsLoop = (browser: Browser) =>
  withTempDir(async (dir) => {
    const project = join(dir, "acme");
    assert.equal((await runCli(["init", project, "--demo"])).code, 0);
    for await (const entry of Deno.readDir(join(project, "inbox"))) {
      if (!entry.name.startsWith("hubspot_")) {
        await Deno.remove(join(project, "inbox", entry.name));
      }
    }
    assert.equal((await runCli(["run", "--project", project])).code, 0);
    const before = query(project, "SELECT count(*) AS n FROM leads")[0]!.n as number;
    const server = await serve(project);
    let context: BrowserContext | undefined;
    try {
      context = await browser.newContext({ acceptDownloads: true });
      const page = await context.newPage();
      await page.goto(server.url);
      await page.goto(new URL("/runs/1", server.url).href);
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.click("#download-rejects"),
      ]);
      assert.equal(download.suggestedFilename(), "hubspot_contacts_2026-11-26.rejects-run-1.csv");
      const text = await Deno.readTextFile((await download.path())!);
      assert.match(text, /^\ufeffRecord ID,First Name,.*,_reason,_location,_source\r\n/);
      // fixed in a spreadsheet and saved under the same name
      const fixed = join(dir, download.suggestedFilename());
      await Deno.writeTextFile(
        fixed,
        text.replace("tom.baker@,", "tom.baker@example.com,").replace(",Prospect,", ",Lead,"),
      );
      await page.click("nav >> text=Upload");
      await page.setInputFiles("#files", fixed);
      await page.click("text=Upload and load");
      const again = await runEnded(page, 2);
      assert.equal(again.state, "succeeded", JSON.stringify(again));
      assert.match(again.message, /^Run 2 succeeded: 1 loaded, 0 failed, 0 skipped/);
      await screenshot(page, "rejects-fixed-upload");
      assert.deepEqual(
        query(
          project,
          "SELECT email, stage, _source FROM leads WHERE email IN ('tom.baker@example.com', 'sara.rossi@example.com') ORDER BY email",
        ),
        [
          { email: "sara.rossi@example.com", stage: "lead", _source: "hubspot_leads" },
          { email: "tom.baker@example.com", stage: "lead", _source: "hubspot_leads" },
        ],
      );
      assert.equal(query(project, "SELECT count(*) AS n FROM leads")[0]!.n, before + 2);
    } finally {
      await context?.close();
      server.process.kill("SIGINT");
      await server.process.status;
    }
  });

/**
 * Upload, in `browser`, when it cannot be done: a file over the limit among others sends
 * none of them (none waits in inbox/ unloaded), and a server that stopped is said.
 */
const uploadRefusals = (browser: Browser) =>
  withTempDir(async (dir) => {
    const project = join(dir, "acme");
    assert.equal((await runCli(["init", project])).code, 0);
    const config = join(project, "plutus.yaml");
    await Deno.writeTextFile(config, `upload_limit_mb: 1\n${await Deno.readTextFile(config)}`);
    const server = await serve(project);
    let context: BrowserContext | undefined;
    try {
      context = await browser.newContext();
      const page = await context.newPage();
      const csv = (rows: number) => ({
        mimeType: "text/csv",
        buffer: Buffer.from(`email\n${"a@example.com\n".repeat(rows)}`),
      });
      // a file chosen before the page's script has run (a slow machine: the test's own
      // upload once went out empty, "Choose or drop files first") counts all the same
      let release = () => {};
      const held = new Promise<void>((resolve) => release = resolve);
      await page.goto(server.url); // its token lets the page in
      await page.route("**/assets/app.js", async (route) => {
        await held;
        await route.continue();
      });
      await page.goto(new URL("/upload", server.url).href, { waitUntil: "commit" });
      await page.waitForSelector("#files", { state: "attached" });
      await page.setInputFiles("#files", [{ name: "early.csv", ...csv(2) }]);
      release();
      await page.waitForSelector("#chosen:has-text('early.csv')");
      await page.unroute("**/assets/app.js");
      await page.goto(server.url);
      await page.click("nav >> text=Upload");
      await page.setInputFiles("#files", [
        { name: "small.csv", ...csv(2) },
        { name: "big.csv", ...csv(100_000) },
      ]);
      await page.click("text=Upload and load");
      await page.waitForSelector("#upload-message:has-text('nothing was uploaded')");
      assert.match(
        await page.textContent("#upload-message") ?? "",
        /^big\.csv \(1\.3 MB\) is larger than the upload limit of 1 MB: nothing was uploaded\./,
      );
      assert.deepEqual(await filesIn(join(project, "inbox")), []);
      // Ctrl-C stops the server while the page is open (its live status stream ended with
      // it: the server waited for that answer to finish, for ever)
      server.process.kill("SIGINT");
      let timer: ReturnType<typeof setTimeout> | undefined;
      const stopped = await Promise.race([
        server.process.status.then(() => true),
        new Promise<false>((resolve) => timer = setTimeout(() => resolve(false), 20_000)),
      ]);
      clearTimeout(timer);
      assert.ok(stopped, "plutus serve stops on Ctrl-C while a page is open");
      // the server gone (a restart would want its new token): the page says so
      await page.setInputFiles("#files", [{ name: "small.csv", ...csv(2) }]);
      await page.click("text=Upload and load");
      await page.waitForSelector("#upload-message:has-text('Plutus does not answer')");
      await screenshot(page, "upload-server-gone");
    } finally {
      await context?.close();
      try {
        server.process.kill("SIGKILL");
      } catch {
        // stopped already
      }
      await server.process.status;
    }
  });

// One Chromium for all (a launch costs ~1.7 s of CPU); each gets a fresh context of its own.
Deno.test({
  name: "the GUI in a real browser",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async (t) => {
    const browser = await launchChromium();
    try {
      await t.step("the analyst's day in the GUI", () => analystsDay(browser));
      await t.step(
        "rejected rows: downloaded, fixed and uploaded again, then loaded",
        () => rejectsLoop(browser),
      );
      await t.step(
        "upload: a file over the limit sends none; a stopped server is said",
        () => uploadRefusals(browser),
      );
    } finally {
      await browser.close();
    }
  },
});
