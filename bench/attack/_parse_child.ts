// Child process of unfurl_pages.ts: build one page, parse it with the server's metadata parser
// and print {"ms": …} (median of up to 5 runs while each takes < 100 ms). Runs under Deno and Bun.
import process from "node:process";
import { buildPage, PAGE_KINDS, type PageKind } from "./_pages.ts";

const [kind, bytesText] = process.argv.slice(2);
if (!PAGE_KINDS.includes(kind as PageKind)) throw new Error(`unknown page kind ${kind}`);
const html = buildPage(kind as PageKind, Number(bytesText));
// Imported at run time so a moved or renamed parser can be named: UNFURL_PARSER=<path from the
// repository root>#<export>, called as (html, pageUrl) and awaited.
const parser = process.env["UNFURL_PARSER"] ?? "src/unfurl/parse_metadata.ts#parseMetadata";
const [path, name] = parser.split("#");
const mod = await import(new URL(`../../${path}`, import.meta.url).href) as Record<string, unknown>;
const parse = mod[name!] as (html: string, url: string) => unknown;
if (typeof parse !== "function") throw new Error(`${path} has no function ${name}`);

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
