import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Room } from "../../src/room/room.ts";
import type { RoomSkippedRecord } from "../../src/room/load_skip.ts";
import { StoredSchemaTooNewError } from "../../src/room/stored_schema.ts";
import { migrateRecords } from "../../src/room/migrate_records.ts";
import { loadStore } from "../../src/room/load_snapshot.ts";
import type { Migration, UnknownRecord } from "@tldraw/store";
import { SyncError } from "../../src/protocol/sync_error.ts";
import { MemoryRoomStorage } from "../../src/storage/memory_storage.ts";
import { FakeTime } from "../../src/testing/fake_time.ts";
import { capturingLogger } from "../security/_security_helpers.ts";
import {
  BAD_COUNT,
  badSnapshot,
  expectedSkips,
  GOOD_IDS,
  LONG_ID,
  oldSchema,
} from "../helpers/bad_records.ts";
import { geoShape, schema, serverSchema } from "../helpers/records.ts";

async function load(storage: MemoryRoomStorage) {
  const { logger, lines } = capturingLogger();
  const skipped: RoomSkippedRecord[] = [];
  const room = await Room.load({
    roomId: "bad",
    storage,
    time: new FakeTime(),
    logger,
    onRecordSkipped: (info) => void skipped.push(info),
  });
  return { room, skipped, lines };
}

function reasons(skipped: RoomSkippedRecord[]): Record<string, string> {
  return Object.fromEntries(
    skipped.filter((s) => s.recordId !== undefined).map((s) => [s.recordId, s.reason]),
  );
}

function storedIds(snapshot: { documents: { state: { id: unknown } }[] }): unknown[] {
  return snapshot.documents.map((d) => d.state.id);
}

for (const migrating of [true, false]) {
  describe(`stored records that cannot enter a room (${migrating ? "old" : "current"} schema)`, () => {
    it("the room loads with the good records; each bad one is skipped, reported and logged", async () => {
      const storage = new MemoryRoomStorage(badSnapshot(migrating));
      const { room, skipped, lines } = await load(storage);

      for (const id of GOOD_IDS) assert.ok(room.getRecord(id), id);
      assert.equal(room.getSnapshot().documents.length, GOOD_IDS.length);
      assert.equal(skipped.length, BAD_COUNT);
      assert.deepEqual(reasons(skipped), expectedSkips(migrating));
      assert.ok(skipped.some((s) => s.recordId === undefined && s.reason === "NOT_A_RECORD"));
      assert.ok(skipped.every((s) => s.roomId === "bad" && s.detail.length <= 201));
      const warned = lines.filter((l) => l.event === "record_skipped");
      assert.equal(warned.length, BAD_COUNT);
      assert.ok(warned.every((l) => l.level === "warn" && l.fields["roomId"] === "bad"));
      assert.ok(warned.some((l) => l.fields["recordId"] === `${LONG_ID.slice(0, 200)}…`));
      assert.deepEqual(room.getSnapshot().tombstones, { "shape:gone": 4 });
      await room.close();
    });

    it("skipped records stay in storage through the load commit and later edits", async () => {
      const storage = new MemoryRoomStorage(badSnapshot(migrating));
      const { room } = await load(storage);
      await room.updateStore((store) => store.put(geoShape("shape:new")));
      await room.close();

      const stored = (await storage.load())!;
      assert.equal(stored.documents.length, badSnapshot(migrating).documents.length + 1);
      assert.deepEqual(stored.schema, serverSchema, "a migration rewrote the stored schema");
      const again = await load(storage);
      assert.ok(again.room.getRecord("shape:new"));
      assert.equal(again.skipped.length, BAD_COUNT, "skipped again on the next load");
      // Under the rewritten schema the records that failed migration are read as current.
      assert.deepEqual(reasons(again.skipped), expectedSkips(false));
      await again.room.close();
    });
  });
}

describe("whole-snapshot problems", () => {
  it("a stored schema newer than the server's fails closed and changes nothing", async () => {
    const newer = structuredClone(serverSchema) as typeof serverSchema & {
      sequences: Record<string, number>;
    };
    newer.sequences["com.tldraw.shape.geo"] = 999;
    const snapshot = { ...badSnapshot(false), schema: newer };
    const storage = new MemoryRoomStorage(snapshot);

    await assert.rejects(load(storage), (error: unknown) => {
      assert.ok(error instanceof StoredSchemaTooNewError);
      assert.match(error.message, /com\.tldraw\.shape\.geo 999 > \d+.*upgrade/);
      return true;
    });
    assert.deepEqual((await storage.load())!.schema, newer);
  });

  it("an unreadable stored schema: records are read as current, and the schema is rewritten", async () => {
    const broken = structuredClone(serverSchema) as typeof serverSchema & {
      sequences: Record<string, number>;
    };
    broken.sequences["com.tldraw.shape.geo"] = 7.5; // no such version
    for (const schema of [broken, "not a schema"]) {
      const storage = new MemoryRoomStorage({ ...badSnapshot(false), schema: schema as never });
      const { room, skipped } = await load(storage);

      assert.ok(room.getRecord("shape:good"));
      assert.deepEqual(reasons(skipped), expectedSkips(false));
      assert.ok(skipped.some((s) => s.reason === "SCHEMA_UNREADABLE" && !s.recordId));
      await room.close();
      assert.deepEqual((await storage.load())!.schema, serverSchema);
    }
  });

  it("clocks that are not numbers are read as unknown, not as NaN", async () => {
    const snapshot = badSnapshot(false);
    snapshot.documentClock = "7" as never;
    snapshot.documents[2]!.lastChangedClock = null as never;
    snapshot.tombstones = { "shape:gone": "x" as never, "shape:old": 6 };
    const { room } = await load(new MemoryRoomStorage(snapshot));

    assert.equal(room.getDocumentClock(), 6);
    assert.deepEqual(room.getSnapshot().tombstones, { "shape:old": 6 });
    await room.close();
  });

  it("of records stored twice under one id, the last one wins", async () => {
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 150; i++) deep = { a: deep };
    const bad = geoShape("shape:twice", 0, 0, { meta: deep }); // refused before validation
    const documents = [bad, geoShape("shape:twice", 9), bad, geoShape("shape:twice", 4)]
      .map((state) => ({ state, lastChangedClock: 1 }));
    // Straight to loadStore: MemoryRoomStorage itself already keeps one record per id.
    const loaded = loadStore(
      schema as never,
      { documentClock: 1, schema: serverSchema, documents },
      {
        lenient: true,
      },
    );
    assert.equal((loaded.store.get("shape:twice") as unknown as { x: number }).x, 4);
    assert.equal(loaded.skipped.length, 2);
    assert.equal(loaded.migrated, null, "the surviving record loads as stored, not as a rewrite");
  });

  it("an old stored room with no records loads and is migrated", async () => {
    const storage = new MemoryRoomStorage({ ...badSnapshot(true), documents: [] });
    const { room, skipped } = await load(storage);
    assert.equal(room.getSnapshot().documents.length, 0);
    assert.equal(skipped.length, 0);
    await room.close();
    assert.deepEqual((await storage.load())!.schema, serverSchema);
  });
});

describe("imports stay strict", () => {
  it("loadSnapshot with a bad record fails naming it, and changes nothing", async () => {
    const storage = new MemoryRoomStorage();
    const { room } = await load(storage);
    const before = room.getDocumentClock();

    await assert.rejects(
      async () => await room.loadSnapshot(badSnapshot(false)),
      (error: unknown) => {
        assert.ok(error instanceof SyncError);
        assert.match(error.message, /^Cannot load record "shape:deep": RECORD_TOO_DEEP \(/);
        return true;
      },
    );
    assert.equal(room.getDocumentClock(), before);
    assert.equal(room.getRecord("shape:good"), undefined);
    await room.close();
  });
});

describe("migrateRecords", () => {
  const rec = (id: string, extra: Record<string, unknown> = {}) =>
    ({ id, typeName: "t", ...extra }) as unknown as UnknownRecord;
  const storageMigration = (up: (records: UnknownRecord[]) => void): Migration => ({
    id: "test/1",
    scope: "storage",
    up: (storage) => up([...storage.values()]),
  });

  it("a storage migration failing on one record skips that record and runs for the rest", () => {
    const failed: string[] = [];
    const touched: string[] = [];
    const out = migrateRecords(
      new Map([["t:1", rec("t:1")], ["t:2", rec("t:2", { bad: true })], ["t:3", rec("t:3")]]),
      [storageMigration((records) => {
        for (const r of records) {
          if ((r as { bad?: boolean }).bad) throw new Error("cannot\nmigrate");
        }
        touched.push(records.map((r) => r.id).join(","));
      })],
      (id, detail) => void failed.push(`${id} ${detail}`),
    );

    assert.deepEqual([...out.keys()], ["t:1", "t:3"]);
    assert.deepEqual(failed, ["t:2 test/1: cannot"]);
    assert.equal(touched.at(-1), "t:1,t:3");
  });

  it("a storage migration failing only on records together fails the load", () => {
    const together = storageMigration((records) => {
      if (records.length > 1) throw new Error("conflict");
    });
    assert.throws(
      () =>
        migrateRecords(new Map([["t:1", rec("t:1")], ["t:2", rec("t:2")]]), [together], () => {}),
      /test\/1 fails on its records together \(conflict\)/,
    );
  });

  it("a record migration failing on one record skips only it", () => {
    const failed: string[] = [];
    const out = migrateRecords(
      new Map([["t:1", rec("t:1", { n: 1 })], ["t:2", rec("t:2")]]),
      [{
        id: "test/2",
        scope: "record",
        up: (r) => void ((r as unknown as { n: { toFixed(): string } }).n.toFixed()),
      }],
      (id) => void failed.push(id),
    );
    assert.deepEqual([...out.keys()], ["t:1"]);
    assert.deepEqual(failed, ["t:2"]);
  });
});
