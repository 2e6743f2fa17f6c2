// KV's key and value limits are checked before a commit writes anything, so an oversized write
// fails that commit alone and never leaves a journal the room cannot replay.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { openKv } from "../../src/runtime/open_kv.ts";
import { CommitRefusedError } from "../../src/storage/commit_refused_error.ts";
import { RoomKeys } from "../../src/storage/kv/kv_keys.ts";
import { AtomicPacker } from "../../src/storage/kv/atomic_packer.ts";
import { keyBytes, KV_LIMITS, mutationProblem } from "../../src/storage/kv/kv_limits.ts";
import { KvStorageProvider } from "../../src/storage/kv/kv_storage_provider.ts";
import { geoShape } from "../helpers/records.ts";
import { tempDir } from "../helpers/temp_dir.ts";
import { commit } from "./storage_contract.ts";

async function open() {
  const dir = tempDir();
  const kv = await openKv(dir.file("kv.sqlite3"));
  return {
    kv,
    provider: new KvStorageProvider(kv, { lease: false }),
    done: () => (kv.close(), dir.remove()),
  };
}

const longId = (bytes: number) => `shape:${"x".repeat(bytes - 6)}`;

describe("KV limits", () => {
  it("measures keys as KV encodes them, and names what does not fit", async () => {
    assert.equal(keyBytes(["ab"]), 4);
    assert.equal(keyBytes(["a\u0000b"]), 6, "a NUL byte is escaped");
    assert.equal(keyBytes(["é", 1]), 4 + 9);
    const { kv, done } = await open();
    try {
      // The measure matches the store: the largest key that fits is written, one byte more is not.
      const fits = ["k".repeat(KV_LIMITS.maxKeyBytes - 2)];
      const over = ["k".repeat(KV_LIMITS.maxKeyBytes - 1)];
      assert.equal(mutationProblem({ key: fits, value: new Uint8Array(1) }), null);
      assert.match(mutationProblem({ key: over, value: null })!, /2049 bytes.*2048-byte key limit/);
      assert.ok((await kv.atomic().set(fits, new Uint8Array(1)).commit()).ok);
      await assert.rejects(async () => await kv.atomic().set(over, new Uint8Array(1)).commit());
      const big = new Uint8Array(KV_LIMITS.maxValueBytes + 1);
      assert.match(mutationProblem({ key: ["v"], value: big })!, /65537 bytes/);
    } finally {
      done();
    }
  });

  it("counts string key parts without encoding them, exactly as UTF-8 with NULs escaped", () => {
    const enc = new TextEncoder();
    const reference = (s: string): number => {
      const b = enc.encode(s);
      return b.length + 2 + b.filter((x) => x === 0).length;
    };
    const samples = [
      "",
      "abc",
      "\u0000",
      "a\u0000b",
      "é",
      "€",
      "😀",
      "\ud800",
      "\ud800x",
      "x\udc00",
    ];
    for (let i = 0; i < 500; i++) {
      let s = "";
      for (let j = 0; j < i % 9; j++) s += String.fromCharCode((i * 7919 + j * 104_729) % 0x10000);
      samples.push(s);
    }
    for (const s of samples) assert.equal(keyBytes([s]), reference(s), JSON.stringify(s));
  });

  it("a record id over the key limit fails that commit (small or journaled) and the room still loads", async () => {
    const { kv, provider, done } = await open();
    try {
      const room = await provider.openRoom("r");
      await room.load();
      await room.commit(commit({ puts: [{ state: geoShape("shape:ok"), lastChangedClock: 1 }] }));
      const bad = { state: geoShape(longId(3000)), lastChangedClock: 2 };
      await assert.rejects(
        async () => await room.commit(commit({ documentClock: 2, puts: [bad] })),
        (e) => e instanceof CommitRefusedError && /over KV's 2048-byte key limit/.test(e.message),
      );
      // Journaled: 3000 records plus the bad one. Nothing is staged, the head never moves.
      const fresh = await provider.openRoom("r");
      await fresh.load();
      const puts = Array.from({ length: 3000 }, (_, i) => ({
        state: geoShape(`shape:${i}`),
        lastChangedClock: 2,
      }));
      await assert.rejects(
        async () => await fresh.commit(commit({ documentClock: 2, puts: [...puts, bad] })),
        CommitRefusedError,
      );
      let journalKeys = 0;
      for await (
        const _ of kv.list({ prefix: [...new RoomKeys(["tlsync"], "r").root, "journal"] })
      ) {
        journalKeys++;
      }
      assert.equal(journalKeys, 0, "no journal was written");
      const loaded = (await (await provider.openRoom("r")).load())!;
      assert.deepEqual(loaded.documents.map((d) => d.state.id), ["shape:ok"]);
      assert.equal(loaded.documentClock, 1);
      // And it takes later commits.
      const again = await provider.openRoom("r");
      await again.load();
      await again.commit(commit({ documentClock: 2, puts }));
      assert.equal((await (await provider.openRoom("r")).load())!.documents.length, 3001);
    } finally {
      done();
    }
  });

  it("many long ids in one commit are split within the total-key limit of an atomic", async () => {
    const { provider, done } = await open();
    try {
      const room = await provider.openRoom("long");
      await room.load();
      // 300 ids of 500 bytes: ~160 KB of keys, twice what one atomic may carry on Deno.
      const puts = Array.from({ length: 300 }, (_, i) => ({
        state: geoShape(`shape:${String(i).padStart(4, "0")}${"y".repeat(490)}`),
        lastChangedClock: 1,
      }));
      await room.commit(commit({ puts }));
      const loaded = (await (await provider.openRoom("long")).load())!;
      assert.equal(loaded.documents.length, 300);
      const packer = new AtomicPacker();
      assert.equal(packer.fits({ mutations: 1, checks: 0, bytes: 10, keyBytes: 80_000 }), false);
    } finally {
      done();
    }
  });

  it("a value over the limit (a schema here; records are split) fails the commit before writing", async () => {
    const { provider, done } = await open();
    try {
      const room = await provider.openRoom("schema");
      await room.load();
      const huge = { schemaVersion: 2, sequences: { big: 1 }, pad: "z".repeat(70_000) };
      await assert.rejects(
        async () =>
          await room.commit(
            commit({
              schema: huge as never,
              puts: [{ state: geoShape("shape:a"), lastChangedClock: 1 }],
            }),
          ),
        /value of \d+ bytes is over KV's 65536-byte limit/,
      );
      assert.equal(await (await provider.openRoom("schema")).load(), undefined);
    } finally {
      done();
    }
  });
});
