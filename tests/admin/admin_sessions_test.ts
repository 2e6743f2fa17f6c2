// GET /admin/rooms/:id/sessions and GET /admin/stats over real HTTP and WebSockets.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { adminRoutes } from "../../src/server/admin/admin_routes.ts";
import type { AdminStats } from "../../src/server/admin/admin_stats.ts";
import type { AuthorizeResult } from "../../src/server/authorize.ts";
import { MemoryStorageProvider } from "../../src/storage/memory_storage.ts";
import { admin, ADMIN_TOKEN } from "../helpers/admin_fetch.ts";
import { captureLogger } from "../helpers/capture_logger.ts";
import { connectRaw, type RawClient } from "../helpers/raw_client.ts";
import { geoShape } from "../helpers/records.ts";
import { serve } from "../helpers/serve.ts";

const routes = [adminRoutes({ token: ADMIN_TOKEN })];
const HOSTILE_NAME = `<img src=x onerror="alert(1)">&amp;\u202e`;

/** `?user=` names the user; `?ro=1` makes the session readonly. */
function identityFromUrl(req: Request): AuthorizeResult {
  const url = new URL(req.url);
  const user = url.searchParams.get("user");
  if (!user) return true;
  return {
    userId: user,
    userName: user === "mallory" ? HOSTILE_NAME : user.toUpperCase(),
    readonly: url.searchParams.get("ro") === "1",
  };
}

async function push(client: RawClient, clock: number, id: string): Promise<void> {
  client.send({ type: "push", clientClock: clock, diff: { [id]: ["put", geoShape(id)] } });
  await client.next(
    (m) => m["type"] === "push_result" && m["clientClock"] === clock,
    "push_result",
  );
}

describe("admin sessions and stats", () => {
  it("both need the token: 401 without it or with a wrong one", async () => {
    const server = await serve({ routes });
    try {
      for (const path of ["/admin/rooms/r/sessions", "/admin/stats"]) {
        const none = await admin(server, "GET", path, { token: null });
        const wrong = await admin(server, "GET", path, { token: "wrong" });
        assert.equal(none.status, 401, path);
        assert.equal(wrong.status, 401, path);
        assert.equal(none.body["error"], "unauthorized");
      }
    } finally {
      await server.stop();
    }
  });

  it("lists each session with identity, readonly, address, open time, bytes and state", async () => {
    const server = await serve({ routes, authorize: identityFromUrl });
    try {
      const before = Date.now();
      const alice = await connectRaw(`${server.ws}/connect/s1?sessionId=a&user=alice`);
      const mallory = await connectRaw(`${server.ws}/connect/s1?sessionId=m&user=mallory&ro=1`);
      const anon = await connectRaw(`${server.ws}/connect/s1?sessionId=z`);
      await push(alice, 1, "shape:one");

      const reply = await admin(server, "GET", "/admin/rooms/s1/sessions");

      assert.equal(reply.status, 200);
      assert.equal(reply.body["roomId"], "s1");
      assert.equal(reply.body["live"], true);
      assert.equal(reply.body["truncated"], undefined);
      const room = server.handler.server.registry.get("s1")!;
      assert.equal(reply.body["documentClock"], room.getDocumentClock());
      assert.equal(reply.body["records"], room.getSize().records);
      assert.equal(reply.body["bytes"], room.getSize().bytes);
      const sessions = reply.body["sessions"] as Record<string, unknown>[];
      assert.deepEqual(sessions.map((s) => s["sessionId"]).sort(), ["a", "m", "z"]);
      const byId = new Map(sessions.map((s) => [s["sessionId"], s]));
      const a = byId.get("a")!;
      assert.deepEqual(
        {
          userId: a["userId"],
          userName: a["userName"],
          readonly: a["readonly"],
          state: a["state"],
        },
        { userId: "user:alice", userName: "ALICE", readonly: false, state: "live" },
      );
      assert.equal(a["address"], "127.0.0.1");
      const at = Date.parse(String(a["connectedAt"]));
      assert.ok(at >= before - 1000 && at <= Date.now(), `connectedAt ${a["connectedAt"]}`);
      assert.equal(new Date(at).toISOString(), a["connectedAt"]);
      assert.ok((a["bytesIn"] as number) > 200, `bytesIn ${a["bytesIn"]}`); // connect + push
      assert.ok((a["bytesOut"] as number) > (byId.get("z")!["bytesIn"] as number));
      assert.equal(byId.get("m")!["readonly"], true);
      assert.equal(byId.get("m")!["userName"], HOSTILE_NAME, "names are data, returned verbatim");
      assert.equal(byId.get("z")!["userId"], undefined);
      assert.equal(byId.get("z")!["userName"], undefined);
      for (const c of [alice, mallory, anon]) c.close();
    } finally {
      await server.stop();
    }
  });

  it("caps the list with ?limit= (truncated: true) and refuses a bad limit with 400", async () => {
    const server = await serve({ routes });
    try {
      const clients = [];
      for (const id of ["a", "b", "c"]) {
        clients.push(await connectRaw(`${server.ws}/connect/cap?sessionId=${id}`));
      }

      const two = await admin(server, "GET", "/admin/rooms/cap/sessions?limit=2");
      const bad = await Promise.all(
        ["0", "-1", "abc", "10001", "1e3", "99999999999"].map((limit) =>
          admin(server, "GET", `/admin/rooms/cap/sessions?limit=${limit}`)
        ),
      );

      assert.equal(two.status, 200);
      assert.equal((two.body["sessions"] as unknown[]).length, 2);
      assert.equal(two.body["truncated"], true);
      for (const reply of bad) {
        assert.equal(reply.status, 400);
        assert.equal(reply.body["error"], "bad_request");
      }
      for (const c of clients) c.close();
    } finally {
      await server.stop();
    }
  });

  it("a stored room not loaded has no sessions; an unknown room is 404", async () => {
    const storage = new MemoryStorageProvider();
    const server = await serve({ storage, routes });
    try {
      const client = await connectRaw(`${server.ws}/connect/kept?sessionId=a`);
      await push(client, 1, "shape:kept");
      const closed = await admin(server, "POST", "/admin/rooms/kept/close");
      assert.equal(closed.status, 200);
      await client.closed;

      const stored = await admin(server, "GET", "/admin/rooms/kept/sessions");
      const unknown = await admin(server, "GET", "/admin/rooms/nope/sessions");

      assert.equal(server.handler.server.registry.get("kept"), undefined, "room evicted");
      assert.equal(stored.status, 200);
      assert.deepEqual(stored.body, { roomId: "kept", live: false, sessions: [] });
      assert.equal(unknown.status, 404);
    } finally {
      await server.stop();
    }
  });

  it("GET /admin/rooms gives live rooms' record count and size", async () => {
    const server = await serve({ routes });
    try {
      const client = await connectRaw(`${server.ws}/connect/sized?sessionId=a`);
      const empty = await admin(server, "GET", "/admin/rooms");
      await push(client, 1, "shape:a");
      await push(client, 2, "shape:b");

      const two = await admin(server, "GET", "/admin/rooms");

      const live = (r: typeof two) => (r.body["live"] as Record<string, number>[])[0]!;
      const snapshot = await admin(server, "GET", "/admin/rooms/sized");
      const documents = snapshot.body["documents"] as { state: unknown }[];
      assert.equal(live(two)["records"], documents.length);
      assert.equal(live(two)["records"]! - live(empty)["records"]!, 2);
      const bytes = documents.reduce((n, d) => n + JSON.stringify(d.state).length, 0);
      assert.equal(live(two)["bytes"], bytes, "the UTF-8 size of the records' JSON (ASCII here)");
      client.close();
    } finally {
      await server.stop();
    }
  });

  it("GET /admin/stats gives totals and both histograms, counting pushes and commits", async () => {
    const server = await serve({ routes });
    try {
      const before = await admin(server, "GET", "/admin/stats");
      const client = await connectRaw(`${server.ws}/connect/st?sessionId=a`);
      await push(client, 1, "shape:a");
      await push(client, 2, "shape:b");

      const after = await admin(server, "GET", "/admin/stats");

      assert.equal(after.status, 200);
      assert.equal(after.headers.get("cache-control"), "no-store");
      const b = before.body as unknown as AdminStats;
      const a = after.body as unknown as AdminStats;
      for (
        const key of [
          "now",
          "rooms",
          "sessions",
          "connectionsTotal",
          "messagesIn",
          "messagesOut",
          "bytesIn",
          "bytesOut",
        ]
      ) {
        assert.equal(typeof a[key as keyof AdminStats], "number", key);
      }
      assert.ok(a.now >= b.now);
      assert.equal(a.rooms, 1);
      assert.equal(a.sessions, 1);
      assert.equal(a.connectionsTotal - b.connectionsTotal, 1);
      assert.equal(a.pushes.count - b.pushes.count, 2);
      assert.ok(a.commits.count - b.commits.count >= 1);
      for (const h of [a.pushes, a.commits]) {
        assert.equal(h.bounds.length, h.cumulative.length);
        assert.ok(
          h.cumulative.every((n, i) => i === 0 || n >= h.cumulative[i - 1]!),
        );
        assert.ok(h.cumulative.at(-1)! <= h.count);
        assert.ok(h.sum >= 0);
      }
      client.close();
    } finally {
      await server.stop();
    }
  });

  it("the console's polls are audited at debug, other requests at info", async () => {
    const logger = captureLogger();
    const server = await serve({ routes: [adminRoutes({ token: ADMIN_TOKEN, logger })] });
    try {
      await admin(server, "GET", "/admin/stats");
      await admin(server, "GET", "/admin/rooms/p/sessions");
      await admin(server, "GET", "/admin/rooms");
      await admin(server, "POST", "/admin/rooms/p/close");

      const audit = logger.lines.filter((l) => l.event === "admin_request")
        .map((l) => [l.level, l.fields["method"], l.fields["path"]]);
      assert.deepEqual(audit, [
        ["debug", "GET", "/admin/stats"],
        ["debug", "GET", "/admin/rooms/p/sessions"],
        ["info", "GET", "/admin/rooms"],
        ["info", "POST", "/admin/rooms/p/close"],
      ]);
    } finally {
      await server.stop();
    }
  });
});
