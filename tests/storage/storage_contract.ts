// Shared contract for every StorageProvider: run by memory_storage_test.ts and kv_storage_test.ts.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { RoomCommit, StorageProvider } from "../../src/storage/storage.ts";
import { geoShape, serverSchema } from "../helpers/records.ts";

export function commit(partial: Partial<RoomCommit>): RoomCommit {
  return {
    documentClock: 1,
    tombstoneHistoryStartsAtClock: 0,
    schema: serverSchema,
    replace: false,
    puts: [],
    deletes: {},
    prunedTombstones: [],
    ...partial,
  };
}

export function runStorageContract(
  name: string,
  make: () => Promise<{ provider: StorageProvider; reopen(): Promise<StorageProvider> }>,
): void {
  describe(`${name} storage contract`, () => {
    it("a room never stored loads as undefined", async () => {
      const { provider } = await make();
      const room = await provider.openRoom("fresh");

      assert.equal(await room.load(), undefined);
      await room.close();
    });

    it("commits round-trip through close and reopen: records, tombstones, clocks, schema", async () => {
      const { provider, reopen } = await make();
      const room = await provider.openRoom("r");
      await room.load();
      await room.commit(
        commit({
          documentClock: 1,
          puts: [{ state: geoShape("shape:a"), lastChangedClock: 1 }, {
            state: geoShape("shape:b"),
            lastChangedClock: 1,
          }],
        }),
      );
      await room.commit(
        commit({ documentClock: 2, tombstoneHistoryStartsAtClock: 0, deletes: { "shape:b": 2 } }),
      );
      await room.close();

      const again = await (await reopen()).openRoom("r");
      const snapshot = (await again.load())!;

      assert.equal(snapshot.documentClock, 2);
      assert.deepEqual(snapshot.schema, serverSchema);
      assert.deepEqual(snapshot.documents.map((d) => [d.state.id, d.lastChangedClock]), [[
        "shape:a",
        1,
      ]]);
      assert.deepEqual(snapshot.tombstones, { "shape:b": 2 });
      await again.close();
    });

    it("pruned tombstones are gone and the history start is kept", async () => {
      const { provider, reopen } = await make();
      const room = await provider.openRoom("p");
      await room.load();
      await room.commit(commit({ documentClock: 1, deletes: { "shape:x": 1, "shape:y": 1 } }));
      await room.commit(
        commit({
          documentClock: 2,
          tombstoneHistoryStartsAtClock: 2,
          prunedTombstones: ["shape:x"],
          deletes: { "shape:z": 2 },
        }),
      );
      await room.close();

      const snapshot = (await (await (await reopen()).openRoom("p")).load())!;

      assert.deepEqual(snapshot.tombstones, { "shape:y": 1, "shape:z": 2 });
      assert.equal(snapshot.tombstoneHistoryStartsAtClock, 2);
    });

    it("a replace commit drops everything it does not name", async () => {
      const { provider, reopen } = await make();
      const room = await provider.openRoom("x");
      await room.load();
      await room.commit(
        commit({
          documentClock: 1,
          puts: [{ state: geoShape("shape:old"), lastChangedClock: 1 }],
          deletes: { "shape:t": 1 },
        }),
      );
      await room.commit(
        commit({
          documentClock: 2,
          replace: true,
          puts: [{ state: geoShape("shape:new"), lastChangedClock: 2 }],
        }),
      );
      await room.close();

      const snapshot = (await (await (await reopen()).openRoom("x")).load())!;

      assert.deepEqual(snapshot.documents.map((d) => d.state.id), ["shape:new"]);
      assert.deepEqual(snapshot.tombstones ?? {}, {});
    });

    it("listRooms names stored rooms and deleteRoom forgets one", async () => {
      const { provider } = await make();
      for (const id of ["l1", "l2"]) {
        const room = await provider.openRoom(id);
        await room.load();
        await room.commit(commit({ puts: [{ state: geoShape("shape:a"), lastChangedClock: 1 }] }));
        await room.close();
      }

      await provider.deleteRoom!("l1");

      assert.deepEqual((await provider.listRooms!()).sort(), ["l2"]);
      const gone = await provider.openRoom("l1");
      assert.equal(await gone.load(), undefined);
    });
  });
}
