import assert from "node:assert/strict";
import { join, relative } from "node:path";

const ROOT = join(import.meta.dirname!, "..");

/**
 * Test code may open a database file with node:sqlite to see what a user's SQL tool sees
 * (the database format must not change) or to set up a file Plutus would not write; the
 * product reaches its database only through core/store/mod.ts.
 */
const MAY_USE_SQLITE = [/^core\/store\/sqlite\//, /^tests\//, /^bench\//, /_test\.ts$/];

async function* walkTs(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory) yield* walkTs(path);
    else if (entry.name.endsWith(".ts")) yield path;
  }
}

/** The product files outside core/store/sqlite/ that import SQLite's module or name its classes. */
async function sqliteOutsideItsBackend(root: string): Promise<string[]> {
  const found: string[] = [];
  for await (const path of walkTs(root)) {
    const name = relative(root, path).replaceAll("\\", "/");
    if (MAY_USE_SQLITE.some((pattern) => pattern.test(name))) continue;
    const text = await Deno.readTextFile(path);
    text.split("\n").forEach((line, index) => {
      if (/["'`]node:sqlite["'`]|\bDatabaseSync\b|\bStatementSync\b/.test(line)) {
        found.push(`${name}:${index + 1}: ${line.trim()}`);
      }
    });
  }
  return found;
}

Deno.test("node:sqlite is imported only under core/store/sqlite/", async () => {
  assert.deepEqual(await sqliteOutsideItsBackend(ROOT), []);
});

Deno.test("the confinement check finds node:sqlite in a product file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(join(dir, "core", "export"), { recursive: true });
    await Deno.mkdir(join(dir, "core", "store", "sqlite"), { recursive: true });
    await Deno.writeTextFile(
      join(dir, "core", "export", "sneaky.ts"),
      'import { DatabaseSync } from "node:sqlite";\n',
    );
    await Deno.writeTextFile(
      join(dir, "core", "store", "sqlite", "fine.ts"),
      'import { DatabaseSync } from "node:sqlite";\n',
    );
    assert.deepEqual(await sqliteOutsideItsBackend(dir), [
      'core/export/sneaky.ts:1: import { DatabaseSync } from "node:sqlite";',
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
