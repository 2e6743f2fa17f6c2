/**
 * An asset store whose real implementation is still opening; calls wait for it.
 * @module
 */
import type {
  AssetBody,
  AssetPutOptions,
  AssetPutResult,
  AssetStore,
  StoredAsset,
} from "../assets/asset_store.ts";
import {
  MemoryQuotaLedger,
  type QuotaGrant,
  type QuotaHold,
  type QuotaLedger,
} from "../assets/upload_quota.ts";

/** Forwards to the store `ready` resolves to. */
export class DeferredAssetStore implements AssetStore {
  #ready: Promise<AssetStore>;
  /** The real store's ledger (or one in memory when it has none), once it is open. */
  readonly quota: QuotaLedger;
  /** Wrap a store that is still opening. */
  constructor(ready: Promise<AssetStore>) {
    this.#ready = ready;
    const fallback = new MemoryQuotaLedger();
    const ledger = async (): Promise<QuotaLedger> => (await ready).quota ?? fallback;
    this.quota = {
      reserve: async (
        bucket: string,
        bytes: number,
        limit: number,
        hold: QuotaHold,
      ): Promise<QuotaGrant> => (await ledger()).reserve(bucket, bytes, limit, hold),
      settle: async (bucket: string, hold: QuotaHold, kept: number): Promise<void> =>
        (await ledger()).settle(bucket, hold, kept),
      used: async (bucket: string): Promise<number> => (await ledger()).used(bucket),
    };
  }
  /** See {@linkcode AssetStore.put}. */
  async put(
    id: string,
    body: AssetBody,
    contentType: string,
    options?: AssetPutOptions,
  ): Promise<AssetPutResult> {
    return (await this.#ready).put(id, body, contentType, options);
  }
  /** See {@linkcode AssetStore.get}. */
  async get(id: string): Promise<StoredAsset | undefined> {
    return (await this.#ready).get(id);
  }
  /** See {@linkcode AssetStore.delete}. */
  async delete(id: string): Promise<void> {
    await (await this.#ready).delete?.(id);
  }
}
