/**
 * Assets in Deno KV (native on Deno, `@deno/kv` on Bun), beside the rooms.
 *
 * An asset is its parts (≤ 60 KiB each) plus one metadata key. Parts are written first, in as
 * many atomics as KV's limits need (packed by `atomic_packer.ts`); the metadata is written last, in its own atomic that checks
 * the id is still free. Until then the asset does not exist, so a half-written upload is never
 * visible. Parts of an upload that died before its metadata (a crash mid-upload) are unreachable;
 * {@linkcode KvAssetStore.sweepOrphans} deletes those older than an hour (upload ids start with
 * their start time).
 * @module
 */
import { AtomicPacker, costOf, writeBatches } from "../storage/kv/atomic_packer.ts";
import type { KvKey, KvLike } from "../storage/kv/kv_like.ts";
import { discard, readParts } from "./_body_parts.ts";
import {
  ASSET_PART_BYTES,
  assetMetaKey,
  assetPartKey,
  decodeMeta,
  encodeMeta,
  type StoredAssetMeta,
} from "./_kv_asset_keys.ts";
import type {
  AssetBody,
  AssetPutOptions,
  AssetPutResult,
  AssetStore,
  ByteRange,
  StoredAsset,
} from "./asset_store.ts";
import { KvQuotaLedger } from "./kv_quota_ledger.ts";
import type { QuotaLedger } from "./upload_quota.ts";

/** Options of {@linkcode KvAssetStore}. */
export interface KvAssetStoreOptions {
  /** Key prefix. Default `["tlsync", "assets"]`. */
  prefix?: KvKey;
  /**
   * Wall time in ms (default `Date.now`): stamps uploads so orphans can be aged, and expires
   * quota holds of uploads that died.
   */
  now?: () => number;
}

/** Orphaned parts younger than this may belong to an upload still in progress. */
const ORPHAN_MIN_AGE_MS = 60 * 60 * 1000;

/**
 * Stores assets in a KV database (the `KvLike` subset of `Deno.Kv`).
 *
 * @example Assets in the same KV as the rooms
 * ```ts ignore
 * import { createSyncHandler } from "@tlsync/edge";
 * import { KvStorageProvider } from "@tlsync/edge/kv";
 * import { assetRoutes, KvAssetStore } from "@tlsync/edge/assets";
 *
 * const kv = await Deno.openKv("./data/tlsync.kv.sqlite3");
 * const sync = createSyncHandler({
 *   storage: new KvStorageProvider(kv),
 *   routes: [assetRoutes({ store: new KvAssetStore(kv) })],
 * });
 * ```
 */
export class KvAssetStore implements AssetStore {
  #kv: KvLike;
  #prefix: KvKey;
  #now: () => number;
  /**
   * Per-room upload bytes at `[...prefix, "~quota", "bytes", room]` and holds of uploads in
   * progress below it (never an asset's key).
   */
  readonly quota: QuotaLedger;

  /** A store on `kv`; closing `kv` is the caller's business. */
  constructor(kv: KvLike, options: KvAssetStoreOptions = {}) {
    this.#kv = kv;
    this.#prefix = options.prefix ?? ["tlsync", "assets"];
    this.#now = options.now ?? Date.now;
    this.quota = new KvQuotaLedger(kv, [...this.#prefix, "~quota", "bytes"], { now: this.#now });
  }

  /**
   * Delete parts that no metadata names (uploads that died before finishing) once they are at
   * least `minAgeMs` old. Returns how many parts were deleted. Safe while the store is in use:
   * a younger upload may still be running and is left alone.
   */
  async sweepOrphans(minAgeMs: number = ORPHAN_MIN_AGE_MS): Promise<number> {
    const cutoff = this.#now() - minAgeMs;
    const live = new Map<string, string>(); // id → upload named by its metadata
    const candidates: KvKey[] = [];
    for await (const entry of this.#kv.list<Uint8Array>({ prefix: this.#prefix })) {
      const rest = entry.key.slice(this.#prefix.length);
      const id = String(rest[0]);
      if (rest[1] === "meta") live.set(id, decodeMeta(entry.value, id).upload);
      else if (rest[1] === "part" && uploadStartedAt(String(rest[2])) < cutoff) {
        candidates.push(entry.key);
      }
    }
    // Decide once everything is read: an upload is orphaned unless its id's metadata names it.
    const orphans = candidates.filter((key) => {
      const rest = key.slice(this.#prefix.length);
      return live.get(String(rest[0])) !== String(rest[2]);
    });
    const deletes = orphans.map((key) => ({ key, value: null }));
    await writeBatches(this.#kv, deletes, "Cannot delete orphaned asset parts");
    return orphans.length;
  }

  /** Store `body` under `id` unless the id is taken. */
  async put(
    id: string,
    body: AssetBody,
    contentType: string,
    options: AssetPutOptions = {},
  ): Promise<AssetPutResult> {
    const metaKey = assetMetaKey(this.#prefix, id);
    if ((await this.#kv.get(metaKey)).versionstamp !== null) {
      await discard(body);
      return { ok: false, reason: "exists" };
    }
    const upload = `${this.#now().toString(36)}.${crypto.randomUUID()}`;
    let parts = 0;
    let size = 0;
    try {
      const writer = new PartWriter(this.#kv);
      const it = readParts(body, ASSET_PART_BYTES, options.maxBytes);
      let step = await it.next();
      while (!step.done) {
        await writer.add(assetPartKey(this.#prefix, id, upload, parts), step.value);
        parts++;
        size += step.value.length;
        step = await it.next();
      }
      if (step.value === "too_large") {
        await writer.flush();
        await this.#deleteParts(id, upload, parts);
        return { ok: false, reason: "too_large" };
      }
      await writer.flush();
      const meta: StoredAssetMeta = {
        contentType,
        size,
        parts,
        partBytes: ASSET_PART_BYTES,
        upload,
      };
      const result = await this.#kv.atomic()
        .check({ key: metaKey, versionstamp: null })
        .set(metaKey, encodeMeta(meta))
        .commit();
      if (result.ok) return { ok: true, size };
    } catch (error) {
      await this.#deleteParts(id, upload, parts).catch(() => {
        // The original failure is the one worth reporting; leftover parts are unreachable.
      });
      throw error;
    }
    // A concurrent upload of the same id wrote its metadata first.
    await this.#deleteParts(id, upload, parts);
    return { ok: false, reason: "exists" };
  }

  /** The asset under `id`, or `undefined`. */
  async get(id: string): Promise<StoredAsset | undefined> {
    const entry = await this.#kv.get(assetMetaKey(this.#prefix, id));
    if (entry.versionstamp === null) return undefined;
    const meta = decodeMeta(entry.value, id);
    return {
      contentType: meta.contentType,
      size: meta.size,
      read: (range?: ByteRange): ReadableStream<Uint8Array> =>
        this.#read(id, meta, range ?? { offset: 0, length: meta.size }),
    };
  }

  /** Remove the asset under `id`: the metadata first (it vanishes at once), then its parts. */
  async delete(id: string): Promise<void> {
    const metaKey = assetMetaKey(this.#prefix, id);
    const entry = await this.#kv.get(metaKey);
    if (entry.versionstamp === null) return;
    const meta = decodeMeta(entry.value, id);
    const result = await this.#kv.atomic().check(entry).delete(metaKey).commit();
    if (result.ok) await this.#deleteParts(id, meta.upload, meta.parts);
  }

  #read(id: string, meta: StoredAssetMeta, range: ByteRange): ReadableStream<Uint8Array> {
    const end = Math.min(range.offset + range.length, meta.size);
    let index = Math.floor(range.offset / meta.partBytes);
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        const partStart = index * meta.partBytes;
        if (partStart >= end) return controller.close();
        const key = assetPartKey(this.#prefix, id, meta.upload, index);
        const { value } = await this.#kv.get(key);
        if (!(value instanceof Uint8Array)) {
          throw new Error(`Cannot read asset "${id}": part ${index} is missing`);
        }
        const from = Math.max(range.offset - partStart, 0);
        const to = Math.min(end - partStart, value.length);
        controller.enqueue(value.slice(from, to));
        index++;
      },
    });
  }

  async #deleteParts(id: string, upload: string, parts: number): Promise<void> {
    const deletes = Array.from({ length: parts }, (_, i) => ({
      key: assetPartKey(this.#prefix, id, upload, i),
      value: null,
    }));
    await writeBatches(this.#kv, deletes, `Cannot delete parts of asset "${id}"`);
  }
}

/** When an upload started, from its id (ids without a time stamp count as old). */
function uploadStartedAt(upload: string): number {
  const dot = upload.indexOf(".");
  const time = dot > 0 ? parseInt(upload.slice(0, dot), 36) : NaN;
  return Number.isFinite(time) ? time : 0;
}

/** Writes an upload's parts as they arrive, as many per atomic as KV's limits allow. */
class PartWriter {
  #kv: KvLike;
  #batch: { key: KvKey; value: Uint8Array }[] = [];
  #packer = new AtomicPacker();

  constructor(kv: KvLike) {
    this.#kv = kv;
  }

  async add(key: KvKey, value: Uint8Array): Promise<void> {
    const part = { key, value };
    const cost = costOf([part]);
    if (this.#packer.full(cost)) await this.flush();
    this.#batch.push(part);
    this.#packer.add(cost);
  }

  async flush(): Promise<void> {
    if (this.#batch.length === 0) return;
    await writeBatches(this.#kv, this.#batch, "Cannot write asset parts: KV atomic commit failed");
    this.#batch = [];
    this.#packer.reset();
  }
}
