import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { makeHarness, patches, settle } from "../helpers/room_harness.ts";
import { geoShape, presence } from "../helpers/records.ts";

describe("Room session lifecycle", () => {
  it("[SES1] a session that never sends connect is removed after 10 s", async () => {
    const h = await makeHarness();
    const socket = h.open("a");

    h.time.tick(9_000);
    const before = h.room.getSessionCount();
    h.time.tick(3_000);

    assert.equal(before, 1);
    assert.equal(h.room.getSessionCount(), 0);
    assert.notEqual(socket.closed, null);
  });

  it("[SES1][SES2][SES3] idle 20 s: cancelled, presence kept 5 s, then removed and broadcast", async () => {
    const removed: string[] = [];
    const h = await makeHarness({
      onSessionRemoved: (_room, info) => removed.push(info.sessionId),
    });
    const a = await h.connect("a");
    const b = await h.connect("b");
    await h.send("a", a, {
      type: "push",
      clientClock: 1,
      presence: ["put", presence("instance_presence:x")],
    });
    const presenceId = Object.keys(patches(b)[0]!["diff"] as object)[0]!;

    for (let i = 0; i < 11; i++) {
      h.time.tick(2_000);
      await h.send("b", b, { type: "ping" });
    }
    const cancelled = a.closed;
    const sessionsDuringGrace = h.room.getSessionCount();
    for (let i = 0; i < 4; i++) {
      h.time.tick(2_000);
      await h.send("b", b, { type: "ping" });
    }
    await settle();

    assert.deepEqual(cancelled, { code: undefined, reason: undefined });
    assert.equal(sessionsDuringGrace, 2);
    assert.deepEqual(removed, ["a"]);
    assert.deepEqual(patches(b).at(-1)!["diff"], { [presenceId]: ["remove"] });
    assert.equal(b.closed, null);
  });

  it("[HS1] a reconnect inside the grace period keeps the presence id", async () => {
    const h = await makeHarness();
    const a1 = await h.connect("a");
    const b = await h.connect("b");
    await h.send("a", a1, {
      type: "push",
      clientClock: 1,
      presence: ["put", presence("instance_presence:x")],
    });
    const firstId = Object.keys(patches(b)[0]!["diff"] as object)[0];
    h.room.handleSocketClose("a", a1);

    const a2 = await h.connect("a", { lastServerClock: 0 });
    await h.send("a", a2, {
      type: "push",
      clientClock: 2,
      presence: ["put", presence("instance_presence:x", 3)],
    });

    assert.equal(Object.keys(patches(b).at(-1)!["diff"] as object)[0], firstId);
  });

  it("[SR4] a new socket under a live session id supersedes the old one; its late close is ignored", async () => {
    const h = await makeHarness();
    const old = await h.connect("a");

    const fresh = await h.connect("a");
    h.room.handleSocketClose("a", old);
    h.room.handleSocketMessage("a", JSON.stringify({ type: "ping" }), old);
    await h.send("a", fresh, {
      type: "push",
      clientClock: 1,
      diff: { "shape:1": ["put", geoShape("shape:1")] },
    });

    assert.notEqual(old.closed, null);
    assert.equal(fresh.closed, null);
    assert.equal(fresh.ofType("push_result").length, 1);
    assert.equal(h.room.getSessions().filter((s) => s.isConnected).length, 1);
  });

  it("[HS4] the connect reply carries other sessions' presence, never the connecting one's", async () => {
    const h = await makeHarness();
    const a = await h.connect("a");
    await h.send("a", a, {
      type: "push",
      clientClock: 1,
      presence: ["put", presence("instance_presence:x")],
    });
    const b = await h.connect("b");
    await h.send("b", b, {
      type: "push",
      clientClock: 1,
      presence: ["put", presence("instance_presence:y")],
    });

    const a2 = await h.connect("a", { lastServerClock: 0 });

    const diff = a2.ofType("connect")[0]!["diff"] as Record<string, unknown>;
    assert.equal(Object.keys(diff).length, 1);
    const bPresence = Object.keys(patches(a).at(-1)!["diff"] as object)[0]!;
    assert.ok(bPresence in diff);
  });

  it("[RC7] close() closes every socket with 1001 and the room refuses further work", async () => {
    const h = await makeHarness();
    const a = await h.connect("a");

    await h.room.close();

    assert.equal(a.closed?.code, 1001);
    assert.equal(h.room.isClosed(), true);
    await assert.rejects(h.room.updateStore(() => {}));
  });

  it("closeSession with a reason closes 4099 + reason; without one a plain close", async () => {
    const h = await makeHarness();
    const a = await h.connect("a");
    const b = await h.connect("b");

    h.room.closeSession("a", "FORBIDDEN");
    h.room.closeSession("b");

    assert.deepEqual(a.closed, { code: 4099, reason: "FORBIDDEN" });
    assert.deepEqual(b.closed, { code: undefined, reason: undefined });
    assert.equal(h.room.getSessionCount(), 0);
  });

  it("[RB5] custom messages reach connected sessions only", async () => {
    const h = await makeHarness();
    const a = await h.connect("a");
    const waiting = h.open("w");

    h.room.sendCustomMessage("a", { hello: 1 });
    h.room.sendCustomMessage("w", { hello: 2 });

    assert.deepEqual(a.ofType("custom"), [{ type: "custom", data: { hello: 1 } }]);
    assert.equal(waiting.frames.length, 0);
  });
});
