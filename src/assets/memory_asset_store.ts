/**
 * An in-memory asset store, for tests and for servers without persistent storage.
 * @module
 */
import { discard, readAll, streamOf } from "./_body_parts.ts";
import type {
  AssetBody,
  AssetPutOptions,
  AssetPutResult,
  AssetStore,
  ByteRange,
  StoredAsset,
} from "./asset_store.ts";
import { MemoryQuotaLedger, type QuotaLedger } from "./upload_quota.ts";

interface Entry {
  contentType: string;
  bytes: Uint8Array;
}

/**
 * Keeps assets in a `Map` (lost on restart).
 *
 * @example Store and read back
 * ```ts ignore
 * import { MemoryAssetStore } from "@tlsync/edge/assets";
 *
 * const store = new MemoryAssetStore();
 * await store.put("a.png", new Uint8Array([1, 2, 3]), "image/png");
 * const asset = await store.get("a.png");
 * console.log(asset?.size); // 3
 * ```
 */
export class MemoryAssetStore implements AssetStore {
  #assets = new Map<string, Entry>();
  /** Per-room upload bytes, in memory like the assets. */
  readonly quota: QuotaLedger = new MemoryQuotaLedger();

  /** Store `body` under `id` unless the id is taken. */
  async put(
    id: string,
    body: AssetBody,
    contentType: string,
    options: AssetPutOptions = {},
  ): Promise<AssetPutResult> {
    if (this.#assets.has(id)) {
      await discard(body);
      return { ok: false, reason: "exists" };
    }
    const bytes = await readAll(body, options.maxBytes);
    if (bytes === "too_large") return { ok: false, reason: "too_large" };
    // Another upload of the same id may have finished while this one was reading.
    if (this.#assets.has(id)) return { ok: false, reason: "exists" };
    this.#assets.set(id, { contentType, bytes });
    return { ok: true, size: bytes.length };
  }

  /** The asset under `id`, or `undefined`. */
  get(id: string): Promise<StoredAsset | undefined> {
    const entry = this.#assets.get(id);
    if (!entry) return Promise.resolve(undefined);
    const { contentType, bytes } = entry;
    return Promise.resolve({
      contentType,
      size: bytes.length,
      read: (range?: ByteRange): ReadableStream<Uint8Array> =>
        streamOf(range ? bytes.slice(range.offset, range.offset + range.length) : bytes.slice()),
    });
  }

  /** Remove the asset under `id`. */
  delete(id: string): Promise<void> {
    this.#assets.delete(id);
    return Promise.resolve();
  }
}
