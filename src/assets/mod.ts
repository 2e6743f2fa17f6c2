/**
 * Uploads for the tldraw front end's asset store: {@linkcode assetRoutes} serves
 * `PUT/GET /uploads/<id>` over an {@linkcode AssetStore} (in memory, or chunked into Deno KV with
 * {@linkcode KvAssetStore}), with a byte cap per upload, a quota per room and an authorize hook.
 * See docs/assets.md.
 *
 * @example Store uploads in the same KV as the rooms
 * ```ts ignore
 * import { createSyncHandler, openKv } from "@tlsync/edge";
 * import { KvStorageProvider } from "@tlsync/edge/kv";
 * import { assetRoutes, KvAssetStore } from "@tlsync/edge/assets";
 *
 * const kv = await openKv("./data/tlsync.kv.sqlite3");
 * const sync = createSyncHandler({
 *   storage: new KvStorageProvider(kv),
 *   routes: [assetRoutes({ store: new KvAssetStore(kv), maxBytes: 20 * 1024 * 1024 })],
 * });
 * Deno.serve({ hostname: "127.0.0.1", port: 8787 }, sync.fetch);
 * ```
 * @module
 */
export { assetRoutes, type AssetRoutesOptions } from "../server/routes/assets_route.ts";
export {
  type AssetAccess,
  type AssetAuthorize,
  assetAuthorizeFromSync,
  type AssetAuthorizeResult,
} from "../server/routes/asset_authorize.ts";
export type { AddressRateLimit, ClientAddress } from "../server/routes/address_limiter.ts";
export type {
  AssetBody,
  AssetMetadata,
  AssetPutOptions,
  AssetPutResult,
  AssetStore,
  ByteRange,
  StoredAsset,
} from "./asset_store.ts";
export { MemoryAssetStore } from "./memory_asset_store.ts";
export { KvAssetStore, type KvAssetStoreOptions } from "./kv_asset_store.ts";
export {
  MemoryQuotaLedger,
  type MemoryQuotaLedgerOptions,
  type QuotaGrant,
  type QuotaHold,
  type QuotaLedger,
} from "./upload_quota.ts";
export { KvQuotaLedger, type KvQuotaLedgerOptions } from "./kv_quota_ledger.ts";
