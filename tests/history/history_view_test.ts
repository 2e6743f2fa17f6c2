// Readonly views of a room's past over real sockets: `/connect/<room>?at=<clock>` with a ticket
// from the admin API (or an authorize answer with history: true) opens the room as it was, in a
// stock TLSyncClient; pushes are refused; it does not follow the live room.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { adminRoutes } from "../../src/server/admin/admin_routes.ts";
import { admin, ADMIN_TOKEN } from "../helpers/admin_fetch.ts";
import { waitFor } from "../helpers/memory_client.ts";
import { connectWsClient } from "../helpers/official_ws_client.ts";
import { connectRaw, openRaw, type RawClient } from "../helpers/raw_client.ts";
import { geoShape, serverSchema } from "../helpers/records.ts";
import { serve, type Served } from "../helpers/serve.ts";

const routes = [adminRoutes({ token: ADMIN_TOKEN })];

async function push(c: RawClient, clientClock: number, diff: unknown): Promise<number> {
  c.send({ type: "push", clientClock, diff });
  const r = await c.next((m) => m["type"] === "push_result" && m["clientClock"] === clientClock);
  return r["serverClock"] as number;
}

async function ticketPath(server: Served, room: string, clock: number): Promise<string> {
  const reply = await admin(server, "POST", `/admin/rooms/${room}/history/${clock}/ticket`);
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  return reply.body["path"] as string;
}

async function closeOf(url: string): Promise<{ code: number; reason: string }> {
  const c = await openRaw(url);
  c.send({
    type: "connect",
    connectRequestId: "q",
    lastServerClock: -1,
    protocolVersion: 8,
    schema: serverSchema,
  });
  return await c.closed;
}

describe("history views (?at=)", () => {
  it("a stock client sees the room at the clock, readonly, unaffected by the live room", async () => {
    const server = await serve({ routes });
    try {
      const w = await connectRaw(`${server.ws}/connect/v1?sessionId=w`);
      const past = await push(w, 1, { "shape:old": ["put", geoShape("shape:old")] });
      await push(w, 2, { "shape:old": ["remove"], "shape:new": ["put", geoShape("shape:new")] });
      const path = await ticketPath(server, "v1", past);
      assert.ok(!path.includes(ADMIN_TOKEN));
      const view = connectWsClient(`${server.ws}${path}`, "viewer");
      await view.loaded;
      assert.ok(view.store.get("shape:old" as never));
      assert.equal(view.store.get("shape:new" as never), undefined);
      // The live room moves on; the view does not.
      await push(w, 3, { "shape:later": ["put", geoShape("shape:later")] });
      // A raw readonly push on the view is not applied.
      const raw = await connectRaw(`${server.ws}${path}&sessionId=raw`);
      raw.send({
        type: "push",
        clientClock: 1,
        diff: { "shape:x": ["put", geoShape("shape:x")] },
      });
      const result = await raw.next((m) => m["type"] === "push_result");
      assert.equal(result["action"], "discard");
      const again = connectWsClient(`${server.ws}${path}`, "viewer2");
      await again.loaded;
      assert.equal(again.store.get("shape:later" as never), undefined);
      assert.equal(again.store.get("shape:x" as never), undefined);
      assert.ok(again.store.get("shape:old" as never));
      const live = await admin(server, "GET", "/admin/rooms/v1");
      const ids = (live.body["documents"] as { state: { id: string } }[]).map((d) => d.state.id);
      assert.ok(ids.includes("shape:later") && !ids.includes("shape:x"));
      assert.deepEqual([...view.errors, ...again.errors], []);
      view.close();
      again.close();
      raw.close();
      w.close();
    } finally {
      await server.stop();
    }
  });

  it("refuses without a ticket, with a wrong or foreign ticket, and for a clock not kept", async () => {
    const server = await serve({ routes });
    try {
      const w = await connectRaw(`${server.ws}/connect/v2?sessionId=w`);
      const c1 = await push(w, 1, { "shape:a": ["put", geoShape("shape:a")] });
      const c2 = await push(w, 2, { "shape:b": ["put", geoShape("shape:b")] });
      const path = await ticketPath(server, "v2", c1);
      const ticket = new URL(`http://x${path}`).searchParams.get("ticket")!;
      const bad = [
        `/connect/v2?at=${c1}`,
        `/connect/v2?at=${c2}&ticket=${encodeURIComponent(ticket)}`,
        `/connect/v2?at=${c1}&ticket=${ticket.slice(0, -2)}AA`,
        `/connect/v2?at=${c1}&ticket=garbage`,
      ];
      for (const url of bad) {
        const closed = await closeOf(`${server.ws}${url}`);
        assert.deepEqual([closed.code, closed.reason], [4099, "FORBIDDEN"], url);
      }
      const missing = await ticketPath(server, "v2", 999);
      const closed = await closeOf(`${server.ws}${missing}`);
      assert.deepEqual([closed.code, closed.reason], [4099, "NOT_FOUND"]);
      for (const q of ["at=abc", "at=-1", "at=1.5", `at=1&ticket=${"x".repeat(200)}`]) {
        const res = await fetch(`${server.http}/connect/v2?${q}`, {
          headers: { upgrade: "websocket" },
        });
        await res.body?.cancel();
        assert.equal(res.status, 400, q);
      }
      w.close();
    } finally {
      await server.stop();
    }
  });

  it("authorize can allow views with history: true (readonly even if it says writable)", async () => {
    const server = await serve({
      authorize: (req) => ({ history: new URL(req.url).searchParams.get("sessionId") === "ok" }),
    });
    try {
      const w = await connectRaw(`${server.ws}/connect/v3?sessionId=w`);
      const c1 = await push(w, 1, { "shape:a": ["put", geoShape("shape:a")] });
      const view = await connectRaw(`${server.ws}/connect/v3?at=${c1}&sessionId=ok`);
      view.send({
        type: "push",
        clientClock: 1,
        diff: { "shape:z": ["put", geoShape("shape:z")] },
      });
      assert.equal((await view.next((m) => m["type"] === "push_result"))["action"], "discard");
      const no = await closeOf(`${server.ws}/connect/v3?at=${c1}&sessionId=nope`);
      assert.deepEqual([no.code, no.reason], [4099, "FORBIDDEN"]);
      view.close();
      w.close();
    } finally {
      await server.stop();
    }
  });
});
