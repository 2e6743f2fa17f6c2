import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { computeTombstonePruning } from "../../src/room/tombstone_pruning.ts";
import { Room } from "../../src/room/room.ts";
import { FakeTime } from "../../src/testing/fake_time.ts";
import { makeHarness } from "../helpers/room_harness.ts";
import { geoShape, serverSchema } from "../helpers/records.ts";
import { MemoryRoomStorage } from "../../src/storage/memory_storage.ts";

function tombstones(clocks: number[]): Map<string, number> {
  return new Map(clocks.map((c, i) => [`shape:${i}`, c]));
}

describe("computeTombstonePruning()", () => {
  it("returns null at or under the cap", () => {
    assert.equal(computeTombstonePruning(tombstones([1, 2, 3]), 3, 3, 1), null);
  });

  it("[SS18] drops the oldest plus the buffer and starts history at the oldest kept", () => {
    const result = computeTombstonePruning(tombstones([1, 2, 3, 4, 5, 6]), 6, 4, 1);

    assert.deepEqual(result, {
      idsToDelete: ["shape:0", "shape:1", "shape:2"],
      newTombstoneHistoryStartsAtClock: 4,
    });
  });

  it("[SS18] never splits tombstones that share a clock", () => {
    const result = computeTombstonePruning(tombstones([1, 2, 2, 2, 3]), 3, 3, 0);

    assert.deepEqual(result?.idsToDelete, ["shape:0", "shape:1", "shape:2", "shape:3"]);
    assert.equal(result?.newTombstoneHistoryStartsAtClock, 3);
  });

  it("5001 tombstones at distinct clocks leave 4000", () => {
    const result = computeTombstonePruning(
      tombstones(Array.from({ length: 5001 }, (_, i) => i + 1)),
      5001,
    );

    assert.equal(result?.idsToDelete.length, 1001);
  });

  it("when every tombstone shares one clock, all go and history starts at the document clock", () => {
    const result = computeTombstonePruning(tombstones(Array(10).fill(7)), 9, 4, 1);

    assert.equal(result?.idsToDelete.length, 10);
    assert.equal(result?.newTombstoneHistoryStartsAtClock, 9);
  });
});

describe("Room tombstone history", () => {
  it("a mass delete past the cap advances history: an old client then gets wipe_all", async () => {
    const documents = Array.from(
      { length: 5002 },
      (_, i) => ({ state: geoShape(`shape:${i}`), lastChangedClock: 1 }),
    );
    const storage = new MemoryRoomStorage({
      documentClock: 1,
      tombstoneHistoryStartsAtClock: 0,
      documents,
      schema: serverSchema,
    });
    const h = await makeHarness({ storage });
    const a = await h.connect("a", { lastServerClock: 1 });
    const diff = Object.fromEntries(documents.map((d) => [d.state.id, ["remove"]]));

    await h.send("a", a, { type: "push", clientClock: 1, diff });
    const b = await h.connect("b", { lastServerClock: 1 });

    const snapshot = h.room.getSnapshot();
    assert.ok(snapshot.tombstoneHistoryStartsAtClock! > 1);
    assert.ok(Object.keys(snapshot.tombstones!).length <= 5000);
    assert.equal(b.ofType("connect")[0]!["hydrationType"], "wipe_all");
    const stored = (await storage.load())!;
    assert.equal(stored.tombstoneHistoryStartsAtClock, snapshot.tombstoneHistoryStartsAtClock);
    assert.equal(stored.documents.some((d) => d.state.id === "shape:0"), false);
  });

  it("[SS15] a client exactly at the history start is still served incrementally", async () => {
    const storage = new MemoryRoomStorage({
      documentClock: 5,
      tombstoneHistoryStartsAtClock: 3,
      documents: [{ state: geoShape("shape:a"), lastChangedClock: 5 }],
      tombstones: { "shape:gone": 4 },
      schema: serverSchema,
    });
    const room = await Room.load({ roomId: "r", storage, time: new FakeTime() });
    const h = await makeHarness({ storage });

    const atStart = await h.connect("a", { lastServerClock: 3 });
    const before = await h.connect("b", { lastServerClock: 2 });

    assert.equal(room.getDocumentClock(), 5);
    assert.equal(atStart.ofType("connect")[0]!["hydrationType"], "wipe_presence");
    assert.deepEqual(
      (atStart.ofType("connect")[0]!["diff"] as Record<string, unknown>)["shape:gone"],
      ["remove"],
    );
    assert.equal(before.ofType("connect")[0]!["hydrationType"], "wipe_all");
  });
});
