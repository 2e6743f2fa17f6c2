// The server's typed events over a real server: what they say, that the metrics and the log
// lines follow them, and that a throwing listener changes nothing for sync.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LimitExceeded } from "../../src/room/room_limits.ts";
import { captureLogger } from "../helpers/capture_logger.ts";
import { recordEvents } from "../helpers/event_recorder.ts";
import { connectRaw } from "../helpers/raw_client.ts";
import { geoShape } from "../helpers/records.ts";
import { serve } from "../helpers/serve.ts";

const push = (clock: number, id: string, extra: Record<string, unknown> = {}) => ({
  type: "push",
  clientClock: clock,
  diff: { [id]: ["put", geoShape(id, 0, 0, extra)] },
});

describe("server events", () => {
  it("load, join, commit, leave and close of a room, in order, each logged once", async () => {
    const logger = captureLogger();
    const server = await serve({ logger, roomGracePeriodMs: 20 });
    const rec = recordEvents(server.handler.events);
    try {
      const a = await connectRaw(`${server.ws}/connect/ev?sessionId=a`);
      a.send(push(1, "shape:1"));
      await a.next((m) => m["type"] === "push_result", "push_result");
      const commit = await rec.waitFor("commit", (e) => e["roomId"] === "ev");
      a.send({ type: "no_such_message" }); // rejected: the session leaves at once
      const left = await rec.waitFor("session_left", (e) => e["sessionId"] === "a");
      const closed = await rec.waitFor("room_closed", (e) => e["roomId"] === "ev");

      const loaded = rec.of("room_loaded")[0]!;
      // A new room holds tldraw's document and first page.
      assert.deepEqual([loaded["roomId"], loaded["records"]], ["ev", 2]);
      assert.ok((loaded["bytes"] as number) > 0);
      assert.equal(typeof loaded["ms"], "number");
      const joined = rec.of("session_joined")[0]!;
      assert.deepEqual(
        [joined["roomId"], joined["sessionId"], joined["isReadonly"]],
        ["ev", "a", false],
      );
      // The first commit of a new room writes all of it: the two records and the shape.
      assert.deepEqual([commit["clock"], commit["records"]], [1, 3]);
      assert.deepEqual([left["roomId"], left["sessionsRemaining"]], ["ev", 0]);
      assert.deepEqual([closed["code"], closed["reason"]], [1001, "Room idle"]);
      const order = rec.events.map((e) => e.type).filter((t) =>
        ["room_loaded", "session_joined", "commit", "session_left", "room_closed"].includes(t)
      );
      assert.deepEqual(order, [
        "room_loaded",
        "session_joined",
        "commit",
        "session_left",
        "room_closed",
      ]);
      for (const name of ["room_loaded", "room_closed", "connection_opened"]) {
        assert.equal(logger.lines.filter((l) => l.event === name).length, 1, name);
      }
      const line = logger.lines.find((l) => l.event === "room_closed")!;
      assert.deepEqual(line.fields, {
        roomId: "ev",
        code: 1001,
        reason: "Room idle",
        records: 3,
      });
      assert.equal(logger.lines.find((l) => l.event === "session_joined")?.level, "debug");
    } finally {
      rec.stop();
      await server.stop();
    }
  });

  it("push_rejected and socket_rejected match the counters", async () => {
    const server = await serve({ limits: { maxRecordBytes: 2_000 } });
    const rec = recordEvents(server.handler.events);
    const metrics = server.handler.server.metrics;
    try {
      const a = await connectRaw(`${server.ws}/connect/caps?sessionId=a`);
      a.send(push(1, "shape:big", { meta: { pad: "x".repeat(4_000) } }));
      const result = await a.next((m) => m["type"] === "push_result", "push_result");
      const rejected = await rec.waitFor("push_rejected");
      const b = await connectRaw(`${server.ws}/connect/caps?sessionId=b`);
      b.send("{not json");
      const closedWith = await rec.waitFor("socket_rejected", (e) => e["sessionId"] === "b");

      assert.equal(result["action"], "discard");
      assert.deepEqual(rejected, {
        roomId: "caps",
        sessionId: "a",
        reason: LimitExceeded.RECORD_TOO_LARGE,
      });
      assert.equal(metrics.pushesRejected.get({ reason: LimitExceeded.RECORD_TOO_LARGE }), 1);
      assert.equal(closedWith["roomId"], "caps");
      const reasons = rec.of("socket_rejected").map((e) => e["reason"] as string);
      for (const reason of new Set(reasons)) {
        assert.equal(
          metrics.rejected.get({ reason }),
          reasons.filter((r) => r === reason).length,
          reason,
        );
      }
      assert.equal(metrics.connections.get(), rec.of("connection_opened").length);
    } finally {
      rec.stop();
      await server.stop();
    }
  });

  it("a throwing listener is logged and changes nothing for sync or the metrics", async () => {
    const logger = captureLogger();
    const server = await serve({ logger });
    const events = server.handler.events;
    const boom = () => {
      throw new Error("listener bug");
    };
    events.on("session_joined", boom);
    events.on("commit", boom);
    events.on("*", boom);
    try {
      const a = await connectRaw(`${server.ws}/connect/t?sessionId=a`);
      const b = await connectRaw(`${server.ws}/connect/t?sessionId=b`);
      a.send(push(1, "shape:1"));
      await a.next((m) => m["type"] === "push_result" && m["action"] === "commit", "commit");
      const patch = await b.next((m) => m["type"] === "patch", "patch to b");
      const room = server.handler.server.registry.get("t")!;
      room.events.on("commit", boom);
      a.send(push(2, "shape:2"));
      await b.next(
        (m) => m["type"] === "patch" && JSON.stringify(m).includes("shape:2"),
        "second patch to b",
      );

      assert.ok(JSON.stringify(patch).includes("shape:1"));
      assert.equal(room.getConnectedSessionCount(), 2);
      assert.equal(server.handler.server.metrics.connections.get(), 2);
      assert.equal(logger.lines.filter((l) => l.event === "connection_opened").length, 2);
      const failures = logger.lines.filter((l) => l.event === "event_listener_failed");
      assert.ok(failures.some((l) => l.fields["event"] === "session_joined"));
      assert.ok(failures.some((l) => l.fields["event"] === "commit"));
      assert.ok(failures.every((l) => l.fields["error"] === "listener bug"));
      a.close();
      b.close();
    } finally {
      await server.stop();
    }
  });

  it("room.events sees only its own room; the server sees both", async () => {
    const server = await serve();
    const rec = recordEvents(server.handler.events);
    try {
      const a = await connectRaw(`${server.ws}/connect/one?sessionId=a`);
      await connectRaw(`${server.ws}/connect/two?sessionId=b`).then((c) => c.close());
      const one = recordEvents(server.handler.server.registry.get("one")!.events);
      await connectRaw(`${server.ws}/connect/one?sessionId=c`);
      await connectRaw(`${server.ws}/connect/two?sessionId=d`);
      a.send(push(1, "shape:1"));
      await a.next((m) => m["type"] === "push_result", "push_result");
      await one.waitFor("commit");
      await rec.waitFor("session_joined", (e) => e["sessionId"] === "d");

      assert.deepEqual(one.of("session_joined").map((e) => e["sessionId"]), ["c"]);
      assert.ok(one.events.every((e) => e.payload["roomId"] === "one"));
      assert.deepEqual(
        rec.of("session_joined").map((e) => `${e["roomId"]}/${e["sessionId"]}`).sort(),
        ["one/a", "one/c", "two/b", "two/d"],
      );
      one.stop();
    } finally {
      rec.stop();
      await server.stop();
    }
  });
});
