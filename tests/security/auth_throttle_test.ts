// Audit F4: failed admin and metrics authentications are limited per client address (429 with
// Retry-After once over the limit, a right token included) and logged at most once per address
// per minute with counts, over real HTTP from 127.0.0.1 with injected time. Audit F6a: every
// admin API answer carries Cache-Control: no-store and X-Content-Type-Options: nosniff.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { adminRoutes } from "../../src/server/admin/admin_routes.ts";
import { DEFAULT_AUTH_FAILURE_LIMIT } from "../../src/server/auth_gate.ts";
import { FAILURE_LOG_INTERVAL_MS, FailureLog } from "../../src/server/failure_log.ts";
import { metricsRoute } from "../../src/server/metrics_route.ts";
import type { SyncServerOptions } from "../../src/server/server_options.ts";
import { FakeTime } from "../../src/testing/fake_time.ts";
import { admin, ADMIN_TOKEN } from "../helpers/admin_fetch.ts";
import { captureLogger } from "../helpers/capture_logger.ts";
import { serve, type Served } from "../helpers/serve.ts";

const LIMIT = { perMinute: 6, burst: 3 }; // one failure back every 10 s

async function withServer(
  options: SyncServerOptions,
  fn: (server: Served) => Promise<void>,
): Promise<void> {
  const server = await serve(options);
  try {
    await fn(server);
  } finally {
    await server.stop();
  }
}

function adminServer(time: FakeTime, logger = captureLogger()): SyncServerOptions {
  return {
    limitLocalhost: true,
    routes: [adminRoutes({ token: ADMIN_TOKEN, authFailureLimit: LIMIT, time, logger })],
  };
}

async function statuses(server: Served, n: number, token: string | null): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    out.push((await admin(server, "GET", "/admin/rooms", { token })).status);
  }
  return out;
}

describe("failed admin authentications per address", () => {
  it("401 up to the burst, then 429 with Retry-After, even for the right token", async () => {
    const time = new FakeTime();
    await withServer(adminServer(time), async (server) => {
      const wrong = await statuses(server, LIMIT.burst, "guess");
      const over = await admin(server, "GET", "/admin/rooms", { token: "guess" });
      const right = await admin(server, "GET", "/admin/rooms");

      assert.deepEqual(wrong, [401, 401, 401]);
      assert.equal(over.status, 429);
      assert.equal(over.headers.get("retry-after"), "10");
      assert.equal(over.body["error"], "too_many_requests");
      assert.equal(right.status, 429);
    });
  });

  it("a failure is forgiven as time passes; the right token then works", async () => {
    const time = new FakeTime();
    await withServer(adminServer(time), async (server) => {
      await statuses(server, LIMIT.burst, "guess");

      time.tick(9_999);
      const early = await admin(server, "GET", "/admin/rooms");
      time.tick(1);
      const later = await admin(server, "GET", "/admin/rooms");

      assert.equal(early.status, 429);
      assert.equal(early.headers.get("retry-after"), "1");
      assert.equal(later.status, 200);
    });
  });

  it("successful requests never count against the limit", async () => {
    const time = new FakeTime();
    await withServer(adminServer(time), async (server) => {
      const ok = await statuses(server, LIMIT.burst * 3, ADMIN_TOKEN);

      assert.deepEqual(ok, Array(LIMIT.burst * 3).fill(200));
    });
  });

  it("localhost is not limited without limitLocalhost, like every per-address limit", async () => {
    const time = new FakeTime();
    const routes = [adminRoutes({ token: ADMIN_TOKEN, authFailureLimit: LIMIT, time })];
    await withServer({ routes }, async (server) => {
      const wrong = await statuses(server, LIMIT.burst * 3, "guess");

      assert.deepEqual(wrong, Array(LIMIT.burst * 3).fill(401));
    });
  });

  it("behind a trusted proxy each forwarded client has its own budget", async () => {
    const time = new FakeTime();
    const routes = [adminRoutes({ token: ADMIN_TOKEN, authFailureLimit: LIMIT, time })];
    await withServer({ routes, trustProxy: true }, async (server) => {
      const from = (address: string) =>
        fetch(`${server.http}/admin/rooms`, {
          headers: { authorization: "Bearer guess", "x-forwarded-for": address },
        }).then(async (r) => (await r.body?.cancel(), r.status));
      for (let i = 0; i < LIMIT.burst; i++) await from("203.0.113.1");

      const first = await from("203.0.113.1");
      const second = await from("203.0.113.2");

      assert.equal(first, 429);
      assert.equal(second, 401);
    });
  });

  it("logs admin_unauthorized once per address per minute, with counts", async () => {
    const time = new FakeTime();
    const logger = captureLogger();
    await withServer(adminServer(time, logger), async (server) => {
      await statuses(server, 10, "guess"); // 3 failures, then 7 refused
      const during = logger.lines.filter((l) => l.event === "admin_unauthorized").length;
      time.tick(FAILURE_LOG_INTERVAL_MS);
      await statuses(server, 1, "guess");

      const lines = logger.lines.filter((l) => l.event === "admin_unauthorized");
      assert.equal(during, 1);
      assert.deepEqual(lines.map((l) => [l.level, l.fields]), [
        [
          "warn",
          { method: "GET", path: "/admin/rooms", address: "127.0.0.1", failures: 1, refused: 0 },
        ],
        [
          "warn",
          { method: "GET", path: "/admin/rooms", address: "127.0.0.1", failures: 3, refused: 7 },
        ],
      ]);
    });
  });

  it("the default limit allows 20 failures at once", () => {
    assert.deepEqual(DEFAULT_AUTH_FAILURE_LIMIT, { perMinute: 20, burst: 20 });
  });
});

describe("failed metrics authentications per address", () => {
  it("401 up to the burst, then 429 with Retry-After; logged as metrics_unauthorized", async () => {
    const time = new FakeTime();
    const logger = captureLogger();
    const routes = [
      metricsRoute({ token: "metrics-token", authFailureLimit: LIMIT, time, logger }),
    ];
    await withServer({ routes, limitLocalhost: true }, async (server) => {
      const get = (token: string) =>
        fetch(`${server.http}/metrics`, { headers: { authorization: `Bearer ${token}` } })
          .then(async (r) => (await r.body?.cancel(), r));
      const wrong: number[] = [];
      for (let i = 0; i < LIMIT.burst; i++) wrong.push((await get("guess")).status);

      const over = await get("metrics-token");
      time.tick(10_000);
      const later = await get("metrics-token");

      assert.deepEqual(wrong, [401, 401, 401]);
      assert.equal(over.status, 429);
      assert.equal(over.headers.get("retry-after"), "10");
      assert.equal(later.status, 200);
      assert.deepEqual(
        logger.lines.map((l) => [l.event, l.fields["address"], l.fields["failures"]]),
        [["metrics_unauthorized", "127.0.0.1", 1]],
      );
    });
  });
});

describe("FailureLog", () => {
  it("requests of unknown or unlimited addresses share one line per interval", () => {
    const time = new FakeTime();
    const logger = captureLogger();
    const log = new FailureLog(logger, "x_unauthorized", time);

    for (let i = 0; i < 100; i++) log.note(undefined, "failure", {});
    time.tick(FAILURE_LOG_INTERVAL_MS);
    log.note(undefined, "failure", {});

    assert.deepEqual(logger.lines.map((l) => l.fields), [
      { address: null, failures: 1, refused: 0 },
      { address: null, failures: 100, refused: 0 },
    ]);
  });

  it("stays bounded under many addresses and reports what it drops", () => {
    const time = new FakeTime();
    const logger = captureLogger();
    const log = new FailureLog(logger, "x_unauthorized", time);
    for (let i = 0; i < 1000; i++) {
      log.note(`198.51.100.${i % 250}-${i}`, "failure", {});
      log.note(`198.51.100.${i % 250}-${i}`, "failure", {}); // one more, not yet logged
    }
    time.tick(FAILURE_LOG_INTERVAL_MS);

    for (let i = 0; i < 100; i++) log.note(`203.0.113.${i}`, "failure", {});

    const reported = logger.lines
      .filter((l) => String(l.fields["address"]).startsWith("198.51.100."))
      .reduce((sum, l) => sum + Number(l.fields["failures"]), 0);
    assert.ok(log.size <= 200, String(log.size));
    assert.equal(reported, 2000, "every failure of the dropped addresses was reported");
  });
});

describe("admin API response headers", () => {
  it("every API answer has Cache-Control: no-store and X-Content-Type-Options: nosniff", async () => {
    const time = new FakeTime();
    await withServer(adminServer(time), async (server) => {
      const replies = [
        await admin(server, "GET", "/admin/rooms"), // 200
        await admin(server, "GET", "/admin/stats"), // 200
        await admin(server, "GET", "/admin/nope"), // 404
        await admin(server, "POST", "/admin/rooms"), // 405
        await admin(server, "PATCH", "/admin/rooms/r1", { rawBody: "{nope" }), // 400
      ];
      for (let i = 0; i <= LIMIT.burst; i++) {
        replies.push(await admin(server, "GET", "/admin/rooms", { token: "guess" })); // 401 ×3, 429
      }

      assert.deepEqual(
        replies.map((r) => r.status).sort(),
        [200, 200, 400, 401, 401, 401, 404, 405, 429],
      );
      for (const reply of replies) {
        assert.equal(reply.headers.get("cache-control"), "no-store", String(reply.status));
        assert.equal(reply.headers.get("x-content-type-options"), "nosniff", String(reply.status));
      }
    });
  });

  it("the console's own files keep their own headers", async () => {
    const time = new FakeTime();
    await withServer(adminServer(time), async (server) => {
      const page = await fetch(`${server.http}/admin/`);
      await page.body?.cancel();

      assert.equal(page.status, 200);
      assert.equal(page.headers.get("cache-control"), "no-cache");
      assert.equal(page.headers.get("x-content-type-options"), "nosniff");
      assert.equal(page.headers.get("x-frame-options"), "DENY");
      assert.ok(page.headers.get("content-security-policy"));
    });
  });
});
