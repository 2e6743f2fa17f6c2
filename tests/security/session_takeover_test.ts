// Session ids bound to their owner: with an authorized identity, only the same user may take a
// session id over; anyone else is refused with 4099 FORBIDDEN and the live session is untouched.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { TLRecord } from "@tldraw/tlschema";
import { waitFor } from "../helpers/memory_client.ts";
import { connectWsClient } from "../helpers/official_ws_client.ts";
import { connectRaw, openRaw } from "../helpers/raw_client.ts";
import { geoShape, presence } from "../helpers/records.ts";
import { serve } from "../helpers/serve.ts";
import { assertStillSyncs, pushResult, userFromUrl } from "./_security_helpers.ts";

describe("session takeover", () => {
  it("another user (or nobody) reusing a session id is refused; the owner keeps syncing", async () => {
    const server = await serve({ authorize: userFromUrl });
    try {
      const alice = await connectRaw(`${server.ws}/connect/t?sessionId=s1&user=alice`);
      const peer = await connectRaw(`${server.ws}/connect/t?sessionId=s2&user=bob`);
      alice.send({
        type: "push",
        clientClock: 1,
        presence: ["put", presence("instance_presence:x", 5, 5)],
      });
      await pushResult(alice, 1);

      const mallory = await openRaw(`${server.ws}/connect/t?sessionId=s1&user=mallory`);
      const malloryClosed = await mallory.closed;
      const anonymous = await openRaw(`${server.ws}/connect/t?sessionId=s1`);
      const anonymousClosed = await anonymous.closed;
      await assertStillSyncs(alice, peer, "shape:from-alice");
      await assertStillSyncs(peer, alice, "shape:from-bob");
      const sessions = server.handler.server.registry.get("t")!.getSessions();

      assert.deepEqual(malloryClosed, { code: 4099, reason: "FORBIDDEN" });
      assert.deepEqual(anonymousClosed, { code: 4099, reason: "FORBIDDEN" });
      assert.deepEqual(sessions.map((s) => [s.sessionId, s.isConnected]).sort(), [
        ["s1", true],
        ["s2", true],
      ]);
      assert.equal(alice.ws.readyState, WebSocket.OPEN);
      alice.close();
      peer.close();
    } finally {
      await server.stop();
    }
  });

  it("the same user may take its session id over (a reconnect)", async () => {
    const server = await serve({ authorize: userFromUrl });
    try {
      const first = await connectRaw(`${server.ws}/connect/r?sessionId=s1&user=alice`);
      const peer = await connectRaw(`${server.ws}/connect/r?sessionId=s2&user=bob`);

      const second = await connectRaw(`${server.ws}/connect/r?sessionId=s1&user=alice`);
      const firstClosed = await first.closed;
      await assertStillSyncs(second, peer, "shape:after-takeover");

      assert.notEqual(firstClosed.code, 4099);
      second.close();
      peer.close();
    } finally {
      await server.stop();
    }
  });

  it("without identities any socket may take a session id over (as before)", async () => {
    const server = await serve();
    try {
      const first = await connectRaw(`${server.ws}/connect/anon?sessionId=s1`);
      const peer = await connectRaw(`${server.ws}/connect/anon?sessionId=s2`);

      const second = await connectRaw(`${server.ws}/connect/anon?sessionId=s1`);
      const firstClosed = await first.closed;
      await assertStillSyncs(second, peer, "shape:anon");

      assert.notEqual(firstClosed.code, 4099);
      second.close();
      peer.close();
    } finally {
      await server.stop();
    }
  });

  it("the stock client's reconnect under its own session id keeps working", async () => {
    const server = await serve({ authorize: userFromUrl });
    const a = connectWsClient(`${server.ws}/connect/stock?user=alice`, "sa");
    const b = connectWsClient(`${server.ws}/connect/stock?user=bob`, "sb");
    try {
      await Promise.all([a.loaded, b.loaded]);
      const room = server.handler.server.registry.get("stock")!;
      const connects = (): number =>
        Number(
          server.handler.server.metrics.render().match(/^tlsync_connections_total (\d+)$/m)?.[1],
        );
      const before = connects();

      room.handleSocketClose("sa"); // drop a's socket; its session waits out the grace period
      await waitFor(() => connects() > before, "a reconnects");
      a.store.put([geoShape("shape:after-reconnect") as TLRecord]);
      await waitFor(() => !!b.store.get("shape:after-reconnect" as never), "a's edit reaches b");

      assert.deepEqual([...a.errors, ...b.errors], []);
      assert.equal(room.getSessions().filter((s) => s.sessionId === "sa").length, 1);
    } finally {
      a.close();
      b.close();
      await server.stop();
    }
  });
});
