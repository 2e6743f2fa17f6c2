// Admin history API over real HTTP and real sockets: list restore points, read the room at a
// clock, restore while clients are connected (they get a diff, nobody reconnects), undo it.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { adminRoutes } from "../../src/server/admin/admin_routes.ts";
import { MemoryStorageProvider } from "../../src/storage/memory_storage.ts";
import { admin, ADMIN_TOKEN } from "../helpers/admin_fetch.ts";
import { waitFor } from "../helpers/memory_client.ts";
import { connectWsClient } from "../helpers/official_ws_client.ts";
import { connectRaw, type RawClient } from "../helpers/raw_client.ts";
import { geoShape } from "../helpers/records.ts";
import { serve, type Served } from "../helpers/serve.ts";

const routes = [adminRoutes({ token: ADMIN_TOKEN })];

interface Point {
  clock: number;
  time: string;
  records: number;
  bytes: number;
  authors?: string[];
  kind: string;
}

async function push(c: RawClient, clientClock: number, diff: unknown): Promise<number> {
  c.send({ type: "push", clientClock, diff });
  const r = await c.next((m) => m["type"] === "push_result" && m["clientClock"] === clientClock);
  return r["serverClock"] as number;
}

async function points(server: Served, room: string, query = ""): Promise<Point[]> {
  const reply = await admin(server, "GET", `/admin/rooms/${room}/history${query}`);
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  return reply.body["points"] as Point[];
}

describe("admin history API", () => {
  it("lists every commit as a restore point, oldest first, with ISO times and authors", async () => {
    const server = await serve({
      routes,
      authorize: (req) => ({ userId: new URL(req.url).searchParams.get("sessionId") ?? "x" }),
    });
    try {
      const a = await connectRaw(`${server.ws}/connect/r1?sessionId=alice`);
      const c1 = await push(a, 1, { "shape:a": ["put", geoShape("shape:a")] });
      const c2 = await push(a, 2, { "shape:b": ["put", geoShape("shape:b")] });
      const list = await points(server, "r1");
      assert.deepEqual(list.map((p) => p.clock), [c1, c2]);
      for (const p of list) {
        assert.equal(p.kind, "commit");
        assert.equal(new Date(p.time).toISOString(), p.time);
        assert.deepEqual(p.authors, ["user:alice"]);
        assert.ok(p.bytes > 0);
      }
      assert.deepEqual(list.map((p) => p.records), [3, 4]); // document + page + shapes
      a.close();
    } finally {
      await server.stop();
    }
  });

  it("limit returns the newest N with truncated; bad limits and clocks are 400", async () => {
    const server = await serve({ routes });
    try {
      const a = await connectRaw(`${server.ws}/connect/r2?sessionId=a`);
      const clocks = [];
      for (let i = 0; i < 4; i++) {
        clocks.push(await push(a, i + 1, { [`shape:${i}`]: ["put", geoShape(`shape:${i}`)] }));
      }
      const reply = await admin(server, "GET", "/admin/rooms/r2/history?limit=2");
      assert.equal(reply.body["truncated"], true);
      assert.deepEqual((reply.body["points"] as Point[]).map((p) => p.clock), clocks.slice(2));
      const all = await admin(server, "GET", "/admin/rooms/r2/history?limit=10");
      assert.equal(all.body["truncated"], false);
      for (const bad of ["0", "10001", "abc", "1.5", "-1", ""]) {
        const r = await admin(server, "GET", `/admin/rooms/r2/history?limit=${bad}`);
        assert.equal(r.status, 400, `limit=${bad}`);
      }
      for (const bad of ["abc", "1.5", "-1", "1e3", "99999999999999999"]) {
        const r = await admin(server, "GET", `/admin/rooms/r2/history/${bad}`);
        assert.equal(r.status, 400, `clock ${bad}`);
        assert.equal(r.body["error"], "bad_request");
      }
      a.close();
    } finally {
      await server.stop();
    }
  });

  it("GET history/:clock is the room at that clock; 404 for a clock not kept or a room", async () => {
    const server = await serve({ routes });
    try {
      const a = await connectRaw(`${server.ws}/connect/r3?sessionId=a`);
      const c1 = await push(a, 1, { "shape:a": ["put", geoShape("shape:a")] });
      await push(a, 2, { "shape:a": ["remove"], "shape:b": ["put", geoShape("shape:b")] });
      const at = await admin(server, "GET", `/admin/rooms/r3/history/${c1}`);
      assert.equal(at.status, 200);
      const ids = (at.body["documents"] as { state: { id: string } }[]).map((d) => d.state.id);
      assert.deepEqual(ids.sort(), ["document:document", "page:page", "shape:a"]);
      assert.equal(at.body["documentClock"], c1);
      assert.equal((await admin(server, "GET", "/admin/rooms/r3/history/999")).status, 404);
      assert.equal((await admin(server, "GET", "/admin/rooms/nope/history")).status, 404);
      assert.equal(
        (await admin(server, "GET", "/admin/rooms/r3/history/1", { token: null })).status,
        401,
      );
      assert.equal(
        (await admin(server, "GET", "/admin/rooms/r3/history", { token: "bad" })).status,
        401,
      );
      assert.equal(
        (await admin(server, "POST", "/admin/rooms/r3/restore", { token: null, body: { at: 1 } }))
          .status,
        401,
      );
      a.close();
    } finally {
      await server.stop();
    }
  });

  it("restore reaches two connected official clients as a diff, and can be undone", async () => {
    let joins = 0;
    const server = await serve({ routes });
    server.handler.server.events.on("session_joined", () => joins++);
    try {
      const writer = await connectRaw(`${server.ws}/connect/r4?sessionId=w`);
      const good = await push(writer, 1, { "shape:keep": ["put", geoShape("shape:keep")] });
      await push(writer, 2, {
        "shape:keep": ["remove"],
        "shape:vandal": ["put", geoShape("shape:vandal", 50, 50)],
      });
      const one = connectWsClient(`${server.ws}/connect/r4`, "one");
      const two = connectWsClient(`${server.ws}/connect/r4`, "two");
      await Promise.all([one.loaded, two.loaded]);
      const joinsBefore = joins;
      assert.ok(one.store.get("shape:vandal" as never));

      const reply = await admin(server, "POST", "/admin/rooms/r4/restore", { body: { at: good } });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.equal(reply.body["restoredFrom"], good);
      const restoreClock = reply.body["clock"] as number;
      assert.ok(restoreClock > good);
      for (const c of [one, two]) {
        await waitFor(() => !!c.store.get("shape:keep" as never), "restored shape");
        await waitFor(() => !c.store.get("shape:vandal" as never), "vandal gone");
      }
      // The restore is itself a restore point; restoring the clock before it undoes it.
      const list = await points(server, "r4");
      assert.equal(list.at(-1)!.clock, restoreClock);
      const undo = await admin(server, "POST", "/admin/rooms/r4/restore", {
        body: { at: String(restoreClock - 1) },
      });
      assert.equal(undo.status, 200, JSON.stringify(undo.body));
      for (const c of [one, two]) {
        await waitFor(() => !!c.store.get("shape:vandal" as never), "vandal back");
        await waitFor(() => !c.store.get("shape:keep" as never), "keep gone again");
      }
      assert.equal(joins, joinsBefore, "no client reconnected");
      assert.deepEqual([...one.errors, ...two.errors], []);
      one.close();
      two.close();
      writer.close();
    } finally {
      await server.stop();
    }
  });

  it("restore by ISO time picks the newest point at or before it; bad bodies are 400/413", async () => {
    const server = await serve({ routes });
    try {
      const a = await connectRaw(`${server.ws}/connect/r5?sessionId=a`);
      const c1 = await push(a, 1, { "shape:a": ["put", geoShape("shape:a")] });
      const list = await points(server, "r5");
      const when = list.find((p) => p.clock === c1)!.time;
      const reply = await admin(server, "POST", "/admin/rooms/r5/restore", { body: { at: when } });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.equal(reply.body["restoredFrom"], c1);
      const early = await admin(server, "POST", "/admin/rooms/r5/restore", {
        body: { at: "2000-01-01T00:00:00Z" },
      });
      assert.equal(early.status, 404);
      for (const body of [{}, { at: "yesterday" }, { at: -1 }, { at: 1.5 }, { at: null }, []]) {
        const r = await admin(server, "POST", "/admin/rooms/r5/restore", { body });
        assert.equal(r.status, 400, JSON.stringify(body));
      }
      const big = await admin(server, "POST", "/admin/rooms/r5/restore", {
        rawBody: JSON.stringify({ at: 1, pad: "x".repeat(2000) }),
      });
      assert.equal(big.status, 413);
      assert.equal(
        (await admin(server, "POST", "/admin/rooms/r5/restore", { body: { at: 999 } })).status,
        404,
      );
      a.close();
    } finally {
      await server.stop();
    }
  });

  it("a provider without history answers 404 on the history endpoints", async () => {
    const server = await serve({ routes, storage: new MemoryStorageProvider({ history: false }) });
    try {
      const a = await connectRaw(`${server.ws}/connect/r6?sessionId=a`);
      await push(a, 1, { "shape:a": ["put", geoShape("shape:a")] });
      const r = await admin(server, "GET", "/admin/rooms/r6/history");
      assert.equal(r.status, 404);
      assert.match(String(r.body["message"]), /No history/);
      a.close();
    } finally {
      await server.stop();
    }
  });
});
