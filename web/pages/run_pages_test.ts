import assert from "node:assert/strict";
import { locateProject } from "../../core/project/project_paths.ts";
import { openDriver } from "../../core/store/open_driver.ts";
import { withGuiClient } from "../../tests/gui_client.ts";
import { expectCode, runCli, writeFiles } from "../../tests/helpers.ts";

Deno.test("a run from the command line: the Run page and its page load again until it ends, no rerun offered meanwhile", () =>
  withGuiClient(async ({ dir, page: get }) => {
    const REFRESH = /<meta http-equiv="refresh" content="3">/;
    // another process's run: the lock held, the run recorded as running
    const driver = openDriver((await locateProject(dir)).database);
    const lock = (await driver.tryLock("the command line (plutus run)"))!;
    const store = await driver.openWriter();
    try {
      const runId = await store.startRun("cli", "run");
      assert.match(await get("/"), REFRESH);
      const going = await get(`/runs/${runId}`);
      assert.match(going, REFRESH);
      assert.doesNotMatch(going, /Rerun failed steps/);
      await store.finishRun(runId, "succeeded");
      assert.doesNotMatch(await get("/"), REFRESH);
      assert.doesNotMatch(await get(`/runs/${runId}`), REFRESH);
    } finally {
      await store.close();
      await lock.release();
    }
  }));

Deno.test("the rejects of a file that failed as a whole: the Run page says to fix the file and rerun, never to upload the rejects alone", () =>
  withGuiClient(async ({ dir, page: get }) => {
    await writeFiles(dir, {
      "plutus.yaml": `reject_limit: 0.3
sources:
  crm: { kind: file, files: "leads*.csv", table: leads }
`,
      "schema/leads.yaml": "columns:\n  email: { type: email, required: true }\nkey: [email]\n",
      "inbox/leads_1.csv": "email\ngood@example.com\nbad@\nworse@\n",
    });
    expectCode(await runCli(["run", "--project", dir]), 1);
    const failed = await get("/runs/1");
    assert.match(failed, /Download rejected rows/);
    assert.match(
      failed,
      /Warning:<\/strong> leads_1\.csv failed as a whole: none of its rows were loaded, the good ones neither\. Fix the rows listed in the file itself/,
    );
    assert.match(failed, /uploading only its fixed rejected rows would leave its good rows out/);
    assert.doesNotMatch(failed, /upload the file again/);
    // a file that loaded (its rejects within the limit): its fixed rejects are uploaded
    await writeFiles(dir, {
      "inbox/leads_1.csv": "email\ngood@example.com\nalso@example.com\nfine@example.com\nbad@\n",
    });
    expectCode(await runCli(["run", "--project", dir]), 0);
    const loaded = await get("/runs/2");
    assert.match(loaded, /Fix the values in a spreadsheet[^<]*upload the file again/);
    assert.doesNotMatch(loaded, /failed as a whole/);
    // and the failed run, put right since, advises nothing more
    assert.doesNotMatch(await get("/runs/1"), /failed as a whole|upload the file again/);
  }));

Deno.test("the Rerun button retries a failed upload --force forced: the fixed rule's values are loaded", () =>
  withGuiClient(async ({ dir, gui, page: get, post }) => {
    const rule = (to: string) =>
      `stage: { from: Stage, clean: [ { replace: { regex: "^lead$", to: "${to}" } } ] }`;
    const config = (stage: string) =>
      `sources:
  crm:
    kind: file
    files: "leads*.csv"
    table: leads
    columns: { email: Email, ${stage} }
`;
    await writeFiles(dir, {
      "plutus.yaml": config("stage: Stage"),
      "schema/leads.yaml": `columns:
  email: { type: email, required: true }
  stage: { type: text, values: [lead, mql] }
key: [email]
`,
      "leads_1.csv": "Email,Stage\na@example.com,lead\nb@example.com,lead\n",
    });
    const file = `${dir}/leads_1.csv`;
    expectCode(await runCli(["upload", file, "--project", dir]), 0);
    await writeFiles(dir, { "plutus.yaml": config(rule("mqll")) });
    expectCode(await runCli(["upload", file, "--force", "--project", dir]), 1);
    await writeFiles(dir, { "plutus.yaml": config(rule("mql")) });
    assert.equal((await post("/runs/2/rerun", {})).status, 303);
    for (let i = 0; i < 100 && gui.broadcaster.status.state === "running"; i++) {
      await new Promise((done) => setTimeout(done, 50));
    }
    assert.equal(gui.broadcaster.status.state, "succeeded");
    const rerun = await get("/runs/3");
    assert.match(rerun, /leads_1\.csv/);
    assert.doesNotMatch(rerun, /already loaded/);
    assert.match(await get("/runs/2"), /Resolved by <a href="\/runs\/3">run 3<\/a>/);
    const stages = await runCli(["query", "select distinct stage from leads", "--project", dir]);
    assert.match(expectCode(stages, 0).stdout, /^stage\nmql\n/);
  }));
