/**
 * Imports flow one way (STYLE.md): no file imports, even for a type and even through
 * others, a file that imports it back. The graph is Deno's own (`deno info --json`) over
 * every TypeScript file of the repository, so entry points, workers and tools count too.
 */
import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ROOT } from "./helpers.ts";

/** Folders that hold no code of ours, or data that only looks like code. */
const SKIP = new Set([".git", "node_modules", "demo", "dist", ".out", "fixtures", "files"]);

interface DenoInfo {
  modules: {
    specifier: string;
    dependencies?: { code?: { specifier: string }; type?: { specifier: string } }[];
  }[];
}

Deno.test("no import circle between the repository's files", async () => {
  const files = await typeScriptFiles(ROOT);
  assert.ok(files.includes(join(ROOT, "main.ts")), "main.ts is among the files");
  const graph = await importGraph(files);
  const circles = importCircles(graph).map((circle) =>
    circle.map((url) => relative(ROOT, fileURLToPath(url))).join(" → ")
  );
  assert.deepEqual(circles, [], `import circles:\n  ${circles.join("\n  ")}`);
});

Deno.test("importCircles() finds a circle through a third file, and a file importing itself", () => {
  const graph = new Map([
    ["a", ["b"]],
    ["b", ["c"]],
    ["c", ["a", "d"]],
    ["d", []],
    ["e", ["e"]],
  ]);
  assert.deepEqual(importCircles(graph), [["a", "b", "c", "a"], ["e", "e"]]);
  assert.deepEqual(importCircles(new Map([["a", ["b"]], ["b", []]])), []);
});

async function typeScriptFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (SKIP.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory) found.push(...await typeScriptFiles(path));
    else if (entry.isFile && /\.tsx?$/.test(entry.name) && !entry.name.endsWith(".d.ts")) {
      found.push(path);
    }
  }
  return found.sort();
}

/** Local file → the local files it imports (code or type, static or dynamic). */
async function importGraph(files: string[]): Promise<Map<string, string[]>> {
  // `deno info` takes one root: a module that imports every file stands for them all.
  const dir = await Deno.makeTempDir({ prefix: "plutus-imports-" });
  try {
    const root = join(dir, "all.ts");
    await Deno.writeTextFile(
      root,
      files.map((file) => `import ${JSON.stringify(pathToFileURL(file).href)};\n`).join(""),
    );
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", "--config", join(ROOT, "deno.json"), root],
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(output.success, new TextDecoder().decode(output.stderr));
    const info: DenoInfo = JSON.parse(new TextDecoder().decode(output.stdout));
    const local = pathToFileURL(ROOT).href;
    const ours = (url: string) => url.startsWith(local);
    const graph = new Map<string, string[]>();
    for (const module of info.modules) {
      if (!ours(module.specifier)) continue;
      const imports = (module.dependencies ?? []).flatMap((dependency) =>
        [dependency.code?.specifier, dependency.type?.specifier]
          .filter((url): url is string => url !== undefined && ours(url))
      );
      graph.set(module.specifier, [...new Set(imports)]);
    }
    return graph;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * One circle per group of files that reach each other (Tarjan's strongly connected
 * components), written as a path that starts and ends at its first file by name.
 */
function importCircles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const group: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      group.push(member);
    } while (member !== node);
    if (group.length > 1 || (graph.get(node) ?? []).includes(node)) groups.push(group);
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return groups.map((group) => circleThrough(graph, new Set(group))).sort((a, b) =>
    a[0]!.localeCompare(b[0]!)
  );
}

/** A shortest path from the group's first file back to itself, inside the group. */
function circleThrough(graph: Map<string, string[]>, group: Set<string>): string[] {
  const start = [...group].sort()[0]!;
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const next of graph.get(node) ?? []) {
      if (!group.has(next)) continue;
      if (next === start) {
        const between: string[] = [];
        for (let at = node; at !== start; at = cameFrom.get(at)!) between.unshift(at);
        return [start, ...between, start];
      }
      if (!cameFrom.has(next)) {
        cameFrom.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start, start];
}
