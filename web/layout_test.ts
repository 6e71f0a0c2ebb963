import assert from "node:assert/strict";
import { withCode } from "./layout.ts";

const shown = async (text: string) => String(await withCode(text));

Deno.test("withCode() sets CLI commands and doc paths in a hint as code, and escapes the rest", async () => {
  assert.equal(
    await shown(
      "Propose a source for it: plutus add-source inbox/x.csv --table TABLE (or see docs/configuration.md). It stays.",
    ),
    "Propose a source for it: <code>plutus add-source inbox/x.csv --table TABLE</code> (or see <code>docs/configuration.md</code>). It stays.",
  );
  assert.equal(
    await shown("Wait for it to finish (plutus status shows it), then run: plutus rerun."),
    "Wait for it to finish (<code>plutus status</code> shows it), then run: <code>plutus rerun</code>.",
  );
  assert.equal(
    await shown("or with plutus upload --source NAME."),
    "or with <code>plutus upload --source NAME</code>.",
  );
  assert.equal(await shown("the plutus <b> folder"), "the plutus &lt;b&gt; folder");
});
