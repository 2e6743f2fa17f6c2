import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { openKv } from "../../src/runtime/open_kv.ts";
import { encodeJson } from "../../src/storage/kv/kv_codec.ts";
import { RoomKeys } from "../../src/storage/kv/kv_keys.ts";
import type { KvLike } from "../../src/storage/kv/kv_like.ts";
import type { SkippedEntry } from "../../src/storage/kv/kv_records.ts";
import { KvStorageProvider } from "../../src/storage/kv/kv_storage_provider.ts";
import { countingKv } from "../helpers/counting_kv.ts";
import { geoShape } from "../helpers/records.ts";
import { tempDir } from "../helpers/temp_dir.ts";
import { commit, runStorageContract } from "./storage_contract.ts";

const opened: KvLike[] = [];
async function kvAt(path: string): Promise<KvLike> {
  const kv = await openKv(path);
  opened.push(kv);
  return kv;
}

runStorageContract("kv", async () => {
  const dir = tempDir();
  const path = dir.file("kv.sqlite3");
  const provider = new KvStorageProvider(await kvAt(path), { lease: false });
  return {
    provider,
    reopen: async () => new KvStorageProvider(await kvAt(path), { lease: false }),
  };
});

function bigShape(id: string, bytes: number) {
  return geoShape(id, 0, 0, { meta: { blob: "x".repeat(bytes) } });
}

describe("KvStorageProvider", () => {
  it("the schema is written once, not with every commit; old heads carrying it still load", async () => {
    const dir = tempDir();
    const kv = await kvAt(dir.file("kv"));
    const provider = new KvStorageProvider(kv, { lease: false, journal: false });
    const room = await provider.openRoom("s");
    await room.load();
    const keys = new RoomKeys(["tlsync"], "s");
    const entry = async (clock: number) =>
      JSON.parse(new TextDecoder().decode((await kv.get<Uint8Array>(keys.log(clock))).value!));
    await room.commit(commit({ puts: [{ state: geoShape("shape:a"), lastChangedClock: 1 }] }));
    assert.ok((await entry(1)).schema, "the first commit logs the schema");
    await room.commit(
      commit({ documentClock: 2, puts: [{ state: geoShape("shape:a", 5), lastChangedClock: 2 }] }),
    );
    assert.equal("schema" in await entry(2), false, "an unchanged schema is not logged again");
    await room.close(); // checkpoint: the schema gets its key, once
    const first = await kv.get(keys.schema());
    assert.ok(first.versionstamp, "the checkpoint stores the schema");
    const reopened = await provider.openRoom("s");
    await reopened.load();
    await reopened.commit(
      commit({ documentClock: 3, puts: [{ state: geoShape("shape:a", 6), lastChangedClock: 3 }] }),
    );
    await reopened.close();
    assert.equal((await kv.get(keys.schema())).versionstamp, first.versionstamp);
    const head = JSON.parse(
      new TextDecoder().decode((await kv.get<Uint8Array>(keys.head())).value!),
    );
    assert.equal("schema" in head, false);
    assert.equal(head.documentClock, 3);

    // A head written by an earlier version, schema inside it and no schema key:
    const legacy = new RoomKeys(["tlsync"], "legacy");
    const schema = (await provider.openRoom("s").then(async (r) => (await r.load())!)).schema!;
    await kv.atomic()
      .set(
        legacy.head(),
        encodeJson({ v: 1, documentClock: 1, tombstoneHistoryStartsAtClock: 0, schema }),
      )
      .set(legacy.doc("shape:old"), encodeJson({ c: 1, s: geoShape("shape:old") }))
      .commit();
    const loaded = (await (await provider.openRoom("legacy")).load())!;
    assert.deepEqual(loaded.schema, schema);
    assert.equal(loaded.documents.length, 1);
  });

  it("a 200 KB record is split below the value limit and reassembled", async () => {
    const dir = tempDir();
    const provider = new KvStorageProvider(await kvAt(dir.file("kv")), { lease: false });
    const room = await provider.openRoom("big");
    await room.load();

    await room.commit(
      commit({ puts: [{ state: bigShape("shape:big", 200_000), lastChangedClock: 1 }] }),
    );
    await room.commit(
      commit({
        documentClock: 2,
        puts: [{ state: bigShape("shape:big", 150_000), lastChangedClock: 2 }],
      }),
    );
    const reopened = await new KvStorageProvider(await kvAt(dir.file("kv")), { lease: false })
      .openRoom("big");
    const snapshot = (await reopened.load())!;

    const meta = snapshot.documents[0]!.state as unknown as { meta: { blob: string } };
    assert.equal(meta.meta.blob.length, 150_000);
    const kv = await kvAt(dir.file("kv"));
    let chunkKeys = 0;
    for await (const _ of kv.list({ prefix: new RoomKeys(["tlsync"], "big").chunks() })) {
      chunkKeys++;
    }
    assert.equal(chunkKeys, 3, "the 200 KB version's parts were removed");
  });

  it("a commit of 3,000 records is applied whole (journaled) and loads back", async () => {
    const dir = tempDir();
    const provider = new KvStorageProvider(await kvAt(dir.file("kv")), { lease: false });
    const room = await provider.openRoom("many");
    await room.load();
    const puts = Array.from(
      { length: 3000 },
      (_, i) => ({ state: geoShape(`shape:${i}`, i), lastChangedClock: 1 }),
    );

    await room.commit(commit({ puts }));
    const snapshot =
      (await (await new KvStorageProvider(await kvAt(dir.file("kv")), { lease: false }).openRoom(
        "many",
      )).load())!;

    assert.equal(snapshot.documents.length, 3000);
    assert.equal(snapshot.documentClock, 1);
  });

  it("a crash before the head flip leaves the previous state; after it, loading finishes the commit", async () => {
    const dir = tempDir();
    const kv = await kvAt(dir.file("kv"));
    const keys = new RoomKeys(["tlsync"], "crash");
    const provider = new KvStorageProvider(kv, { lease: false });
    const room = await provider.openRoom("crash");
    await room.load();
    await room.commit(commit({ puts: [{ state: geoShape("shape:a"), lastChangedClock: 1 }] }));
    await room.close(); // checkpointed, as every room an earlier version stored
    const staged = commit({
      documentClock: 2,
      puts: [{ state: geoShape("shape:b"), lastChangedClock: 2 }],
    });
    await kv.atomic().set(keys.journalPart(2, 0), encodeJson(staged)).commit();

    const before = (await (await provider.openRoom("crash")).load())!;
    const head = await kv.get(keys.head());
    const { decodeJson } = await import("../../src/storage/kv/kv_codec.ts");
    const headValue = decodeJson<Record<string, unknown>>(head.value, keys.head(), "test");
    await kv.atomic().set(
      keys.head(),
      encodeJson({ ...headValue, documentClock: 2, journal: { clock: 2, parts: 1 } }),
    ).commit();
    const after = (await (await provider.openRoom("crash")).load())!;

    assert.deepEqual(before.documents.map((d) => d.state.id), ["shape:a"]);
    assert.equal(before.documentClock, 1);
    assert.deepEqual(after.documents.map((d) => d.state.id).sort(), ["shape:a", "shape:b"]);
    assert.equal(after.documentClock, 2);
  });

  it("a corrupted value is skipped: the room loads without it, and the skip names the key", async () => {
    const dir = tempDir();
    const kv = await kvAt(dir.file("kv"));
    const skipped: SkippedEntry[] = [];
    const provider = new KvStorageProvider(kv, { lease: false, onSkipped: (e) => skipped.push(e) });
    const room = await provider.openRoom("bad");
    await room.load();
    await room.commit(commit({
      puts: [
        { state: geoShape("shape:a"), lastChangedClock: 1 },
        { state: geoShape("shape:b"), lastChangedClock: 1 },
      ],
    }));
    await room.close(); // checkpointed: the records are in their document keys
    await kv.atomic().set(
      new RoomKeys(["tlsync"], "bad").doc("shape:a"),
      new TextEncoder().encode("{oops"),
    ).commit();

    const reloaded = await provider.openRoom("bad");
    const snapshot = (await reloaded.load())!;
    assert.deepEqual(snapshot.documents.map((d) => d.state.id), ["shape:b"]);
    assert.equal(snapshot.documentClock, 1);
    assert.equal(skipped.length, 1);
    assert.equal(skipped[0]!.roomId, "bad");
    assert.equal(skipped[0]!.key, '["tlsync","room","bad","doc","shape:a"]');
    assert.match(skipped[0]!.reason, /not valid JSON/);
    // The room keeps working: a new version of the bad record replaces it.
    await reloaded.commit(
      commit({ documentClock: 2, puts: [{ state: geoShape("shape:a", 7), lastChangedClock: 2 }] }),
    );
    const again = (await (await provider.openRoom("bad")).load())!;
    assert.deepEqual(again.documents.map((d) => d.state.id).sort(), ["shape:a", "shape:b"]);
    assert.equal(skipped.length, 1, "nothing skipped once it was overwritten");
    const other = await provider.openRoom("good");
    assert.equal(await other.load(), undefined, "other rooms still load");
  });

  it("two writers on one room: the second to commit on a stale head is refused and told it lost", async () => {
    const dir = tempDir();
    const path = dir.file("kv");
    const one = new KvStorageProvider(await kvAt(path), { lease: false });
    const two = new KvStorageProvider(await kvAt(path), { lease: false });
    const lost: string[] = [];
    const a = await one.openRoom("shared");
    const b = await two.openRoom("shared", { onLost: (r) => lost.push(r) });
    await a.load();
    await b.load();

    await a.commit(commit({ puts: [{ state: geoShape("shape:a"), lastChangedClock: 1 }] }));
    await assert.rejects(async () =>
      await b.commit(commit({ puts: [{ state: geoShape("shape:b"), lastChangedClock: 1 }] }))
    );

    assert.equal(lost.length, 1);
    const snapshot =
      (await (await new KvStorageProvider(await kvAt(path), { lease: false }).openRoom("shared"))
        .load())!;
    assert.deepEqual(snapshot.documents.map((d) => d.state.id), ["shape:a"]);
  });

  it("the lease keeps a second server out until the first releases or its lease expires", async () => {
    const dir = tempDir();
    const path = dir.file("kv");
    let now = 1_000_000;
    const one = new KvStorageProvider(await kvAt(path), {
      ownerId: "one",
      leaseTtlMs: 60_000,
      leaseWaitMs: 0,
      now: () => now,
    });
    const two = new KvStorageProvider(await kvAt(path), {
      ownerId: "two",
      leaseTtlMs: 60_000,
      leaseWaitMs: 0,
      now: () => now,
    });
    const held = await one.openRoom("leased");

    await assert.rejects(two.openRoom("leased"), /held by another server/);
    now += 61_000; // the first server died without releasing
    const taken = await two.openRoom("leased");

    await taken.close();
    await held.close();
  });
});

describe("KvCommitBatcher", () => {
  it("commits of many rooms issued together share atomics and all land", async () => {
    const dir = tempDir();
    const kv = await kvAt(dir.file("kv"));
    const counting = countingKv(kv);
    const provider = new KvStorageProvider(counting.kv, { lease: false, maxChecksPerAtomic: 10 });
    const rooms = await Promise.all(
      Array.from({ length: 30 }, (_, i) => provider.openRoom(`g${i}`)),
    );
    await Promise.all(rooms.map((r) => r.load()));
    const before = counting.atomics();

    await Promise.all(
      rooms.map((r, i) =>
        r.commit(commit({ puts: [{ state: geoShape(`shape:${i}`), lastChangedClock: 1 }] }))
      ),
    );

    const used = counting.atomics() - before;
    assert.ok(used <= 5, `30 commits used ${used} atomics`);
    for (const [i, r] of rooms.entries()) {
      const again = await new KvStorageProvider(kv, { lease: false }).openRoom(`g${i}`);
      assert.equal((await again.load())!.documents[0]!.state.id, `shape:${i}`);
      void r;
    }
  });

  it("keeps at most maxCommitsInFlight atomics in flight, packing the rest", async () => {
    const dir = tempDir();
    const kv = await kvAt(dir.file("kv"));
    let inFlight = 0, peak = 0, atomics = 0;
    const slow: KvLike = {
      get: (k) => kv.get(k),
      list: (s, o) => kv.list(s, o),
      close: () => kv.close(),
      atomic: () => {
        const op = kv.atomic();
        const commitReal = op.commit.bind(op);
        op.commit = async () => {
          atomics++;
          peak = Math.max(peak, ++inFlight);
          await new Promise((r) => setTimeout(r, 5));
          try {
            return await commitReal();
          } finally {
            inFlight--;
          }
        };
        return op;
      },
    };
    const provider = new KvStorageProvider(slow, {
      lease: false,
      maxChecksPerAtomic: 5,
      maxCommitsInFlight: 3,
    });
    const rooms = await Promise.all(
      Array.from({ length: 40 }, (_, i) => provider.openRoom(`f${i}`)),
    );
    await Promise.all(rooms.map((r) => r.load()));
    atomics = peak = 0;

    await Promise.all(
      rooms.map((r, i) =>
        r.commit(commit({ puts: [{ state: geoShape(`shape:${i}`), lastChangedClock: 1 }] }))
      ),
    );

    assert.equal(peak, 3);
    // The first 3 go out alone at once; the other 37 wait and are packed 5 per atomic.
    assert.ok(atomics <= 3 + Math.ceil(37 / 5), `40 commits used ${atomics} atomics`);
  });

  it("a packed atomic with one stale room refuses only that room", async () => {
    const dir = tempDir();
    const kv = await kvAt(dir.file("kv"));
    const provider = new KvStorageProvider(kv, { lease: false });
    const lost: string[] = [];
    const a = await provider.openRoom("ok");
    const b = await provider.openRoom("stale", { onLost: (r) => lost.push(r) });
    await a.load();
    await b.load();
    const rival = await new KvStorageProvider(kv, { lease: false }).openRoom("stale");
    await rival.load();
    await rival.commit(commit({ puts: [{ state: geoShape("shape:rival"), lastChangedClock: 1 }] }));

    const results = await Promise.allSettled([
      a.commit(commit({ puts: [{ state: geoShape("shape:a"), lastChangedClock: 1 }] })),
      b.commit(commit({ puts: [{ state: geoShape("shape:b"), lastChangedClock: 1 }] })),
    ]);

    assert.equal(results[0].status, "fulfilled");
    assert.equal(results[1].status, "rejected");
    assert.equal(lost.length, 1);
  });
});
