import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Room } from "../../src/room/room.ts";
import { MemoryRoomStorage } from "../../src/storage/memory_storage.ts";
import { FakeTime } from "../../src/testing/fake_time.ts";
import { makeHarness, patches } from "../helpers/room_harness.ts";
import { geoShape, schema, serverSchema } from "../helpers/records.ts";

describe("Room snapshots", () => {
  it("round-trips through storage: a restarted room has the same records and clock", async () => {
    const storage = new MemoryRoomStorage();
    const h = await makeHarness({ storage });
    const a = await h.connect("a");
    await h.send("a", a, {
      type: "push",
      clientClock: 1,
      diff: { "shape:1": ["put", geoShape("shape:1")] },
    });
    await h.send("a", a, { type: "push", clientClock: 2, diff: { "shape:1": ["remove"] } });
    await h.room.close();

    const again = await Room.load({ roomId: "test", storage, time: new FakeTime() });

    assert.equal(again.getDocumentClock(), 2);
    assert.equal(again.getRecord("shape:1"), undefined);
    assert.equal(again.getSnapshot().tombstones!["shape:1"], 2);
  });

  it("[SS17] loads a legacy snapshot with only `clock`", async () => {
    const storage = new MemoryRoomStorage({
      clock: 7,
      documents: [{ state: geoShape("shape:1"), lastChangedClock: 3 }],
      schema: serverSchema,
    });

    const room = await Room.load({ roomId: "r", storage, time: new FakeTime() });

    assert.equal(room.getDocumentClock(), 7);
  });

  it("[IM1] clock is clamped up to the newest record or tombstone", async () => {
    const storage = new MemoryRoomStorage({
      documentClock: 1,
      documents: [{ state: geoShape("shape:1"), lastChangedClock: 4 }],
      tombstones: { "shape:2": 9 },
      tombstoneHistoryStartsAtClock: 0,
      schema: serverSchema,
    });

    const room = await Room.load({ roomId: "r", storage, time: new FakeTime() });

    assert.equal(room.getDocumentClock(), 9);
  });

  it("[RC3] migrates an old snapshot up on load, drops session records, and stores the result", async () => {
    const old = structuredClone(serverSchema);
    old.sequences["com.tldraw.shape.geo"] = 9;
    // A geo shape as geo v9 stored it (before richText and flip props), valid at that version.
    const oldShape = geoShape("shape:1") as unknown as { props: Record<string, unknown> };
    delete oldShape.props["flipX"];
    delete oldShape.props["flipY"];
    delete oldShape.props["richText"];
    oldShape.props["text"] = "hi";
    const storage = new MemoryRoomStorage({
      documentClock: 2,
      documents: [
        { state: oldShape as never, lastChangedClock: 2 },
        {
          state: { id: "camera:x", typeName: "camera", x: 0, y: 0, z: 1, meta: {} } as never,
          lastChangedClock: 1,
        },
      ],
      schema: old,
    });

    const room = await Room.load({ roomId: "r", storage, time: new FakeTime() });
    await room.flush();

    const shape = room.getRecord("shape:1") as unknown as { props: Record<string, unknown> };
    assert.ok(shape.props["richText"], "migrated text → richText");
    assert.equal(room.getRecord("camera:x"), undefined);
    assert.equal(room.getDocumentClock(), 3);
    const stored = (await storage.load())!;
    assert.deepEqual(stored.schema, serverSchema);
    assert.equal(stored.documents.some((d) => d.state.id === "camera:x"), false);
  });

  it("[SR10] loadSnapshot replaces documents and broadcasts the difference", async () => {
    const h = await makeHarness();
    const a = await h.connect("a");
    await h.send("a", a, {
      type: "push",
      clientClock: 1,
      diff: { "shape:1": ["put", geoShape("shape:1")] },
    });
    const b = await h.connect("b");
    const snapshot = h.room.getSnapshot();
    snapshot.documents = snapshot.documents.filter((d) => d.state.id !== "shape:1");
    snapshot.documents.push({ state: geoShape("shape:2"), lastChangedClock: 0 });

    await h.room.loadSnapshot(snapshot);
    h.time.tick(20);

    const last = patches(b).at(-1)!["diff"] as Record<string, unknown>;
    assert.deepEqual(last["shape:1"], ["remove"]);
    assert.equal((last["shape:2"] as unknown[])[0], "put");
  });

  it("loadSnapshot accepts a plain TLStoreSnapshot", async () => {
    const h = await makeHarness();

    await h.room.loadSnapshot({
      store: {
        "shape:9": geoShape("shape:9"),
        "page:page": h.room.getRecord("page:page")!,
        "document:document": h.room.getRecord("document:document")!,
      },
      schema: schema.serialize(),
    });

    assert.ok(h.room.getRecord("shape:9"));
  });

  it("[US2] updateStore validates, applies in one transaction, and broadcasts", async () => {
    const h = await makeHarness();
    const a = await h.connect("a");

    await h.room.updateStore((store) => {
      store.put(geoShape("shape:s1"));
      store.put(geoShape("shape:s2"));
    });
    h.time.tick(20);

    assert.equal(h.room.getDocumentClock(), 1);
    assert.equal(Object.keys(patches(a)[0]!["diff"] as object).length, 2);
    await assert.rejects(
      h.room.updateStore((store) => store.put({ id: "x:1", typeName: "x" } as never)),
    );
  });
});
