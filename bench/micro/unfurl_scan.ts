// Unfurl HTML parse time on hostile pages: the linear scanner (src/unfurl/) on 1 MiB pages, and
// for comparison the regex scanner it replaced (bench/micro/_old/, copied from main) on 64, 128
// and 256 KiB pages. An old-scanner page is not tried at a larger size once it took over
// OLD_MAX_MS (default 3000) at a smaller one, so the run stays bounded.
// Usage: deno run -A bench/micro/unfurl_scan.ts   |   bun run bench/micro/unfurl_scan.ts
import process from "node:process";
import { parseMetadata } from "../../src/unfurl/parse_metadata.ts";
import { parseMetadata as oldParseMetadata } from "./_old/parse_metadata.ts";
import { hostilePages } from "../../fixtures/hostile_pages.ts";

const KIB = 1024;
const OLD_MAX_MS = Number(process.env.OLD_MAX_MS ?? 3000);
const runtime = (globalThis as { Bun?: unknown }).Bun ? "bun" : "deno";

function timeMs(parse: (html: string, url: string) => unknown, html: string): number {
  const start = performance.now();
  parse(html, "https://hostile.example/");
  return performance.now() - start;
}

/** The best of `runs` timings (the first run also warms the JIT). */
function best(parse: (html: string, url: string) => unknown, html: string, runs: number): number {
  let min = Infinity;
  for (let i = 0; i < runs; i++) min = Math.min(min, timeMs(parse, html));
  return min;
}

const rows: string[][] = [];
const skipOld = new Set<string>();
const newTimes = Object.entries(hostilePages(1024 * KIB)).map(([name, html]) =>
  [name, best(parseMetadata, html, 5)] as const
);
const oldTimes = new Map<string, string[]>();
for (const size of [64, 128, 256]) {
  for (const [name, html] of Object.entries(hostilePages(size * KIB))) {
    const cells = oldTimes.get(name) ?? [];
    if (skipOld.has(name)) cells.push("skipped");
    else {
      const ms = best(oldParseMetadata, html, 1);
      if (ms > OLD_MAX_MS) skipOld.add(name);
      cells.push(ms.toFixed(1));
    }
    oldTimes.set(name, cells);
  }
}
for (const [name, ms] of newTimes) rows.push([name, ms.toFixed(1), ...oldTimes.get(name)!]);

const header = ["page", "new 1 MiB ms", "old 64 KiB ms", "old 128 KiB ms", "old 256 KiB ms"];
// deno-lint-ignore no-console
console.log(`unfurl_scan (${runtime})\n` + [header, ...rows].map((r) => r.join(" | ")).join("\n"));
