import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { HttpRoute } from "../../src/server/http_route.ts";
import { unfurlRoute } from "../../src/server/routes/unfurl_route.ts";
import { serve } from "../helpers/serve.ts";

const PAGE = `<!doctype html><html><head>
  <title>Local page</title>
  <meta property="og:description" content="Served on 127.0.0.1">
  <meta property="og:image" content="/img/card.png">
  <link rel="icon" href="/favicon.svg">
</head><body></body></html>`;

/** Serves /page (HTML) and /moved (302 to /page), counting requests. */
function pageRoutes(): { route: HttpRoute; hits: () => number } {
  let hits = 0;
  const route: HttpRoute = (_req, url) => {
    if (url.pathname === "/page") {
      hits++;
      return new Response(PAGE, { headers: { "content-type": "text/html; charset=utf-8" } });
    }
    if (url.pathname === "/moved") {
      hits++;
      return new Response(null, { status: 302, headers: { location: "/page" } });
    }
    return undefined;
  };
  return { route, hits: () => hits };
}

describe("unfurlRoute over a real socket", () => {
  it("with allowPrivate, unfurls a local page through a redirect", async () => {
    const pages = pageRoutes();
    const server = await serve({ routes: [pages.route, unfurlRoute({ allowPrivate: true })] });
    try {
      const target = `${server.http}/moved`;

      const res = await fetch(`${server.http}/unfurl?url=${encodeURIComponent(target)}`);

      assert.equal(res.status, 200);
      assert.equal(res.headers.get("access-control-allow-origin"), "*");
      assert.deepEqual(await res.json(), {
        title: "Local page",
        description: "Served on 127.0.0.1",
        image: `${server.http}/img/card.png`,
        favicon: `${server.http}/favicon.svg`,
      });
      assert.equal(pages.hits(), 2);
    } finally {
      await server.stop();
    }
  });

  it("with the default guard, refuses 127.0.0.1 with 400 without fetching it", async () => {
    const pages = pageRoutes();
    const server = await serve({ routes: [pages.route, unfurlRoute()] });
    try {
      const target = `${server.http}/page`;

      const res = await fetch(`${server.http}/unfurl?url=${encodeURIComponent(target)}`);

      assert.equal(res.status, 400);
      assert.match((await res.json()).error, /Refused target/);
      assert.equal(pages.hits(), 0);
    } finally {
      await server.stop();
    }
  });

  it("a missing url parameter gets 400 and a preflight is answered", async () => {
    const server = await serve({ routes: [unfurlRoute()] });
    try {
      const missing = await fetch(`${server.http}/unfurl`);
      const options = await fetch(`${server.http}/unfurl?url=x`, { method: "OPTIONS" });

      assert.equal(missing.status, 400);
      assert.deepEqual(await missing.json(), { error: "Missing url parameter" });
      assert.equal(options.status, 204);
      assert.equal(options.headers.get("access-control-allow-origin"), "*");
      await options.body?.cancel();
    } finally {
      await server.stop();
    }
  });
});
