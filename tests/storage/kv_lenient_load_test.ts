// No stored value makes a room unloadable: bad entries are skipped (and reported with their key),
// a journal that cannot be applied is dropped, and an unreadable head fails closed while the
// salvage read still exports what is readable.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { openKv } from "../../src/runtime/open_kv.ts";
import { encodeJson } from "../../src/storage/kv/kv_codec.ts";
import { RoomKeys } from "../../src/storage/kv/kv_keys.ts";
import type { KvLike } from "../../src/storage/kv/kv_like.ts";
import type { SkippedEntry } from "../../src/storage/kv/kv_records.ts";
import { KvStorageProvider } from "../../src/storage/kv/kv_storage_provider.ts";
import { geoShape } from "../helpers/records.ts";
import { tempDir } from "../helpers/temp_dir.ts";
import { commit } from "./storage_contract.ts";

const keys = new RoomKeys(["tlsync"], "r");

async function seeded(): Promise<{
  kv: KvLike;
  provider: KvStorageProvider;
  skipped: SkippedEntry[];
  done(): void;
}> {
  const dir = tempDir();
  const kv = await openKv(dir.file("kv.sqlite3"));
  const skipped: SkippedEntry[] = [];
  const provider = new KvStorageProvider(kv, { lease: false, onSkipped: (e) => skipped.push(e) });
  const room = await provider.openRoom("r");
  await room.load();
  await room.commit(commit({
    puts: [
      { state: geoShape("shape:a"), lastChangedClock: 1 },
      {
        state: geoShape("shape:big", 0, 0, { meta: { blob: "b".repeat(150_000) } }),
        lastChangedClock: 1,
      },
    ],
  }));
  await room.close(); // checkpointed: the records are in their document keys
  return { kv, provider, skipped, done: () => (kv.close(), dir.remove()) };
}

async function ids(provider: KvStorageProvider): Promise<string[]> {
  const snapshot = (await (await provider.openRoom("r")).load())!;
  return snapshot.documents.map((d) => d.state.id).sort();
}

async function headValue(kv: KvLike): Promise<Record<string, unknown>> {
  const entry = await kv.get<Uint8Array>(keys.head());
  return JSON.parse(new TextDecoder().decode(entry.value!));
}

describe("lenient loading", () => {
  it("a large record missing a part, or with a corrupt part, is skipped", async () => {
    const { kv, provider, skipped, done } = await seeded();
    try {
      await kv.atomic().delete(keys.chunk("shape:big", 1, 1)).commit();
      assert.deepEqual(await ids(provider), ["shape:a"]);
      assert.match(skipped[0]!.reason, /missing parts \(2\/3\)/);
      assert.equal(skipped[0]!.key, '["tlsync","room","r","doc","shape:big"]');
      await kv.atomic().set(keys.chunk("shape:big", 1, 1), new Uint8Array([0xff, 0xfe])).commit();
      assert.deepEqual(await ids(provider), ["shape:a"]);
      assert.match(skipped.at(-1)!.reason, /not valid JSON/);
    } finally {
      done();
    }
  });

  it("a malformed document or schema entry is skipped", async () => {
    const { kv, provider, skipped, done } = await seeded();
    try {
      await kv.atomic()
        .set(keys.doc("shape:a"), encodeJson({ c: 1, s: { id: "shape:other", typeName: "shape" } }))
        .set(keys.doc("shape:n"), encodeJson(null))
        .set(keys.schema(), encodeJson("nope"))
        .commit();
      assert.deepEqual(await ids(provider), ["shape:big"]);
      assert.deepEqual(skipped.map((s) => s.key).sort(), [
        '["tlsync","room","r","doc","shape:a"]',
        '["tlsync","room","r","doc","shape:n"]',
        '["tlsync","room","r","schema"]',
      ]);
    } finally {
      done();
    }
  });

  it("a journal holding a write KV cannot take (written by an older version) is skipped, not replayed forever", async () => {
    const { kv, provider, skipped, done } = await seeded();
    try {
      // What an older version left: the head flipped to a journal whose record id is too long.
      const staged = commit({
        documentClock: 2,
        puts: [
          { state: geoShape(`shape:${"x".repeat(3000)}`), lastChangedClock: 2 },
          { state: geoShape("shape:c"), lastChangedClock: 2 },
        ],
      });
      await kv.atomic()
        .set(keys.journalPart(2, 0), encodeJson(staged))
        .set(
          keys.head(),
          encodeJson({
            ...(await headValue(kv)),
            documentClock: 2,
            journal: { clock: 2, parts: 1 },
          }),
        )
        .commit();

      assert.deepEqual(await ids(provider), ["shape:a", "shape:big", "shape:c"]);
      assert.equal(skipped.length, 1);
      assert.match(skipped[0]!.reason, /journaled write skipped: key of \d+ bytes/);
      assert.equal(
        "journal" in (await headValue(kv)),
        false,
        "the head no longer names the journal",
      );
      assert.equal((await kv.get(keys.journalPart(2, 0))).versionstamp, null, "journal removed");
      assert.deepEqual(await ids(provider), ["shape:a", "shape:big", "shape:c"]);
      assert.equal(skipped.length, 1, "the second load has nothing to skip");
    } finally {
      done();
    }
  });

  it("an incomplete or undecodable journal is dropped and the room loads", async () => {
    for (const part of [null, new TextEncoder().encode("{not json")]) {
      const { kv, provider, skipped, done } = await seeded();
      try {
        const op = kv.atomic().set(
          keys.head(),
          encodeJson({
            ...(await headValue(kv)),
            documentClock: 2,
            journal: { clock: 2, parts: 2 },
          }),
        );
        if (part) op.set(keys.journalPart(2, 0), part).set(keys.journalPart(2, 1), part);
        await op.commit();
        assert.deepEqual(await ids(provider), ["shape:a", "shape:big"]);
        assert.match(skipped[0]!.reason, part ? /not valid JSON/ : /journal incomplete \(0\/2\)/);
        assert.equal(skipped[0]!.key, '["tlsync","room","r","journal",2]');
      } finally {
        done();
      }
    }
  });

  it("an unreadable head fails the load naming its key; salvage still reads the records", async () => {
    const { kv, provider, done } = await seeded();
    try {
      await kv.atomic().set(keys.head(), new TextEncoder().encode("garbage")).commit();
      await assert.rejects(
        (await provider.openRoom("r")).load(),
        /room "r".*\["tlsync","room","r","head"\].*not valid JSON/,
      );
      const salvaged = (await provider.salvageRoom("r"))!;
      assert.deepEqual(salvaged.documents.map((d) => d.state.id).sort(), ["shape:a", "shape:big"]);
      assert.equal(salvaged.documentClock, 1, "the clock is the highest one found");
      assert.ok(salvaged.schema, "the schema key is read");
      assert.equal(await provider.salvageRoom("never"), undefined);
      // Deleting the room (an operator's way out) makes the id usable again.
      await provider.deleteRoom("r");
      assert.equal(await (await provider.openRoom("r")).load(), undefined);
    } finally {
      done();
    }
  });

  it("a head or log entry with a clock no server writes (2^53) is unreadable, not served", async () => {
    // Loaded as the room's clock, 2^53 + 1 === 2^53: every later commit carried the same clock and
    // clients reconnecting from it missed them.
    const { kv, provider, skipped, done } = await seeded();
    try {
      const huge = 2 ** 53;
      await kv.atomic().set(
        keys.log(huge),
        encodeJson({ v: 1, clock: huge, puts: [], deletes: {} }),
      )
        .commit();
      const loaded = (await (await provider.openRoom("r")).load())!;
      assert.equal(loaded.documentClock, 1);
      assert.ok(skipped.some((e) => e.key.includes('"log"')), JSON.stringify(skipped));

      const head = JSON.parse(
        new TextDecoder().decode((await kv.get<Uint8Array>(keys.head())).value!),
      );
      await kv.atomic().set(keys.head(), encodeJson({ ...head, documentClock: huge })).commit();
      await assert.rejects((await provider.openRoom("r")).load(), /room "r".*"head"/);
    } finally {
      done();
    }
  });

  it("an unreadable lease, or one expiring implausibly far ahead, binds no one: the room opens", async () => {
    // The far one is written by no live server (the longest lease is an hour): it kept clients
    // waiting for ever.
    const far = encodeJson({ owner: "ghost", expiresAt: 8_640_000_000_000_000 });
    for (const stored of [new TextEncoder().encode("{lease?"), far]) {
      const { kv, done } = await seeded();
      try {
        await kv.atomic().set(keys.lease(), stored).commit();
        const provider = new KvStorageProvider(kv, { leaseWaitMs: 0, ownerId: "me" });
        const room = await provider.openRoom("r");
        assert.deepEqual((await room.load())!.documents.length, 2);
        const lease = JSON.parse(
          new TextDecoder().decode((await kv.get<Uint8Array>(keys.lease())).value!),
        );
        assert.equal(lease.owner, "me", "the lease is rewritten");
        await room.close();
      } finally {
        done();
      }
    }
  });
});
