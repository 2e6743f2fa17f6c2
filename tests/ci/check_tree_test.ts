// The tree check's parts: import specifiers (type imports in, doc-comment examples out), cycle
// detection (Tarjan SCC) and the file chain it prints.
import { readdirSync, readFileSync } from "node:fs";
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  chainOf,
  cyclicComponents,
  layerOf,
  LAYERS,
  layerViolations,
  specifiersOf,
} from "../../.ci/check_tree.ts";

describe("check_tree specifiersOf", () => {
  it("reads static, type-only, re-export, bare and dynamic imports", () => {
    const text = [
      'import { a } from "./a.ts";',
      'import type { B } from "../b.ts";',
      "import {",
      "  c,",
      "  type D,",
      '} from "./c.ts";',
      'export { e } from "./e.ts";',
      'export type { F } from "./f.ts";',
      'export * from "./g.ts";',
      'import "./side_effect.ts";',
      'const h = await import("./h.ts");',
    ].join("\n");
    assert.deepEqual(specifiersOf(text).sort(), [
      "../b.ts",
      "./a.ts",
      "./c.ts",
      "./e.ts",
      "./f.ts",
      "./g.ts",
      "./h.ts",
      "./side_effect.ts",
    ]);
  });

  it("ignores imports written in comments and doc examples", () => {
    const text = [
      "/**",
      " * @example",
      " * ```ts",
      ' * import { x } from "./example.ts";',
      " * ```",
      " */",
      '// import { y } from "./commented.ts";',
      "/*",
      'import { z } from "./block.ts";',
      "*/",
      'const text = "not an import";',
    ].join("\n");
    assert.deepEqual(specifiersOf(text), []);
  });
});

describe("check_tree cyclicComponents", () => {
  it("finds each cycle once, with every file in it, and nothing acyclic", () => {
    const graph = new Map([
      ["a", ["b"]],
      ["b", ["c"]],
      ["c", ["a", "d"]],
      ["d", ["e"]],
      ["e", []],
      ["f", ["f"]],
      ["g", ["e"]],
    ]);
    assert.deepEqual(cyclicComponents(graph), [["a", "b", "c"], ["f"]]);
  });

  it("finds no cycle in a graph without one", () => {
    const graph = new Map([["a", ["b", "c"]], ["b", ["c"]], ["c", []]]);
    assert.deepEqual(cyclicComponents(graph), []);
  });

  it("prints the shortest chain from the first file back to itself", () => {
    const graph = new Map([
      ["a", ["b", "d"]],
      ["b", ["c"]],
      ["c", ["a"]],
      ["d", ["a"]],
    ]);
    const [scc] = cyclicComponents(graph);
    assert.deepEqual(scc, ["a", "b", "c", "d"]);
    assert.deepEqual(chainOf(graph, scc!), ["a", "d", "a"]);
  });
});

describe("check_tree layerViolations", () => {
  const layers = [["src/cli/", "mod.ts"], ["src/server/"], ["src/room/", "src/storage/"], [
    "src/ports/",
  ]];

  it("accepts imports inside a folder and toward inner layers", () => {
    const graph = new Map([
      ["src/cli/main.ts", ["src/server/s.ts", "src/ports/logger.ts"]],
      ["src/server/s.ts", ["src/server/t.ts", "src/room/room.ts", "src/storage/st.ts"]],
      ["src/room/room.ts", ["src/ports/logger.ts"]],
      ["src/room/mod.ts", ["src/room/room.ts", "src/server/s.ts"]],
    ]);
    assert.deepEqual(layerViolations(graph, layers), []);
  });

  it("reports an outward import, a sideways import and a file in no layer", () => {
    const graph = new Map([
      ["src/room/room.ts", ["src/server/s.ts", "src/storage/st.ts", "src/room/mod.ts"]],
      ["src/ports/logger.ts", []],
      ["src/other/x.ts", []],
    ]);
    assert.deepEqual(layerViolations(graph, layers), [
      "src/other/x.ts is in no layer (add its folder to LAYERS)",
      "src/room/room.ts -> src/room/mod.ts (src/room/ imports an outer layer: src/room/mod.ts)",
      "src/room/room.ts -> src/server/s.ts (src/room/ imports an outer layer: src/server/)",
      "src/room/room.ts -> src/storage/st.ts (src/room/ imports a sibling of its layer: src/storage/)",
    ]);
  });

  it("places a file by its longest prefix, and the real tiers keep ports innermost", () => {
    assert.deepEqual(layerOf("src/server/routes/a.ts", LAYERS)?.[1], "src/server/routes/");
    assert.deepEqual(layerOf("src/server/sync_server.ts", LAYERS)?.[1], "src/server/");
    assert.deepEqual(layerOf("src/runtime/deno/serve_main.ts", LAYERS)?.[0], 0);
    assert.deepEqual(layerOf("src/runtime/deno/deno_upgrader.ts", LAYERS)?.[1], "src/runtime/");
    assert.equal(layerOf("src/ports/logger.ts", LAYERS)?.[0], LAYERS.length - 1);
    assert.equal(layerOf("src/nowhere/x.ts", LAYERS), null);
  });
});

/** The import graph of the real `src/` (repo-relative paths), read with node:fs on either runtime. */
function srcGraph(): Map<string, string[]> {
  const root = new URL("../../", import.meta.url);
  const files = (readdirSync(new URL("src", root), { recursive: true }) as string[])
    .map((f) => `src/${f.replaceAll("\\", "/")}`).filter((f) => f.endsWith(".ts"));
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(new URL(file, root), "utf8");
    const targets = specifiersOf(text).filter((s) => s.startsWith(".")).map((s) =>
      new URL(s, new URL(file, root)).pathname.slice(root.pathname.length)
    );
    graph.set(file, targets.filter((t) => t.startsWith("src/")));
  }
  return graph;
}

describe("check_tree on the real tree", () => {
  it("src/ has files in every tier, each file in a layer, and no outward or sideways import", () => {
    const graph = srcGraph();
    assert.ok(graph.size > 100);
    const tiers = new Set([...graph.keys()].map((f) => layerOf(f, LAYERS)?.[0]));
    for (let i = 0; i < LAYERS.length; i++) assert.ok(tiers.has(i), `tier ${i} has no file`);
    assert.deepEqual(layerViolations(graph, LAYERS), []);
  });
});
