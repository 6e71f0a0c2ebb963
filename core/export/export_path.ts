/**
 * Where `plutus export -o FILE` writes: into the project's exports/, like every export. A
 * file name alone goes there whatever folder the command is typed in; a path must lead
 * there too (`exports/2026/nov.csv`). A path elsewhere is refused before anything is
 * written: Plutus writes only inside the project folder, and exports belong in exports/.
 *
 * @module
 */
import { basename, isAbsolute, join, relative, resolve } from "node:path";
import { UsageError } from "../../util/errors.ts";

/** The path `output` (as typed, relative to the current folder) is written to. */
export function exportPath(exportsDir: string, output: string): string {
  const plain = basename(output) === output && !output.includes("\\");
  const path = plain ? join(exportsDir, output) : resolve(output);
  const inside = relative(resolve(exportsDir), path);
  if (output.trim() === "" || inside === "" || statOf(path)?.isDirectory) {
    throw new UsageError(`-o needs a file name; got "${output}"`, {
      hint: "Give a file name such as november.csv: it goes into the project's exports/.",
    });
  }
  // the file is CSV: a spreadsheet's name would make Excel refuse it as damaged
  const kind = /\.(xlsx|xlsm|xls|ods|numbers|json|parquet|tsv)$/i.exec(output)?.[1];
  if (kind) {
    throw new UsageError(`-o ${output}: plutus export writes CSV, not .${kind.toLowerCase()}`, {
      hint: `Name it .csv (-o ${
        basename(output).replace(/\.[^.]+$/, ".csv")
      }); Excel, LibreOffice and Google Sheets open it, and can save it as .${kind.toLowerCase()}.`,
    });
  }
  if (inside.startsWith("..") || isAbsolute(inside)) {
    throw new UsageError(`-o ${output} is outside the project's exports/ folder`, {
      hint: `Give a file name alone (-o ${
        basename(output)
      }): it goes into ${exportsDir}. Copy it elsewhere from there.`,
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
