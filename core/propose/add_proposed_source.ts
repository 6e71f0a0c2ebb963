/**
 * The last step of `plutus add-source`: the proposed source goes into plutus.yaml, the
 * whole file at once, and only over the plutus.yaml it was proposed from.
 *
 * @module
 */
import { PlutusError } from "../../util/errors.ts";
import { writeAtomically } from "../project/edit_config.ts";
import type { Project } from "../project/project.ts";
import type { SourceProposal } from "./propose_source.ts";

/**
 * Writes plutus.yaml with `proposal`'s source added. Refuses, writing nothing, when
 * plutus.yaml changed since the proposal read it (an edit made while the analyst read the
 * proposal would otherwise be lost).
 */
export async function addProposedSource(project: Project, proposal: SourceProposal): Promise<void> {
  const now = await Deno.readTextFile(project.paths.config);
  if (now !== proposal.configBefore) {
    throw new PlutusError(
      `plutus.yaml changed after the source ${proposal.name} was proposed: it was not added`,
      {
        code: "config_changed",
        hint: "Run plutus add-source again: it proposes from plutus.yaml as it is now. " +
          "Nothing was written.",
      },
    );
  }
  await writeAtomically(project.paths.config, proposal.configText);
}
