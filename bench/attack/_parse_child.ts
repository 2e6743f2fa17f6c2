// Child process of unfurl_pages.ts: build one page, parse it with the server's metadata parser
// and print {"ms": …} (median of up to 5 runs while each takes < 100 ms). Runs under Deno and Bun.
import process from "node:process";
import { buildPage, PAGE_KINDS, type PageKind } from "./_pages.ts";

const [kind, bytesText] = process.argv.slice(2);
if (!PAGE_KINDS.includes(kind as PageKind)) throw new Error(`unknown page kind ${kind}`);
const html = buildPage(kind as PageKind, Number(bytesText));
// Imported by name at run time so the script survives a parser module that changed shape.
const mod = await import("../../src/unfurl/parse_metadata.ts") as Record<string, unknown>;
const parse = mod["parseMetadata"] as (html: string, url: string) => unknown;
if (typeof parse !== "function") {
  throw new Error("src/unfurl/parse_metadata.ts has no parseMetadata");
}

const times: number[] = [];
let result: unknown;
while (times.length < 5) {
  const start = performance.now();
  result = await parse(html, "https://attack.example/page");
  times.push(performance.now() - start);
  if (times[times.length - 1]! >= 100) break;
}
times.sort((a, b) => a - b);
const title = String((result as { title?: unknown })?.title ?? "");
console.log(
  JSON.stringify({
    ms: times[Math.floor(times.length / 2)],
    runs: times.length,
    title: title.slice(0, 40),
  }),
);
process.exit(0);
