import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { KvAssetStore } from "../../src/assets/kv_asset_store.ts";
import { KV_LIMITS } from "../../src/storage/kv/kv_limits.ts";
import { bytesOf, readAllOf, runAssetStoreContract } from "./asset_store_contract.ts";
import { countKeys, gatedStream, openMemoryKv, recordingKv } from "./kv_helpers.ts";

runAssetStoreContract("kv", async () => {
  const kv = await openMemoryKv();
  return { store: new KvAssetStore(kv), close: () => kv.close() };
});

function keySize(key: readonly unknown[]): number {
  return key.reduce<number>((n, k) => n + (typeof k === "string" ? k.length * 3 + 2 : 10), 0);
}

describe("KvAssetStore", () => {
  it("sweepOrphans deletes old parts no metadata names, keeps live assets and young uploads", async () => {
    const kv = await openMemoryKv();
    try {
      let now = 1_000_000_000_000;
      const store = new KvAssetStore(kv, { now: () => now });
      await store.put("kept.png", bytesOf(200_000), "image/png");
      // An upload that crashed after writing parts: parts, no metadata.
      const dead = `${(now - 2 * 3_600_000).toString(36)}.dead`;
      const young = `${now.toString(36)}.young`;
      const part = (id: string, upload: string, i: number) =>
        ["tlsync", "assets", id, "part", upload, i] as const;
      await kv.atomic()
        .set(part("crashed.png", dead, 0), new Uint8Array(10))
        .set(part("crashed.png", dead, 1), new Uint8Array(10))
        .set(part("kept.png", dead, 0), new Uint8Array(10)) // a losing duplicate upload of kept.png
        .set(part("inflight.png", young, 0), new Uint8Array(10))
        .commit();
      const before = await countKeys(kv, ["tlsync", "assets"]);

      const swept = await store.sweepOrphans();

      assert.equal(swept, 3);
      assert.equal(await countKeys(kv, ["tlsync", "assets"]), before - 3);
      const kept = await store.get("kept.png");
      assert.deepEqual(await readAllOf(kept!), bytesOf(200_000));
      now += 2 * 3_600_000; // the young upload never finished either
      assert.equal(await store.sweepOrphans(), 1);
    } finally {
      kv.close();
    }
  });

  it("a 3 MB upload is written as Uint8Array parts ≤ 60 KiB in atomics within KV limits, metadata last", async () => {
    const { kv, atomics } = recordingKv(await openMemoryKv());
    try {
      const store = new KvAssetStore(kv);
      const bytes = bytesOf(3_000_000);

      await store.put("big.mp4", bytes, "video/mp4");

      assert.ok(atomics.length > 2, `several atomics, got ${atomics.length}`);
      for (const a of atomics) {
        assert.ok(a.sets.length <= KV_LIMITS.maxMutations);
        const total = a.sets.reduce(
          (n, s) => n + keySize(s.key) + (s.value as Uint8Array).length,
          0,
        );
        assert.ok(total <= KV_LIMITS.maxTotalMutationBytes, `atomic of ${total} bytes`);
        for (const s of a.sets) {
          assert.ok(s.value instanceof Uint8Array);
          assert.ok(s.value.length <= 60 * 1024);
        }
      }
      const last = atomics[atomics.length - 1]!;
      assert.deepEqual(last.sets.map((s) => s.key), [["tlsync", "assets", "big.mp4", "meta"]]);
      assert.equal(last.checks, 1);
      assert.deepEqual(await readAllOf((await store.get("big.mp4"))!), bytes);
    } finally {
      kv.close();
    }
  });

  it("a half-written upload is invisible until its metadata is committed", async () => {
    const kv = await openMemoryKv();
    try {
      const store = new KvAssetStore(kv);
      const first = bytesOf(1_000_000, 1);
      const rest = bytesOf(100_000, 2);
      const body = gatedStream(first, rest);

      const put = store.put("slow.png", body.stream, "image/png");
      await body.firstPulled;
      const partsWhilePaused = await countKeys(kv, ["tlsync", "assets", "slow.png"]);
      const whilePaused = await store.get("slow.png");
      body.release();
      const result = await put;

      assert.ok(partsWhilePaused > 0, "some parts were already in KV");
      assert.equal(whilePaused, undefined);
      assert.deepEqual(result, { ok: true, size: 1_100_000 });
      const asset = (await store.get("slow.png"))!;
      assert.equal(asset.size, 1_100_000);
    } finally {
      kv.close();
    }
  });

  it("of two concurrent uploads to one id, the second to finish gets exists and its parts are removed", async () => {
    const kv = await openMemoryKv();
    try {
      const store = new KvAssetStore(kv);
      const a = gatedStream(bytesOf(100_000, 1), bytesOf(10, 1));
      const b = gatedStream(bytesOf(100_000, 2), bytesOf(10, 2));

      const putA = store.put("same", a.stream, "image/png");
      const putB = store.put("same", b.stream, "image/jpeg");
      await Promise.all([a.firstPulled, b.firstPulled]);
      a.release();
      const resultA = await putA;
      b.release();
      const resultB = await putB;

      assert.equal(resultA.ok, true);
      assert.deepEqual(resultB, { ok: false, reason: "exists" });
      assert.equal((await store.get("same"))!.contentType, "image/png");
      assert.equal(await countKeys(kv, ["tlsync", "assets", "same"]), 2 + 1, "A's 2 parts + meta");
    } finally {
      kv.close();
    }
  });

  it("a refused too_large upload and a deleted asset leave no keys behind", async () => {
    const kv = await openMemoryKv();
    try {
      const store = new KvAssetStore(kv, { prefix: ["p"] });
      await store.put("kept", bytesOf(200_000), "image/png");

      const refused = await store.put("huge", bytesOf(2_000_000), "image/png", { maxBytes: 1_000 });
      await store.delete("kept");

      assert.deepEqual(refused, { ok: false, reason: "too_large" });
      assert.equal(await countKeys(kv, ["p"]), 0);
    } finally {
      kv.close();
    }
  });
});
