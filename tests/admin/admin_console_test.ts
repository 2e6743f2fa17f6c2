// The operator console's files at /admin/: served without a token (they hold no data) under a
// strict CSP, off with the admin API; the script's safety rules and its quantile estimate.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Histogram } from "../../src/metrics/histogram.ts";
import { adminRoutes } from "../../src/server/admin/admin_routes.ts";
import { CONSOLE_CSP } from "../../src/server/admin/console/console_route.ts";
import { CONSOLE_JS_CHART } from "../../src/server/admin/console/console_js_chart.ts";
import { CONSOLE_JS, CONSOLE_JS_PARTS } from "../../src/server/admin/console/console_script.ts";
import { ADMIN_TOKEN } from "../helpers/admin_fetch.ts";
import { serve } from "../helpers/serve.ts";
import { startServerProcess } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";

interface ChartFns {
  estimateQuantile(q: number, prev: unknown, cur: unknown): number | null;
  statsPoint(prev: unknown, cur: unknown): Record<string, number | null> | null;
}

/** The shipped chart code, evaluated on its own (it only defines functions). */
function chartFunctions(): ChartFns {
  return new Function(`${CONSOLE_JS_CHART}\nreturn { estimateQuantile, statsPoint };`)();
}

const EMPTY = { bounds: [0.001, 0.01, 0.1], cumulative: [0, 0, 0], count: 0, sum: 0 };

describe("operator console files", () => {
  it("GET /admin/ and /admin serve the shell without a token, with the CSP and no data", async () => {
    const server = await serve({ routes: [adminRoutes({ token: ADMIN_TOKEN })] });
    try {
      for (const path of ["/admin/", "/admin"]) {
        const res = await fetch(`${server.http}${path}`);
        const html = await res.text();
        assert.equal(res.status, 200, path);
        assert.equal(res.headers.get("content-type"), "text/html; charset=utf-8");
        assert.equal(res.headers.get("content-security-policy"), CONSOLE_CSP);
        assert.equal(res.headers.get("x-content-type-options"), "nosniff");
        assert.equal(res.headers.get("x-frame-options"), "DENY");
        assert.equal(res.headers.get("referrer-policy"), "no-referrer");
        assert.equal(res.headers.get("set-cookie"), null);
        assert.match(html, /<script defer src="\/admin\/console\/app\.js"><\/script>/);
        assert.equal(
          html.match(/<script/g)!.length,
          1,
          "one script tag, with src (no inline script)",
        );
        assert.doesNotMatch(html, /\sstyle=|<style|\son[a-z]+=|javascript:/i);
        assert.doesNotMatch(html, /https?:\/\//, "no external resource");
      }
      const js = await fetch(`${server.http}/admin/console/app.js`);
      const css = await fetch(`${server.http}/admin/console/app.css`);
      const head = await fetch(`${server.http}/admin/`, { method: "HEAD" });
      assert.equal(js.headers.get("content-type"), "text/javascript; charset=utf-8");
      assert.equal(await js.text(), CONSOLE_JS);
      assert.equal(css.headers.get("content-type"), "text/css; charset=utf-8");
      assert.match(await css.text(), /table/);
      assert.equal(head.status, 200);
      assert.equal(await head.text(), "");
    } finally {
      await server.stop();
    }
  });

  it("the CSP allows only same-origin files: no inline code, framing, forms or other origins", () => {
    const directives = new Map(
      CONSOLE_CSP.split(";").map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k!, v]),
    );
    assert.deepEqual(directives.get("default-src"), ["'none'"]);
    assert.deepEqual(directives.get("script-src"), ["'self'"]);
    assert.deepEqual(directives.get("style-src"), ["'self'"]);
    assert.deepEqual(directives.get("connect-src"), ["'self'"]);
    assert.deepEqual(directives.get("frame-ancestors"), ["'none'"]);
    assert.deepEqual(directives.get("form-action"), ["'none'"]);
    assert.deepEqual(directives.get("base-uri"), ["'none'"]);
  });

  it("is off with the admin API (no token), and with console: false", async () => {
    const off = await serve({ routes: [adminRoutes({ token: undefined })] });
    const noConsole = await serve({
      routes: [adminRoutes({ token: ADMIN_TOKEN, console: false })],
    });
    try {
      const a = await fetch(`${off.http}/admin/`);
      const b = await fetch(`${off.http}/admin/console/app.js`);
      const c = await fetch(`${noConsole.http}/admin/`);
      assert.equal(a.status, 404);
      assert.equal(b.status, 404);
      assert.equal(c.status, 401, "only the API remains, behind the token");
      await Promise.all([a, b, c].map((r) => r.body?.cancel()));
    } finally {
      await off.stop();
      await noConsole.stop();
    }
  });

  it("other methods and unknown console paths still need the token", async () => {
    const server = await serve({ routes: [adminRoutes({ token: ADMIN_TOKEN })] });
    try {
      const post = await fetch(`${server.http}/admin/`, { method: "POST" });
      const other = await fetch(`${server.http}/admin/console/other.js`);
      assert.equal(post.status, 401);
      assert.equal(other.status, 401);
      await Promise.all([post, other].map((r) => r.body?.cancel()));
    } finally {
      await server.stop();
    }
  });

  it("the script parses, inserts data only as text and talks only to its own origin", () => {
    new Function(CONSOLE_JS); // a syntax error throws
    for (const part of CONSOLE_JS_PARTS) {
      assert.doesNotMatch(part, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|srcdoc/);
      assert.doesNotMatch(part, /\beval\(|new Function|setTimeout\("|import\(/);
      assert.doesNotMatch(part, /document\.cookie|localStorage/, "token in sessionStorage only");
      assert.doesNotMatch(part, /https?:\/\/(?!www\.w3\.org\/2000\/svg")/, "no other origin");
    }
    assert.match(CONSOLE_JS, /credentials: "omit"/);
  });

  it("estimates quantiles from bucket deltas like histogram_quantile", () => {
    const { estimateQuantile } = chartFunctions();
    const prev = { bounds: [1, 2, 5], cumulative: [4, 4, 4], count: 4, sum: 2 };
    const cur = { bounds: [1, 2, 5], cumulative: [4, 14, 14], count: 14, sum: 20 };
    const over = { bounds: [1, 2, 5], cumulative: [4, 4, 4], count: 6, sum: 40 };

    assert.equal(estimateQuantile(0.5, prev, cur), 1.5, "10 new in (1, 2]: the median is halfway");
    assert.equal(estimateQuantile(1, prev, cur), 2);
    assert.equal(estimateQuantile(0.5, prev, over), 5, "beyond the last bound: the last bound");
    assert.equal(estimateQuantile(0.5, prev, prev), null, "nothing new: no value");
  });

  it("the estimate from a real Histogram falls in the bucket of the true quantile", () => {
    const { estimateQuantile, statsPoint } = chartFunctions();
    const h = new Histogram("t_seconds", "test");
    const before = h.snapshot();
    const values = Array.from({ length: 1000 }, (_, i) => 0.0005 + (i % 100) * 0.0004); // 0.5–40 ms
    for (const v of values) h.observe(v);
    const after = h.snapshot();
    const sorted = [...values].sort((a, b) => a - b);

    for (const q of [0.5, 0.99]) {
      const truth = sorted[Math.ceil(q * sorted.length) - 1]!;
      const upper = after.bounds.find((b) => truth <= b)!;
      const lower = after.bounds[after.bounds.indexOf(upper) - 1] ?? 0;
      const estimate = estimateQuantile(q, before, after)!;
      assert.ok(
        estimate > lower && estimate <= upper,
        `q${q}: ${estimate} in (${lower}, ${upper}]`,
      );
    }
    const point = statsPoint(
      { now: 0, pushes: before, commits: EMPTY },
      { now: 2000, pushes: after, commits: { ...EMPTY, count: 10 } },
    )!;
    assert.equal(point["pushes"], 500);
    assert.equal(point["commits"], 5);
    assert.ok(point["p50"]! > point["p99"]! / 10 && point["p50"]! < point["p99"]!);
    assert.equal(
      statsPoint({ now: 5, pushes: before, commits: EMPTY }, {
        now: 5,
        pushes: after,
        commits: EMPTY,
      }),
      null,
    );
  });

  it("the default server (mod.ts) serves it only with TLSYNC_ADMIN_TOKEN, not with TLSYNC_ADMIN_CONSOLE=0", async () => {
    const dir = tempDir("tlsync-console-");
    const env = (name: string, extra: Record<string, string>) => ({
      TLSYNC_DATA: dir.file(`${name}.kv.sqlite3`),
      ...extra,
    });
    const started = await Promise.allSettled([
      startServerProcess(env("on", { TLSYNC_ADMIN_TOKEN: ADMIN_TOKEN })),
      startServerProcess(env("off", {})),
      startServerProcess(
        env("api", { TLSYNC_ADMIN_TOKEN: ADMIN_TOKEN, TLSYNC_ADMIN_CONSOLE: "0" }),
      ),
    ]);
    try {
      const [on, off, api] = started.map((s) => {
        if (s.status === "rejected") throw s.reason;
        return `http://127.0.0.1:${s.value.port}`;
      });
      const auth = { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } };
      const page = await fetch(`${on}/admin/`);
      const stats = await fetch(`${on}/admin/stats`, auth);
      const none = await fetch(`${off}/admin/`);
      const noStats = await fetch(`${off}/admin/stats`, auth);
      const apiOnly = await fetch(`${api}/admin/`);
      const apiStats = await fetch(`${api}/admin/stats`, auth);

      assert.equal(page.status, 200);
      assert.equal(page.headers.get("content-security-policy"), CONSOLE_CSP);
      assert.match(await page.text(), /tlsync console/);
      assert.equal(stats.status, 200);
      assert.equal(typeof ((await stats.json()) as { now: unknown }).now, "number");
      assert.equal(none.status, 404);
      assert.equal(noStats.status, 404);
      assert.equal(apiOnly.status, 401, "TLSYNC_ADMIN_CONSOLE=0: no page, the API answers");
      assert.equal(apiStats.status, 200);
      await Promise.all([none, noStats, apiOnly, apiStats].map((r) => r.body?.cancel()));
    } finally {
      for (const s of started) if (s.status === "fulfilled") await s.value.kill();
      dir.remove();
    }
  });
});
