// Admin API: closing rooms, kicking sessions and deleting rooms, with real WebSocket clients.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { adminRoutes } from "../../src/server/admin/admin_routes.ts";
import { MemoryStorageProvider } from "../../src/storage/memory_storage.ts";
import type { StorageProvider } from "../../src/storage/storage.ts";
import { admin, ADMIN_TOKEN } from "../helpers/admin_fetch.ts";
import { connectRaw } from "../helpers/raw_client.ts";
import { geoShape } from "../helpers/records.ts";
import { serve } from "../helpers/serve.ts";

const routes = [adminRoutes({ token: ADMIN_TOKEN })];

describe("admin API room lifecycle", () => {
  it("POST /admin/rooms/:id/close closes the room's sockets with 1012 and evicts it", async () => {
    const server = await serve({ routes });
    try {
      const a = await connectRaw(`${server.ws}/connect/closing?sessionId=a`);

      const reply = await admin(server, "POST", "/admin/rooms/closing/close");

      assert.equal(reply.status, 200);
      assert.equal(reply.body["closedSessions"], 1);
      assert.equal((await a.closed).code, 1012);
      assert.equal(server.handler.server.stats().rooms, 0);
      const again = await admin(server, "POST", "/admin/rooms/closing/close");
      assert.equal(again.status, 404);
    } finally {
      await server.stop();
    }
  });

  it("a client reconnecting after a close finds its edits (reloaded from storage)", async () => {
    const server = await serve({ routes });
    try {
      const a = await connectRaw(`${server.ws}/connect/reopen?sessionId=a`);
      a.send({ type: "push", clientClock: 1, diff: { "shape:r": ["put", geoShape("shape:r")] } });
      await a.next((m) => m["type"] === "push_result", "push_result");

      await admin(server, "POST", "/admin/rooms/reopen/close");
      await a.closed;
      const b = await connectRaw(`${server.ws}/connect/reopen?sessionId=b`);

      const connect = b.messages.find((m) => m["type"] === "connect")!;
      assert.ok("shape:r" in (connect["diff"] as object));
      b.close();
    } finally {
      await server.stop();
    }
  });

  it("DELETE /admin/rooms/:id/sessions/:sid closes one session; others stay", async () => {
    const server = await serve({ routes });
    try {
      const a = await connectRaw(`${server.ws}/connect/kick?sessionId=a`);
      const b = await connectRaw(`${server.ws}/connect/kick?sessionId=b`);

      const reply = await admin(server, "DELETE", "/admin/rooms/kick/sessions/a");
      const missing = await admin(server, "DELETE", "/admin/rooms/kick/sessions/zzz");

      assert.equal(reply.status, 200);
      await a.closed;
      b.send({ type: "ping" });
      await b.next((m) => m["type"] === "pong", "pong for b");
      assert.equal(missing.status, 404);
      const list = await admin(server, "GET", "/admin/rooms");
      const live = list.body["live"] as Record<string, unknown>[];
      assert.deepEqual(live.map((r) => [r["roomId"], r["sessions"], r["documentClock"]]), [[
        "kick",
        1,
        0,
      ]]);
      b.close();
    } finally {
      await server.stop();
    }
  });

  it("a kick with ?reason= closes with 4099 and that reason", async () => {
    const server = await serve({ routes });
    try {
      const a = await connectRaw(`${server.ws}/connect/kick2?sessionId=a`);

      await admin(server, "DELETE", "/admin/rooms/kick2/sessions/a?reason=FORBIDDEN");

      assert.deepEqual(await a.closed, { code: 4099, reason: "FORBIDDEN" });
    } finally {
      await server.stop();
    }
  });

  it("DELETE /admin/rooms/:id closes the room (4099 NOT_FOUND) and deletes it from storage", async () => {
    const storage = new MemoryStorageProvider();
    const server = await serve({ storage, routes });
    try {
      const a = await connectRaw(`${server.ws}/connect/doomed?sessionId=a`);
      a.send({ type: "push", clientClock: 1, diff: { "shape:d": ["put", geoShape("shape:d")] } });
      await a.next((m) => m["type"] === "push_result", "push_result");

      const reply = await admin(server, "DELETE", "/admin/rooms/doomed");

      assert.equal(reply.status, 200);
      assert.deepEqual(await a.closed, { code: 4099, reason: "NOT_FOUND" });
      assert.deepEqual(await storage.listRooms(), []);
      assert.equal((await admin(server, "GET", "/admin/rooms/doomed")).status, 404);
      assert.equal((await admin(server, "DELETE", "/admin/rooms/doomed")).status, 404);
    } finally {
      await server.stop();
    }
  });

  it("DELETE is 501 when the storage cannot delete rooms", async () => {
    const memory = new MemoryStorageProvider();
    const storage: StorageProvider = { openRoom: (id) => memory.openRoom(id) };
    const server = await serve({ storage, routes });
    try {
      const reply = await admin(server, "DELETE", "/admin/rooms/any");

      assert.equal(reply.status, 501);
      assert.equal(reply.body["error"], "not_implemented");
    } finally {
      await server.stop();
    }
  });
});
