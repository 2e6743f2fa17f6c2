// GET /metrics over real HTTP with real WebSocket clients.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { metricsRoute } from "../../src/server/metrics_route.ts";
import { sampleValue, scrape } from "../helpers/admin_fetch.ts";
import { connectRaw } from "../helpers/raw_client.ts";
import { geoShape } from "../helpers/records.ts";
import { serve } from "../helpers/serve.ts";

describe("metrics route", () => {
  it("serves text/plain; version=0.0.4 that parses, with every tlsync family typed", async () => {
    const server = await serve({ routes: [metricsRoute()] });
    try {
      const res = await fetch(`${server.http}/metrics`);
      const text = await res.text();
      const { parseExposition } = await import("../helpers/admin_fetch.ts");

      const parsed = parseExposition(text);

      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
      assert.deepEqual(Object.fromEntries(parsed.types), {
        tlsync_rooms_live: "gauge",
        tlsync_sessions: "gauge",
        tlsync_connections_total: "counter",
        tlsync_messages_in_total: "counter",
        tlsync_messages_out_total: "counter",
        tlsync_bytes_in_total: "counter",
        tlsync_bytes_out_total: "counter",
        tlsync_push_duration_seconds: "histogram",
        tlsync_storage_commit_duration_seconds: "histogram",
        tlsync_rejected_total: "counter",
        tlsync_pushes_rejected_total: "counter",
        tlsync_storage_skipped_entries_total: "counter",
        tlsync_room_load_skipped_records_total: "counter",
      });
    } finally {
      await server.stop();
    }
  });

  it("counters, gauges and histograms move after a client connects and pushes", async () => {
    const server = await serve({ routes: [metricsRoute()] });
    try {
      const before = await scrape(server);
      const a = await connectRaw(`${server.ws}/connect/m?sessionId=a`);
      a.send({ type: "push", clientClock: 1, diff: { "shape:m": ["put", geoShape("shape:m")] } });
      await a.next((m) => m["type"] === "push_result", "push_result");

      const after = await scrape(server);

      const v = (p: typeof after, name: string): number => sampleValue(p, name) ?? NaN;
      assert.equal(v(before, "tlsync_connections_total"), 0);
      assert.equal(v(after, "tlsync_connections_total"), 1);
      assert.equal(v(after, "tlsync_rooms_live"), 1);
      assert.equal(v(after, "tlsync_sessions"), 1);
      assert.equal(v(after, "tlsync_messages_in_total"), 2);
      assert.ok(v(after, "tlsync_messages_out_total") >= 2);
      assert.ok(v(after, "tlsync_bytes_in_total") > 100);
      assert.ok(v(after, "tlsync_bytes_out_total") > 100);
      assert.equal(v(after, "tlsync_push_duration_seconds_count"), 1);
      assert.ok(v(after, "tlsync_storage_commit_duration_seconds_count") >= 1);
      a.close();
    } finally {
      await server.stop();
    }
  });

  it('rejected_total{reason="MESSAGE_TOO_LARGE"} counts an oversized frame', async () => {
    const server = await serve({
      routes: [metricsRoute()],
      limits: { maxMessageBytes: 1000 },
    });
    try {
      const a = await connectRaw(`${server.ws}/connect/big?sessionId=a`);
      a.send("x".repeat(5000));
      await a.closed;

      const after = await scrape(server);

      assert.equal(sampleValue(after, "tlsync_rejected_total", { reason: "MESSAGE_TOO_LARGE" }), 1);
      assert.equal(sampleValue(after, "tlsync_rejected_total", { reason: "RATE_LIMITED" }), 0);
    } finally {
      await server.stop();
    }
  });

  it("auth refusals count under their reason", async () => {
    const server = await serve({
      routes: [metricsRoute()],
      authorize: () => ({ refuse: "NOT_AUTHENTICATED" }),
    });
    try {
      const { openRaw } = await import("../helpers/raw_client.ts");
      const a = await openRaw(`${server.ws}/connect/r?sessionId=a`);
      await a.closed;

      const after = await scrape(server);

      assert.equal(sampleValue(after, "tlsync_rejected_total", { reason: "NOT_AUTHENTICATED" }), 1);
    } finally {
      await server.stop();
    }
  });

  it("with a token: 401 without it, 200 with it", async () => {
    const server = await serve({ routes: [metricsRoute({ token: "m-token" })] });
    try {
      const none = await fetch(`${server.http}/metrics`);
      await none.body?.cancel();

      const ok = await scrape(server, "m-token");

      assert.equal(none.status, 401);
      assert.match(none.headers.get("www-authenticate") ?? "", /^Bearer/);
      assert.ok(ok.samples.length > 0);
    } finally {
      await server.stop();
    }
  });
});
