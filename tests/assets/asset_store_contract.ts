// Shared behaviour of every AssetStore, run by memory_asset_store_test.ts and kv_asset_store_test.ts.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { AssetStore, StoredAsset } from "../../src/assets/asset_store.ts";

export interface StoreFixture {
  store: AssetStore;
  close(): Promise<void> | void;
}

export function bytesOf(length: number, seed = 7): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

export function streamOfChunks(bytes: Uint8Array, chunk: number): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + chunk));
      offset += chunk;
    },
  });
}

export async function readAllOf(asset: StoredAsset, range?: { offset: number; length: number }) {
  return new Uint8Array(await new Response(asset.read(range)).arrayBuffer());
}

export function runAssetStoreContract(name: string, open: () => Promise<StoreFixture>): void {
  async function withStore(fn: (store: AssetStore) => Promise<void>): Promise<void> {
    const fixture = await open();
    try {
      await fn(fixture.store);
    } finally {
      await fixture.close();
    }
  }

  describe(`AssetStore contract: ${name}`, () => {
    it("put() then get() returns the content type, size and identical bytes", async () => {
      await withStore(async (store) => {
        const bytes = bytesOf(150_000);

        const result = await store.put("a.png", bytes, "image/png");
        const asset = await store.get("a.png");

        assert.deepEqual(result, { ok: true, size: 150_000 });
        assert.equal(asset?.contentType, "image/png");
        assert.equal(asset?.size, 150_000);
        assert.deepEqual(await readAllOf(asset!), bytes);
      });
    });

    it("put() accepts a stream in odd-sized chunks", async () => {
      await withStore(async (store) => {
        const bytes = bytesOf(130_001, 3);

        await store.put("s.webm", streamOfChunks(bytes, 7_777), "video/webm");

        assert.deepEqual(await readAllOf((await store.get("s.webm"))!), bytes);
      });
    });

    it("put() on an existing id returns exists and keeps the first asset", async () => {
      await withStore(async (store) => {
        await store.put("x", bytesOf(10, 1), "image/png");

        const second = await store.put("x", bytesOf(20, 2), "image/jpeg");

        assert.deepEqual(second, { ok: false, reason: "exists" });
        const asset = (await store.get("x"))!;
        assert.equal(asset.contentType, "image/png");
        assert.deepEqual(await readAllOf(asset), bytesOf(10, 1));
      });
    });

    it("put() over maxBytes returns too_large and stores nothing", async () => {
      await withStore(async (store) => {
        const result = await store.put(
          "big",
          streamOfChunks(bytesOf(200_000), 50_000),
          "image/png",
          {
            maxBytes: 100_000,
          },
        );

        assert.deepEqual(result, { ok: false, reason: "too_large" });
        assert.equal(await store.get("big"), undefined);
      });
    });

    it("read() of a range spanning parts returns exactly those bytes", async () => {
      await withStore(async (store) => {
        const bytes = bytesOf(200_000, 9);
        await store.put("r", bytes, "image/png");

        const part = await readAllOf((await store.get("r"))!, { offset: 61_000, length: 70_000 });

        assert.deepEqual(part, bytes.slice(61_000, 131_000));
      });
    });

    it("get() of an unknown id is undefined; delete() removes an asset", async () => {
      await withStore(async (store) => {
        await store.put("d", bytesOf(5), "image/gif");

        await store.delete?.("d");

        assert.equal(await store.get("nope"), undefined);
        assert.equal(await store.get("d"), undefined);
        assert.equal((await store.put("d", bytesOf(3), "image/gif")).ok, true);
      });
    });

    it("an empty body is stored as a 0-byte asset", async () => {
      await withStore(async (store) => {
        await store.put("empty", new Uint8Array(0), "image/png");

        const asset = (await store.get("empty"))!;

        assert.equal(asset.size, 0);
        assert.equal((await readAllOf(asset)).length, 0);
      });
    });
  });
}
