/**
 * Decides which source reads each file waiting in inbox/: the one whose `files` pattern
 * matches its name, or the one the analyst named.
 *
 * @module
 */
import { join } from "node:path";
import { isPlainName, matchesFiles } from "../project/inbox.ts";
import { brokenReadsFiles, fileSources, type Project } from "../project/project.ts";
import { probeRejectsFile, type RejectsProbe } from "../read/rejects_reader.ts";

/** A file with the source that will read it. */
export interface PlannedFile {
  source: string;
  fileName: string;
  path: string;
  sha256?: string;
  /** A rejects file Plutus wrote: read as written, not as the source's raw export. */
  rejects?: boolean;
}

/** A file no source can read, with why and what to do. */
export interface UnplannedFile {
  fileName: string;
  reason: string;
  hint: string;
  /**
   * Set when plutus.yaml is at fault (several sources claim the file): the step fails,
   * unlike a file no source reads, which may simply be unrelated.
   */
  conflict?: boolean;
}

/** A file to ingest, optionally with the source that must read it. */
export interface FileRequest {
  /** The file's name, as shown in reports. */
  name: string;
  source?: string;
  /** Where it is, when not in inbox/ (a dry-run upload reads it in place). */
  path?: string;
  /** Its SHA-256 when known already (computed while it was copied in). */
  sha256?: string;
  /** Set by recognizeRejectsFiles() when the file is a rejects file. */
  rejects?: RejectsProbe;
}

/**
 * Marks the rejects files among `files` (by their marker columns, see rejects_format.ts),
 * with the source their `_source` column names.
 */
export async function recognizeRejectsFiles(
  project: Project,
  files: readonly FileRequest[],
): Promise<FileRequest[]> {
  const out: FileRequest[] = [];
  for (const file of files) {
    // only a regular file: a pipe would block the look, a link is refused later anyway
    const path = file.path ?? (isPlainName(file.name) ? join(project.paths.inbox, file.name) : "");
    const regular = path !== "" && await Deno.lstat(path).then((info) => info.isFile, () => false);
    const rejects = regular ? await probeRejectsFile(path, file.name) : undefined;
    out.push(rejects ? { ...file, rejects } : file);
  }
  return out;
}

/**
 * The file sources' patterns by name, with those of file sources set aside for a problem
 * of their own: a file one of them would read fails with that source's hint.
 */
function filePatterns(project: Project): [string, string[]][] {
  const broken = [...project.brokenSources].filter(([, source]) => brokenReadsFiles(source)).map((
    [name, source],
  ): [string, string[]] => [name, source.files]);
  return [
    ...fileSources(project).map(([name, source]): [string, string[]] => [
      name,
      source.files,
    ]),
    ...broken,
  ];
}

/**
 * Pairs each file with its source. With `only`, files of other sources are left out
 * silently (the analyst asked for some sources); without it, a file no source matches
 * is reported.
 */
export function planFiles(
  project: Project,
  files: readonly FileRequest[],
  only?: readonly string[],
): { planned: PlannedFile[]; unplanned: UnplannedFile[] } {
  const sources = filePatterns(project);
  const planned: PlannedFile[] = [];
  const unplanned: UnplannedFile[] = [];
  for (const file of files) {
    if (file.path === undefined && !isPlainName(file.name)) {
      // a name from the GUI or the history must mean a file inside inbox/, nothing else
      unplanned.push({
        fileName: file.name,
        reason: `"${file.name}" is not the name of a file in inbox/`,
        hint: "Name a waiting file by its name alone, without folders.",
      });
      continue;
    }
    const path = file.path ?? join(project.paths.inbox, file.name);
    const rejects = file.rejects !== undefined;
    // A rejects file names its source; an API source's rejects load like a file.
    const named = file.source ?? file.rejects?.source;
    if (named !== undefined) {
      const config = project.config.sources[named];
      if (only && file.source === undefined && !only.includes(named)) continue;
      if (sources.some(([name]) => name === named) || (config && rejects)) {
        planned.push({ source: named, fileName: file.name, path, sha256: file.sha256, rejects });
      } else if (config) {
        unplanned.push({
          fileName: file.name,
          reason:
            `${file.name} is not a rejects file, and source "${named}" is an API source: it reads its URL, not files`,
          hint:
            "Upload it with a file source (--source NAME), or propose one for it: plutus add-source FILE --table TABLE.",
        });
      } else if (file.source === undefined) {
        unplanned.push({
          fileName: file.name,
          reason:
            `${file.name} holds rejected rows of source "${named}", which plutus.yaml does not have any more`,
          hint:
            'Upload it with the source that reads these rows now: plutus upload FILE --source NAME (in the GUI: "Read them with").',
        });
      } else {
        unplanned.push({
          fileName: file.name,
          reason: `there is no file source "${file.source}" in plutus.yaml any more`,
          hint:
            "Load the file with plutus run (its name picks the source), or with plutus upload --source NAME.",
        });
      }
      continue;
    }
    const matching = sources.filter(([, files]) => matchesFiles(file.name, files)).map((
      [name],
    ) => name);
    const wanted = only ? matching.filter((name) => only.includes(name)) : matching;
    if (wanted.length === 1) {
      planned.push({ source: wanted[0]!, fileName: file.name, path, sha256: file.sha256, rejects });
    } else if (wanted.length > 1) {
      unplanned.push({
        fileName: file.name,
        reason: `${file.name} matches the files pattern of several sources (${
          wanted.map((name) => `${name}: ${sources.find(([n]) => n === name)![1].join(", ")}`)
            .join("; ")
        }): Plutus will not guess which one reads it`,
        hint:
          `Make the files patterns in plutus.yaml distinct so that one source matches it, then plutus run; or load it now with one of them: plutus upload inbox/${file.name} --source ${
            wanted[0]
          }. It stays in inbox/.`,
        conflict: true,
      });
    } else if (!only) {
      unplanned.push({
        fileName: file.name,
        reason: `no source reads ${file.name}: it matches no files pattern in plutus.yaml`,
        hint: sources.length > 0
          ? `Add its name pattern to a source's files (patterns now: ${
            sources.map(([name, files]) => `${name}: ${files.join(", ")}`).join("; ")
          }), or upload it with --source NAME (in the GUI: "Read them with"). A new kind of file? Propose a source for it: plutus add-source inbox/${file.name} --table TABLE. It stays in inbox/.`
          : `Propose a source for it: plutus add-source inbox/${file.name} --table TABLE (or see docs/configuration.md). It stays in inbox/.`,
      });
    }
  }
  return { planned, unplanned };
}
