import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { connectRaw, openRaw } from "../helpers/raw_client.ts";
import { serve } from "../helpers/serve.ts";

describe("sync server routes", () => {
  it("GET / says what this is, /health reports rooms and sessions, unknown paths 404", async () => {
    const server = await serve();
    try {
      const root = await fetch(`${server.http}/`);
      const health = await fetch(`${server.http}/health`);
      const missing = await fetch(`${server.http}/nope`);

      assert.match(await root.text(), /tldraw sync server/);
      assert.deepEqual(await health.json(), { ok: true, storage: "memory", rooms: 0, sessions: 0 });
      assert.equal(missing.status, 404);
      await missing.body?.cancel();
    } finally {
      await server.stop();
    }
  });

  it("a plain GET on /connect/:room gets 426", async () => {
    const server = await serve();
    try {
      const res = await fetch(`${server.http}/connect/r1`);

      assert.equal(res.status, 426);
      await res.body?.cancel();
    } finally {
      await server.stop();
    }
  });

  it("an invalid room id is accepted and then closed with 4099 NOT_FOUND", async () => {
    const server = await serve();
    try {
      const c = await openRaw(`${server.ws}/connect/${encodeURIComponent("bad id!")}?sessionId=s`);

      assert.deepEqual(await c.closed, { code: 4099, reason: "NOT_FOUND" });
    } finally {
      await server.stop();
    }
  });

  it("/api/connect/:room works like /connect/:room and binary frames are accepted", async () => {
    const server = await serve();
    try {
      const c = await connectRaw(`${server.ws}/api/connect/r2?sessionId=s`);
      c.ws.send(new TextEncoder().encode(JSON.stringify({ type: "ping" })));

      await c.next((m) => m["type"] === "pong", "pong");
      c.close();
      await c.closed;
    } finally {
      await server.stop();
    }
  });
});
