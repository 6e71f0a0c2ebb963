/**
 * The sources a run is asked for by name (`plutus run --source`, `plutus upload --source`,
 * the GUI's Run and Upload), checked against plutus.yaml before anything runs: a typo stops
 * with the closest name instead of a run that loads nothing.
 *
 * @module
 */
import { closestMatch } from "../../util/closest_match.ts";
import { UsageError } from "../../util/errors.ts";
import { brokenReadsFiles, type Project } from "./project.ts";

/**
 * Throws a UsageError when one of `names` is no source of the project (`run --source`).
 * A source with a problem of its own counts: its step fails with the hint.
 */
export function checkSourceNames(project: Project, names: readonly string[]): void {
  const known = [...Object.keys(project.config.sources), ...project.brokenSources.keys()];
  for (const name of names) {
    if (!known.includes(name)) throw unknownSource(name, known, "source", "Sources");
  }
}

/**
 * Throws a UsageError when `name` cannot read the files given to it (`upload --source`): a
 * file source (one with a problem of its own takes the file, whose step fails with the hint)
 * or an API source, which takes only its rejects files (the planner checks which file is one).
 */
export function checkFileSourceName(project: Project, name: string): void {
  const broken = project.brokenSources.get(name);
  if (project.config.sources[name] || (broken && brokenReadsFiles(broken))) return;
  const fileSources = Object.entries(project.config.sources)
    .filter(([, source]) => source.kind === "file").map(([source]) => source);
  throw unknownSource(name, fileSources, "file source", "File sources");
}

function unknownSource(
  name: string,
  known: readonly string[],
  what: string,
  listed: string,
): UsageError {
  const guess = closestMatch(name, known);
  return new UsageError(
    `no ${what} named "${name}" in plutus.yaml${guess ? ` (did you mean "${guess}"?)` : ""}`,
    { code: "unknown_source", hint: `${listed}: ${known.join(", ") || "(none yet)"}` },
  );
}
