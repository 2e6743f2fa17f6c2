// Admin API: listing, reading and editing rooms over real HTTP, with real WebSocket clients.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { TLRecord } from "@tldraw/tlschema";
import { adminRoutes } from "../../src/server/admin/admin_routes.ts";
import type { RoomSnapshot } from "../../src/storage/storage.ts";
import { MemoryStorageProvider } from "../../src/storage/memory_storage.ts";
import { admin, ADMIN_TOKEN } from "../helpers/admin_fetch.ts";
import { waitFor } from "../helpers/memory_client.ts";
import { connectWsClient } from "../helpers/official_ws_client.ts";
import { connectRaw } from "../helpers/raw_client.ts";
import { geoShape, serverSchema } from "../helpers/records.ts";
import { serve } from "../helpers/serve.ts";

const routes = [adminRoutes({ token: ADMIN_TOKEN })];

async function storedIds(storage: MemoryStorageProvider, roomId: string): Promise<string[]> {
  const snapshot = await (await storage.openRoom(roomId)).load();
  return (snapshot?.documents ?? []).map((d) => d.state.id).sort();
}

describe("admin API rooms", () => {
  it("GET /admin/rooms lists live rooms with session counts and stored room ids", async () => {
    const storage = new MemoryStorageProvider();
    await (await storage.openRoom("stored-only")).commit({
      documentClock: 0,
      tombstoneHistoryStartsAtClock: 0,
      schema: { schemaVersion: 2, sequences: {} },
      replace: true,
      puts: [],
      deletes: {},
      prunedTombstones: [],
    });
    const server = await serve({ storage, routes });
    try {
      const a = await connectRaw(`${server.ws}/connect/live?sessionId=a`);
      const b = await connectRaw(`${server.ws}/connect/live?sessionId=b`);

      const reply = await admin(server, "GET", "/admin/rooms");

      assert.equal(reply.status, 200);
      const live = reply.body["live"] as { roomId: string; sessions: number }[];
      assert.deepEqual(live.map((r) => [r.roomId, r.sessions]), [["live", 2]]);
      assert.deepEqual(reply.body["stored"], ["live", "stored-only"]);
      a.close();
      b.close();
    } finally {
      await server.stop();
    }
  });

  it("GET /admin/rooms/:id returns the snapshot of a room a client edited", async () => {
    const server = await serve({ routes });
    try {
      const a = await connectRaw(`${server.ws}/connect/edited?sessionId=a`);
      a.send({ type: "push", clientClock: 1, diff: { "shape:e": ["put", geoShape("shape:e")] } });
      await a.next((m) => m["type"] === "push_result", "push_result");

      const reply = await admin(server, "GET", "/admin/rooms/edited");

      assert.equal(reply.status, 200);
      const snapshot = reply.body as unknown as RoomSnapshot;
      assert.ok(snapshot.documents.some((d) => d.state.id === "shape:e"));
      assert.equal(snapshot.documentClock, 1);
      a.close();
    } finally {
      await server.stop();
    }
  });

  it("GET /admin/rooms/:id loads a stored room without pinning it, and 404s an unknown one", async () => {
    const storage = new MemoryStorageProvider();
    const server = await serve({ storage, routes, roomGracePeriodMs: 0 });
    try {
      const a = await connectRaw(`${server.ws}/connect/cold?sessionId=a`);
      a.send({ type: "push", clientClock: 1, diff: { "shape:c": ["put", geoShape("shape:c")] } });
      await a.next((m) => m["type"] === "push_result", "push_result");
      await admin(server, "POST", "/admin/rooms/cold/close");

      const cold = await admin(server, "GET", "/admin/rooms/cold");
      const missing = await admin(server, "GET", "/admin/rooms/never-made");

      assert.equal(cold.status, 200);
      const snapshot = cold.body as unknown as RoomSnapshot;
      assert.ok(snapshot.documents.some((d) => d.state.id === "shape:c"));
      await waitFor(() => server.handler.server.stats().rooms === 0, "the loaded room is evicted");
      assert.equal(missing.status, 404);
      assert.equal(missing.body["error"], "not_found");
      assert.deepEqual(await storage.listRooms(), ["cold"]);
    } finally {
      await server.stop();
    }
  });

  it("PATCH put reaches connected clients and is in storage before the 200", async () => {
    const storage = new MemoryStorageProvider();
    const server = await serve({ storage, routes });
    const official = connectWsClient(`${server.ws}/connect/patched`, "official");
    try {
      const raw = await connectRaw(`${server.ws}/connect/patched?sessionId=raw`);
      await official.loaded;

      const reply = await admin(server, "PATCH", "/admin/rooms/patched", {
        body: { put: [geoShape("shape:p", 10, 20)] },
      });

      assert.equal(reply.status, 200);
      assert.equal(reply.body["ok"], true);
      assert.ok((await storedIds(storage, "patched")).includes("shape:p"));
      const patch = await raw.next(
        (m) => m["type"] === "patch" && "shape:p" in (m["diff"] as object),
        "patch with shape:p",
      );
      assert.equal((patch["diff"] as Record<string, unknown[]>)["shape:p"]![0], "put");
      await waitFor(() => !!official.store.get("shape:p" as never), "official client store");
      assert.deepEqual(official.errors, []);
      raw.close();
    } finally {
      official.close();
      await server.stop();
    }
  });

  it("PATCH remove deletes records; an invalid record is 400 and changes nothing", async () => {
    const storage = new MemoryStorageProvider();
    const server = await serve({ storage, routes });
    try {
      await admin(server, "PUT", "/admin/rooms/p2", { body: { documents: [] } });
      await admin(server, "PATCH", "/admin/rooms/p2", {
        body: { put: [geoShape("shape:a"), geoShape("shape:b")] },
      });

      const removed = await admin(server, "PATCH", "/admin/rooms/p2", {
        body: { remove: ["shape:a"] },
      });
      const invalid = await admin(server, "PATCH", "/admin/rooms/p2", {
        body: { put: [geoShape("shape:c"), { ...geoShape("shape:bad"), x: "left" }] },
      });

      assert.equal(removed.status, 200);
      assert.equal(invalid.status, 400);
      assert.equal(invalid.body["error"], "invalid_record");
      assert.match(String(invalid.body["message"]), /shape:bad/);
      assert.deepEqual(await storedIds(storage, "p2"), ["shape:b"]);
    } finally {
      await server.stop();
    }
  });

  it("PUT replaces every document; connected clients see the replacement", async () => {
    const storage = new MemoryStorageProvider();
    const server = await serve({ storage, routes });
    try {
      const a = await connectRaw(`${server.ws}/connect/replaced?sessionId=a`);
      a.send({
        type: "push",
        clientClock: 1,
        diff: { "shape:old": ["put", geoShape("shape:old")] },
      });
      await a.next((m) => m["type"] === "push_result", "push_result");
      const replacement = {
        documents: [
          { state: geoShape("shape:new"), lastChangedClock: 0 },
          { state: { id: "page:page", typeName: "page", name: "P", index: "a1", meta: {} } },
        ],
        schema: serverSchema,
      };

      const reply = await admin(server, "PUT", "/admin/rooms/replaced", { body: replacement });

      assert.equal(reply.status, 200);
      assert.deepEqual(await storedIds(storage, "replaced"), ["page:page", "shape:new"]);
      const patch = await a.next(
        (m) => m["type"] === "patch" && "shape:new" in (m["diff"] as object),
        "replacement patch",
      );
      assert.equal((patch["diff"] as Record<string, unknown[]>)["shape:old"]![0], "remove");
      a.close();
    } finally {
      await server.stop();
    }
  });
});
