import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { connectRaw } from "../helpers/raw_client.ts";
import { geoShape } from "../helpers/records.ts";
import { serve } from "../helpers/serve.ts";
import { MemoryStorageProvider } from "../../src/storage/memory_storage.ts";

describe("sync over real sockets", () => {
  it("a push from one client reaches the other as a patch and is committed", async () => {
    const server = await serve();
    try {
      const a = await connectRaw(`${server.ws}/connect/room?sessionId=a`);
      const b = await connectRaw(`${server.ws}/connect/room?sessionId=b`);

      a.send({ type: "push", clientClock: 1, diff: { "shape:1": ["put", geoShape("shape:1")] } });

      const result = await a.next((m) => m["type"] === "push_result", "push_result");
      const patch = await b.next((m) => m["type"] === "patch", "patch");
      assert.equal(result["action"], "commit");
      assert.deepEqual(Object.keys(patch["diff"] as object), ["shape:1"]);
      a.close();
      b.close();
    } finally {
      await server.stop();
    }
  });

  it("readonly sessions are told so and their edits are discarded", async () => {
    const server = await serve({
      authorize: (req) => ({ readonly: new URL(req.url).searchParams.has("view") }),
    });
    try {
      const r = await connectRaw(`${server.ws}/connect/room?sessionId=r&view=1`);
      const connect = r.messages.find((m) => m["type"] === "connect")!;

      r.send({ type: "push", clientClock: 1, diff: { "shape:1": ["put", geoShape("shape:1")] } });

      assert.equal(connect["isReadonly"], true);
      assert.equal((await r.next((m) => m["type"] === "push_result"))["action"], "discard");
      r.close();
    } finally {
      await server.stop();
    }
  });

  it("auth refusals close with 4099 and the reason; a throwing hook refuses with FORBIDDEN", async () => {
    const server = await serve({
      authorize: (req) => {
        const who = new URL(req.url).searchParams.get("who");
        if (who === "anon") return { refuse: "NOT_AUTHENTICATED" };
        if (who === "boom") throw new Error("auth backend down");
        return false;
      },
    });
    try {
      const { openRaw } = await import("../helpers/raw_client.ts");
      const anon = await openRaw(`${server.ws}/connect/room?sessionId=a&who=anon`);
      const boom = await openRaw(`${server.ws}/connect/room?sessionId=b&who=boom`);
      const other = await openRaw(`${server.ws}/connect/room?sessionId=c&who=x`);

      assert.deepEqual(await anon.closed, { code: 4099, reason: "NOT_AUTHENTICATED" });
      assert.deepEqual(await boom.closed, { code: 4099, reason: "FORBIDDEN" });
      assert.deepEqual(await other.closed, { code: 4099, reason: "FORBIDDEN" });
    } finally {
      await server.stop();
    }
  });

  it("an empty room is evicted after the grace period and reloads from storage", {
    timeout: 30_000,
  }, async () => {
    const storage = new MemoryStorageProvider();
    const server = await serve({ storage, roomGracePeriodMs: 50, clientTimeout: 20_000 });
    try {
      const a = await connectRaw(`${server.ws}/connect/evict?sessionId=a`);
      a.send({ type: "push", clientClock: 1, diff: { "shape:1": ["put", geoShape("shape:1")] } });
      await a.next((m) => m["type"] === "push_result");
      a.close();
      await a.closed;
      // 5 s presence grace, then the room's 50 ms grace (bounded wait).
      const deadline = Date.now() + 10_000;
      while (server.handler.server.stats().rooms > 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }

      const roomsAfter = server.handler.server.stats().rooms;
      const b = await connectRaw(`${server.ws}/connect/evict?sessionId=b`);

      assert.equal(roomsAfter, 0);
      const connect = b.messages.find((m) => m["type"] === "connect")!;
      assert.equal(connect["serverClock"], 1);
      assert.ok("shape:1" in (connect["diff"] as object));
      b.close();
    } finally {
      await server.stop();
    }
  });

  it("shutdown flushes rooms and closes sockets with 1001", async () => {
    const server = await serve();
    const a = await connectRaw(`${server.ws}/connect/room?sessionId=a`);

    await server.handler.close();

    assert.equal((await a.closed).code, 1001);
    await server.stop();
  });
});
