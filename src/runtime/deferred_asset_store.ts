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

/** Forwards to the store `ready` resolves to. */
export class DeferredAssetStore implements AssetStore {
  #ready: Promise<AssetStore>;
  /** Wrap a store that is still opening. */
  constructor(ready: Promise<AssetStore>) {
    this.#ready = ready;
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
