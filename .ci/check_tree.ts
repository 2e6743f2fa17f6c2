/**
 * Tree checks run by `deno task check` (no dependencies, read-only):
 *
 * 1. No import cycle among the `.ts` files under `src/`. Every relative `import`/`export … from`
 *    specifier counts, `import type` and dynamic `import("…")` included: a type-only cycle still
 *    means two modules that cannot be understood apart. Cycles are the strongly connected
 *    components of the import graph (Tarjan); each is printed with one concrete file chain.
 *    A cycle listed in `.ci/import_cycles_allowed.txt` (a known one being broken elsewhere) is
 *    reported but does not fail; the goal is an empty list.
 * 2. No file under `bench/` (or `src/`) imports from `tests/`: benchmarks stand on the library and
 *    their own helpers, never on test fixtures.
 * 3. No `.ts` file under `src/` is longer than 400 lines.
 * 4. Layers: every import under `src/` points inward. `LAYERS` lists the tiers from the outside in;
 *    a file may import files of its own folder and of any tier below its own, never a tier above,
 *    and never a sibling folder of its own tier (siblings stay independent). A file's folder is the
 *    longest `LAYERS` prefix that matches it; a `mod.ts` (a public entry point) sits in the top tier.
 *    `node:` imports are allowed only under `src/runtime/` (the runtime adapters).
 *
 * Specifiers are read from statements that start a line (`import …`, `export … from`), after
 * dropping comment lines, so examples in doc comments are not imports.
 *
 * Usage: `deno run --allow-read .ci/check_tree.ts` (exit 1 on any failure).
 * @module
 */

const ROOT = new URL("../", import.meta.url);
const MAX_SRC_LINES = 400;
const ALLOW_FILE = ".ci/import_cycles_allowed.txt";

type Graph = Map<string, string[]>;

/**
 * The tiers, outside first (see ARCHITECTURE.md, "Layers"). Entries are `src/` path prefixes
 * (a folder ending in `/`, or one file).
 */
export const LAYERS: readonly (readonly string[])[] = [
  // entry points: the CLI, the Deno/Bun mains, every public `mod.ts`
  [
    "src/runtime/cli/",
    "src/runtime/deno/serve_main.ts",
    "src/runtime/bun/bun_cluster.ts",
    "mod.ts",
  ],
  ["src/app/"], // the default app: env vars -> backends -> server
  ["src/runtime/"], // Deno/Bun/node: adapters
  ["src/cluster/"],
  ["src/server/admin/", "src/server/routes/"],
  ["src/server/"],
  ["src/metrics/", "src/assets/", "src/unfurl/", "src/testing/"],
  ["src/room/", "src/storage/kv/"],
  ["src/storage/", "src/schema/"],
  ["src/protocol/"],
  ["src/diff/"],
  ["src/log/"],
  ["src/ports/"], // logger, time source, socket, event channel: importable by every layer
];

/** `[tier, folder]` of `file` under `layers` (longest prefix wins; `mod.ts` files are entries). */
export function layerOf(
  file: string,
  layers: readonly (readonly string[])[] = LAYERS,
): [number, string] | null {
  if (file.endsWith("/mod.ts") && layers[0]?.includes("mod.ts")) return [0, file];
  let best: [number, string] | null = null;
  for (const [i, tier] of layers.entries()) {
    for (const prefix of tier) {
      const hit = prefix.endsWith("/") ? file.startsWith(prefix) : file === prefix;
      if (hit && (!best || prefix.length > best[1].length)) best = [i, prefix];
    }
  }
  return best;
}

/** Each import in `graph` that points outward or sideways, as `from -> to (why)`. */
export function layerViolations(
  graph: Graph,
  layers: readonly (readonly string[])[] = LAYERS,
): string[] {
  const out: string[] = [];
  for (const [from, targets] of graph) {
    const a = layerOf(from, layers);
    if (!a) {
      out.push(`${from} is in no layer (add its folder to LAYERS)`);
      continue;
    }
    for (const to of targets) {
      const b = layerOf(to, layers);
      if (!b || b[1] === a[1] || b[0] > a[0]) continue;
      const why = b[0] < a[0] ? "imports an outer layer" : "imports a sibling of its layer";
      out.push(`${from} -> ${to} (${a[1]} ${why}: ${b[1]})`);
    }
  }
  return out.sort();
}

/** Every `.ts` file under `dir` (relative to the repo root, `/`-separated), sorted. */
async function listTs(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    for await (const entry of Deno.readDir(new URL(rel, ROOT))) {
      const path = `${rel}/${entry.name}`;
      if (entry.isDirectory && entry.name !== "node_modules") await walk(path);
      else if (entry.isFile && entry.name.endsWith(".ts")) out.push(path);
    }
  };
  await walk(dir);
  return out.sort();
}

/** Source text without comment lines (`//…`, `/* … *\/` blocks, JSDoc ` * …` lines). */
function codeLines(text: string): string {
  const kept: string[] = [];
  let inBlock = false;
  for (const line of text.split("\n")) {
    const t = line.trimStart();
    if (inBlock) {
      if (t.includes("*/")) inBlock = false;
      continue;
    }
    if (t.startsWith("/*")) {
      inBlock = !t.includes("*/");
      continue;
    }
    if (t.startsWith("//") || t.startsWith("*")) continue;
    kept.push(line);
  }
  return kept.join("\n");
}

const STATIC_FROM = /^[ \t]*(?:import|export)\b[^;]*?\sfrom\s*["']([^"'\n]+)["']/gm;
const BARE_IMPORT = /^[ \t]*import\s*["']([^"'\n]+)["']/gm;
const DYNAMIC_IMPORT = /\bimport\s*\(\s*["']([^"'\n]+)["']\s*\)/g;

/** The module specifiers `text` imports or re-exports. */
export function specifiersOf(text: string): string[] {
  const code = codeLines(text);
  const out: string[] = [];
  for (const re of [STATIC_FROM, BARE_IMPORT, DYNAMIC_IMPORT]) {
    for (const m of code.matchAll(re)) out.push(m[1]!);
  }
  return out;
}

/** `spec` resolved against `from` (both repo-relative), or null for a package specifier. */
function resolve(from: string, spec: string): string | null {
  if (!spec.startsWith("./") && !spec.startsWith("../")) return null;
  const url = new URL(spec, new URL(from, ROOT));
  return decodeURIComponent(url.pathname.slice(ROOT.pathname.length));
}

async function importGraph(files: string[]): Promise<Graph> {
  const inSet = new Set(files);
  const graph: Graph = new Map();
  for (const file of files) {
    const text = await Deno.readTextFile(new URL(file, ROOT));
    const targets = specifiersOf(text).map((s) => resolve(file, s));
    graph.set(file, [...new Set(targets.filter((t): t is string => t !== null && inSet.has(t)))]);
  }
  return graph;
}

/** Strongly connected components with a cycle (size > 1, or a file importing itself). */
export function cyclicComponents(graph: Graph): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const scc: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      scc.push(w);
    } while (w !== v);
    if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(scc.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out.sort((a, b) => a[0]!.localeCompare(b[0]!));
}

/** One import chain inside `scc` from its first file back to it (breadth-first: shortest). */
export function chainOf(graph: Graph, scc: string[]): string[] {
  const members = new Set(scc);
  const start = scc[0]!;
  const parent = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const v = queue[i]!;
    for (const w of graph.get(v) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const chain = [start];
        for (let u = v; u !== start; u = parent.get(u)!) chain.splice(1, 0, u);
        return [...chain, start];
      }
      if (!parent.has(w)) {
        parent.set(w, v);
        queue.push(w);
      }
    }
  }
  return scc;
}

/** The allow-list: one cycle per line, its files separated by spaces; `#` starts a comment. */
async function allowedCycles(): Promise<Set<string>> {
  let text = "";
  try {
    text = await Deno.readTextFile(new URL(ALLOW_FILE, ROOT));
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const keys = text.split("\n").map((l) => l.replace(/#.*/, "").trim()).filter(Boolean);
  return new Set(keys.map((l) => l.split(/\s+/).sort().join(" ")));
}

async function checkCycles(): Promise<number> {
  const graph = await importGraph(await listTs("src"));
  const allowed = await allowedCycles();
  const seen = new Set<string>();
  let failures = 0;
  for (const scc of cyclicComponents(graph)) {
    const key = scc.join(" ");
    seen.add(key);
    const known = allowed.has(key);
    if (!known) failures++;
    console.log(`${known ? "allowed" : "FAIL"}: import cycle: ${chainOf(graph, scc).join(" -> ")}`);
  }
  for (const key of allowed) {
    if (!seen.has(key)) console.log(`note: ${ALLOW_FILE} lists a cycle that is gone: ${key}`);
  }
  return failures;
}

async function checkLayers(): Promise<number> {
  const files = await listTs("src");
  const failures = layerViolations(await importGraph(files));
  for (const f of failures) console.log(`FAIL: layer: ${f}`);
  let nodeImports = 0;
  for (const file of files) {
    if (file.startsWith("src/runtime/")) continue;
    const text = await Deno.readTextFile(new URL(file, ROOT));
    for (const spec of specifiersOf(text).filter((s) => s.startsWith("node:"))) {
      nodeImports++;
      console.log(`FAIL: ${file} imports ${spec} (node: APIs only under src/runtime/)`);
    }
  }
  return failures.length + nodeImports;
}

async function checkNoTestImports(dirs: string[]): Promise<number> {
  let failures = 0;
  for (const dir of dirs) {
    for (const file of await listTs(dir)) {
      const text = await Deno.readTextFile(new URL(file, ROOT));
      for (const spec of specifiersOf(text)) {
        const target = resolve(file, spec);
        if (target?.startsWith("tests/")) {
          failures++;
          console.log(`FAIL: ${file} imports ${spec} (nothing outside tests/ may import tests/)`);
        }
      }
    }
  }
  return failures;
}

async function checkFileSizes(): Promise<number> {
  let failures = 0;
  for (const file of await listTs("src")) {
    const text = await Deno.readTextFile(new URL(file, ROOT));
    const lines = text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
    if (lines > MAX_SRC_LINES) {
      failures++;
      console.log(`FAIL: ${file} has ${lines} lines (at most ${MAX_SRC_LINES} in src/)`);
    }
  }
  return failures;
}

if (import.meta.main) {
  const failures = (await checkCycles()) + (await checkNoTestImports(["bench", "src"])) +
    (await checkFileSizes()) + (await checkLayers());
  console.log(failures ? `check_tree: ${failures} problem(s)` : "check_tree: ok");
  if (failures) Deno.exit(1);
}
