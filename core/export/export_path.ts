/**
 * Where `plutus export -o FILE` writes: a plain file name goes into the project's
 * exports/ (wherever the command was typed), like every export; a path with a folder is
 * written there — the analyst named the folder — but only into a folder that exists, so
 * that a typo does not leave the file in a new folder nobody looks in.
 *
 * @module
 */
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { UsageError } from "../../config/errors.ts";

/** The path `output` (as typed, relative to the current folder) is written to. */
export function exportPath(exportsDir: string, output: string): string {
  if (output.trim() === "" || /[\\/]$/.test(output)) {
    throw new UsageError(`-o needs a file name; got "${output}"`, {
      hint: "Give a file name such as november.csv (it goes into exports/).",
    });
  }
  const plain = basename(output) === output && !output.includes("\\");
  const path = plain ? join(exportsDir, output) : resolve(output);
  if (statOf(path)?.isDirectory) {
    throw new UsageError(`-o ${output} is a folder, not a file`, {
      hint: `Name the file: -o ${join(output, "export.csv")}`,
    });
  }
  const inside = relative(resolve(exportsDir), path);
  if (plain || (!inside.startsWith("..") && !isAbsolute(inside))) return path;
  if (!statOf(dirname(path))?.isDirectory) {
    throw new UsageError(`-o ${output}: the folder ${dirname(path)} does not exist`, {
      hint:
        "Create the folder first, or give only a file name: it goes into the project's exports/.",
    });
  }
  return path;
}

function statOf(path: string): Deno.FileInfo | undefined {
  try {
    return Deno.statSync(path);
  } catch {
    return undefined;
  }
}
