// A room's own events (fake time, test sockets), the event channel's zero-cost check, and the
// callback options as listeners on the same events.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EventChannel } from "../../src/ports/event_channel.ts";
import type { RoomEventMap } from "../../src/room/room_events.ts";
import { MemoryRoomStorage } from "../../src/storage/memory_storage.ts";
import type { RoomCommit } from "../../src/storage/storage.ts";
import { captureLogger } from "../helpers/capture_logger.ts";
import { recordEvents } from "../helpers/event_recorder.ts";
import { geoShape } from "../helpers/records.ts";
import { makeHarness } from "../helpers/room_harness.ts";

const push = (clock: number, id: string) => ({
  type: "push",
  clientClock: clock,
  diff: { [id]: ["put", geoShape(id)] },
});

describe("event channel", () => {
  it("wants() follows listeners here and in the sink, wildcards included", () => {
    const sink = new EventChannel<RoomEventMap>({ onError: () => {} }).emitter;
    const channel = new EventChannel<RoomEventMap>({ sink, onError: () => {} });
    const handler = () => {};
    const seen: boolean[] = [channel.wants("commit")];

    channel.emitter.on("commit", handler);
    seen.push(channel.wants("commit"));
    channel.emitter.off("commit", handler); // mitt keeps an empty list behind
    seen.push(channel.wants("commit"));
    sink.on("commit", handler);
    seen.push(channel.wants("commit"));
    sink.off("commit", handler);
    sink.on("*", handler);
    seen.push(channel.wants("commit"));

    assert.deepEqual(seen, [false, true, false, true, true]);
  });

  it("every listener runs, in order, even after one throws; errors go to onError", () => {
    const errors: string[] = [];
    const calls: string[] = [];
    const channel = new EventChannel<{ ping: number }>({
      onError: (type, error) => errors.push(`${type}: ${(error as Error).message}`),
    });
    channel.emitter.on("ping", () => calls.push("first"));
    channel.emitter.on("ping", () => {
      throw new Error("second failed");
    });
    channel.emitter.on("ping", (n) => calls.push(`third ${n}`));
    channel.emitter.on("*", (type, n) => calls.push(`any ${String(type)} ${n}`));

    channel.emit("ping", 7);

    assert.deepEqual(calls, ["first", "third 7", "any ping 7"]);
    assert.deepEqual(errors, ["ping: second failed"]);
  });
});

describe("room events", () => {
  it("the sink sees room_loaded; room.events sees joins, commits and the close", async () => {
    const sink = new EventChannel<RoomEventMap>({ onError: () => {} }).emitter;
    const fromSink = recordEvents(sink);
    const h = await makeHarness({ eventSink: sink });
    const own = recordEvents(h.room.events);
    const a = await h.connect("a");
    await h.send("a", a, push(1, "shape:1"));
    await h.room.close();

    assert.deepEqual(fromSink.of("room_loaded").map((e) => e["records"]), [2]);
    assert.deepEqual(own.events.map((e) => e.type), [
      "session_joined",
      "commit",
      "room_closed",
    ]);
    assert.deepEqual(own.of("room_closed"), [{
      roomId: "test",
      code: 1001,
      reason: "Room closed",
      records: 3,
    }]);
    assert.deepEqual(
      fromSink.events.map((e) => e.type),
      ["room_loaded", "session_joined", "commit", "room_closed"],
    );
  });

  it("commit is not built while nobody listens", async () => {
    const commits: RoomCommit[] = [];
    const storage = new MemoryRoomStorage();
    const commit = storage.commit.bind(storage);
    storage.commit = (c) => (commits.push(c), commit(c));
    const h = await makeHarness({ storage });
    const reads: number[] = [];
    const now = h.time.now.bind(h.time);
    h.time.now = () => (reads.push(1), now());
    const a = await h.connect("a");
    const clockReads = async (clock: number): Promise<number> => {
      const before = reads.length;
      await h.send("a", a, push(clock, `shape:${clock}`));
      return reads.length - before;
    };
    const unheard = await clockReads(1);
    const own = recordEvents(h.room.events);
    const heard = await clockReads(2);

    assert.equal(commits.length, 2);
    assert.equal(own.of("commit").length, 1);
    assert.deepEqual(own.of("commit")[0], { roomId: "test", clock: 2, records: 1, ms: 0 });
    assert.equal(heard, unheard + 2, "only a listened-to commit reads the clock (start, end)");
  });

  it("a storage failure emits room_failed then room_closed 1011; onFailed still fires", async () => {
    const logger = captureLogger();
    const storage = new MemoryRoomStorage();
    storage.commit = () => Promise.reject(new Error("disk gone"));
    let failed: unknown;
    const h = await makeHarness({ storage, logger, onFailed: (_room, error) => (failed = error) });
    const own = recordEvents(h.room.events);
    h.room.events.on("room_failed", () => {
      throw new Error("listener bug");
    });
    const a = await h.connect("a");
    let whenFailed: unknown[] = [];
    h.room.events.on("room_failed", () => (whenFailed = [h.room.isClosed(), a.closed?.code]));
    await h.send("a", a, push(1, "shape:1"));
    await new Promise((r) => setTimeout(r, 0));

    assert.deepEqual(own.events.map((e) => e.type), [
      "session_joined",
      "room_failed",
      "room_closed",
    ]);
    assert.equal((own.of("room_failed")[0]!["error"] as Error).message, "disk gone");
    assert.equal(own.of("room_closed")[0]!["code"], 1011);
    assert.equal((failed as Error).message, "disk gone");
    assert.deepEqual(whenFailed, [true, 1011], "listeners see the room closed and its sockets too");
    assert.ok(h.room.isClosed());
    const bug = logger.lines.find((l) => l.event === "event_listener_failed");
    assert.deepEqual(bug?.fields, { roomId: "test", event: "room_failed", error: "listener bug" });
  });
});
