import assert from "node:assert/strict";
import { join } from "node:path";
import { PlutusError } from "../../util/errors.ts";
import { initProject } from "../init/init_project.ts";
import { openProject } from "../project/project.ts";
import { addProposedSource } from "./add_proposed_source.ts";
import { proposeSource } from "./propose_source.ts";

async function withProposal(
  test: (dir: string, add: () => Promise<void>) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "plutus-add-source-" });
  try {
    await initProject(dir, { demo: true });
    const sample = join(dir, "partner_leads_2026-11.csv");
    await Deno.writeTextFile(sample, "Email,First Name\na@x.com,Ann\nb@y.org,Bo\n");
    const project = await openProject(dir);
    const proposal = await proposeSource(project, sample, "leads", {});
    await test(dir, () => addProposedSource(project, proposal));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("addProposedSource() adds the source to plutus.yaml, keeping its comments", () =>
  withProposal(async (dir, add) => {
    const before = await Deno.readTextFile(join(dir, "plutus.yaml"));
    await add();
    const after = await Deno.readTextFile(join(dir, "plutus.yaml"));
    assert.ok(after.startsWith(before.slice(0, before.indexOf("sources:"))));
    assert.match(after, /# Google Ads: Reports > Download > CSV/);
    const project = await openProject(dir);
    assert.equal(project.config.sources.partner_leads?.table, "leads");
    assert.ok(!(await Deno.stat(join(dir, "plutus.yaml.part")).catch(() => undefined)));
  }));

Deno.test("addProposedSource() writes nothing over a plutus.yaml edited since the proposal", () =>
  withProposal(async (dir, add) => {
    const path = join(dir, "plutus.yaml");
    const original = await Deno.readTextFile(path);
    const edited = original.replace("timezone:", "# edited meanwhile\ntimezone:");
    assert.notEqual(edited, original);
    await Deno.writeTextFile(path, edited);
    await assert.rejects(add, (error) => {
      assert.ok(error instanceof PlutusError);
      assert.equal(error.code, "config_changed");
      assert.equal(
        error.message,
        "plutus.yaml changed after the source partner_leads was proposed: it was not added",
      );
      assert.match(error.hint ?? "", /Run plutus add-source again/);
      return true;
    });
    assert.equal(await Deno.readTextFile(path), edited);
  }));
