// timedStorage: times commits without changing the storage's behaviour.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { timedStorage } from "../../src/metrics/timed_storage.ts";
import { MemoryStorageProvider } from "../../src/storage/memory_storage.ts";
import type { RoomCommit, StorageProvider } from "../../src/storage/storage.ts";

const commit: RoomCommit = {
  documentClock: 1,
  tombstoneHistoryStartsAtClock: 0,
  schema: { schemaVersion: 2, sequences: {} },
  replace: false,
  puts: [],
  deletes: {},
  prunedTombstones: [],
};

describe("timedStorage", () => {
  it("keeps a synchronous commit synchronous and observes it", async () => {
    const seen: number[] = [];
    let ms = 0;
    const storage = timedStorage(new MemoryStorageProvider(), {
      now: () => (ms += 5),
      observeCommit: (s) => seen.push(s),
    });
    const room = await storage.openRoom("r");

    const result = room.commit(commit);

    assert.equal(result, undefined);
    assert.deepEqual(seen, [0.005]);
    assert.equal((await room.load())?.documentClock, 1);
  });

  it("observes an asynchronous commit when it settles, failures included", async () => {
    const seen: number[] = [];
    const inner: StorageProvider = {
      openRoom: () =>
        Promise.resolve({
          load: () => Promise.resolve(undefined),
          commit: () => Promise.reject(new Error("disk full")),
          close: () => {},
        }),
    };
    const storage = timedStorage(inner, { now: () => 0, observeCommit: (s) => seen.push(s) });
    const room = await storage.openRoom("r");

    await assert.rejects(Promise.resolve(room.commit(commit)), /disk full/);

    assert.deepEqual(seen, [0]);
  });

  it("exposes listRooms/deleteRoom only when the wrapped provider has them", () => {
    const bare = timedStorage({ openRoom: (id) => new MemoryStorageProvider().openRoom(id) }, {
      now: () => 0,
      observeCommit: () => {},
    });
    const full = timedStorage(new MemoryStorageProvider(), {
      now: () => 0,
      observeCommit: () => {},
    });

    assert.equal(bare.listRooms, undefined);
    assert.equal(bare.deleteRoom, undefined);
    assert.equal(typeof full.listRooms, "function");
    assert.equal(typeof full.deleteRoom, "function");
  });
});
