// A sync server with only the unfurl route, whose fetch is injected: it answers every URL
// `https://attack.example/<kind>/<bytes>` with that adversarial page from memory, so /unfurl
// parses it in the server process without the SSRF guard being bypassed. Serves on env PORT
// under Deno (`deno run -A`) and Bun (`bun run`).
import process from "node:process";
import { createSyncHandler } from "../../mod.ts";
import { unfurlRoute } from "../../src/unfurl/mod.ts";
import { buildPage, PAGE_KINDS, type PageKind } from "./_pages.ts";

function page(url: string): Promise<Response> {
  const [, kind, bytes] = new URL(url).pathname.split("/");
  if (!PAGE_KINDS.includes(kind as PageKind)) {
    return Promise.resolve(new Response("no such page", { status: 404 }));
  }
  const html = buildPage(kind as PageKind, Number(bytes));
  return Promise.resolve(
    new Response(html, { headers: { "content-type": "text/html; charset=utf-8" } }),
  );
}

const sync = createSyncHandler({ routes: [unfurlRoute({ fetch: page, timeoutMs: 600_000 })] });
const port = Number(process.env["PORT"]);
const g = globalThis as unknown as { Bun?: { serve(o: unknown): unknown } };
if (g.Bun) {
  g.Bun.serve({ hostname: "127.0.0.1", port, fetch: sync.fetch, websocket: sync.websocket });
} else {
  Deno.serve(
    { hostname: "127.0.0.1", port, onListen: () => {} },
    (req) => sync.fetch(req).then((r) => r ?? new Response("not found", { status: 404 })),
  );
}
