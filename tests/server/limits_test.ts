import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { connectRaw, openRaw } from "../helpers/raw_client.ts";
import { serve } from "../helpers/serve.ts";

describe("sync server limits", () => {
  it("an oversized frame closes that session with 4099 MESSAGE_TOO_LARGE; others keep working", async () => {
    const server = await serve({ limits: { maxMessageBytes: 10_000 } });
    try {
      const big = await connectRaw(`${server.ws}/connect/room?sessionId=big`);
      const ok = await connectRaw(`${server.ws}/connect/room?sessionId=ok`);

      big.send("x".repeat(20_000));
      ok.send({ type: "ping" });

      assert.deepEqual(await big.closed, { code: 4099, reason: "MESSAGE_TOO_LARGE" });
      await ok.next((m) => m["type"] === "pong", "pong for the other session");
      ok.close();
    } finally {
      await server.stop();
    }
  });

  it("a full room refuses with 4099 ROOM_FULL", async () => {
    const server = await serve({ limits: { maxSessionsPerRoom: 2 } });
    try {
      const a = await connectRaw(`${server.ws}/connect/room?sessionId=a`);
      const b = await connectRaw(`${server.ws}/connect/room?sessionId=b`);
      const c = await openRaw(`${server.ws}/connect/room?sessionId=c`);

      assert.deepEqual(await c.closed, { code: 4099, reason: "ROOM_FULL" });
      a.close();
      b.close();
    } finally {
      await server.stop();
    }
  });

  it("a flooding session is closed with 4099 RATE_LIMITED", async () => {
    const server = await serve({ limits: { maxMessagesPerSecond: 5, messageBurst: 10 } });
    try {
      const a = await connectRaw(`${server.ws}/connect/room?sessionId=a`);

      // connect took 1 token; the 10th ping is the 11th message. (Frames sent after the server's
      // close make Deno reset the connection instead of completing the close, so stop there.)
      for (let i = 0; i < 10; i++) a.send({ type: "ping" });

      assert.deepEqual(await a.closed, { code: 4099, reason: "RATE_LIMITED" });
    } finally {
      await server.stop();
    }
  });

  it("garbage frames close only the sender", async () => {
    const server = await serve();
    try {
      const bad = await connectRaw(`${server.ws}/connect/room?sessionId=bad`);
      const good = await connectRaw(`${server.ws}/connect/room?sessionId=good`);

      bad.send("{definitely not json");
      good.send({ type: "ping" });

      assert.deepEqual(await bad.closed, { code: 4099, reason: "UNKNOWN_ERROR" });
      await good.next((m) => m["type"] === "pong");
      good.close();
    } finally {
      await server.stop();
    }
  });
});
