import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { captureLogger } from "../helpers/capture_logger.ts";
import { connectWsClient } from "../helpers/official_ws_client.ts";
import { connectRaw } from "../helpers/raw_client.ts";
import { geoShape } from "../helpers/records.ts";
import { serve } from "../helpers/serve.ts";

describe("fatal close reasons reach the client with frames in flight", () => {
  it("a client flooding frames sees 4099 RATE_LIMITED; others keep syncing", async () => {
    const server = await serve({ limits: { maxMessagesPerSecond: 5, messageBurst: 10 } });
    try {
      const flood = await connectRaw(`${server.ws}/connect/r?sessionId=flood`);
      const a = await connectRaw(`${server.ws}/connect/r?sessionId=a`);
      const b = await connectRaw(`${server.ws}/connect/r?sessionId=b`);
      // Far past the burst, in one go: most of these are in flight when the server closes.
      for (let i = 0; i < 300; i++) flood.send({ type: "ping" });
      assert.deepEqual(await flood.closed, { code: 4099, reason: "RATE_LIMITED" });
      a.send({ type: "push", clientClock: 1, diff: { "shape:1": ["put", geoShape("shape:1")] } });
      await b.next((m) => m["type"] === "patch", "patch after the flood");
      a.close();
      b.close();
    } finally {
      await server.stop();
    }
  });

  it("an oversize frame followed by more frames gives 4099 MESSAGE_TOO_LARGE", async () => {
    const server = await serve({ limits: { maxMessageBytes: 20_000 } });
    try {
      const big = await connectRaw(`${server.ws}/connect/r?sessionId=big`);
      const ok = await connectRaw(`${server.ws}/connect/r?sessionId=ok`);
      big.send("x".repeat(30_000));
      for (let i = 0; i < 50; i++) big.send({ type: "ping" });
      assert.deepEqual(await big.closed, { code: 4099, reason: "MESSAGE_TOO_LARGE" });
      ok.send({ type: "ping" });
      await ok.next((m) => m["type"] === "pong", "pong for the other session");
      ok.close();
    } finally {
      await server.stop();
    }
  });

  it("the official client stops for good after a fatal close instead of reconnecting", async () => {
    const logger = captureLogger();
    const server = await serve({ logger, limits: { maxMessagesPerSecond: 1, messageBurst: 4 } });
    try {
      const client = connectWsClient(`${server.ws}/connect/r`, "official");
      await client.loaded;
      // Edits in quick succession: pushes are in flight when the server closes.
      for (let i = 0; i < 200 && client.errors.length === 0; i++) {
        client.store.put([geoShape(`shape:${i}`) as never]);
        await new Promise((r) => setTimeout(r, 5));
      }
      const deadline = Date.now() + 10_000;
      while (client.errors.length === 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.deepEqual(client.errors, ["RATE_LIMITED"]);
      // Its reconnect backoff is at most 2 s: a reconnecting client would be back within 3 s.
      await new Promise((r) => setTimeout(r, 3000));
      // The stock adapter may reopen its socket (how often depends on timing), but the client
      // sends nothing on it: no second connect, no re-sent push, so no further refusal (before
      // the fix, on Deno it saw 1006 and reconnected and re-sent for ever).
      const joined = logger.lines.filter((l) => l.event === "session_joined").length;
      assert.equal(joined, 1, `${joined} connect handshakes`);
      const refused = logger.lines.filter((l) => l.event === "session_refused");
      assert.equal(refused.length, 1);
      assert.deepEqual(client.errors, ["RATE_LIMITED"]);
      client.close();
    } finally {
      await server.stop();
    }
  });
});
