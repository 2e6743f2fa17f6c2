/**
 * The default server's rooms and assets, both in one Deno KV handle, with an in-memory fallback
 * when KV cannot be opened.
 * @module
 */
import type { AssetStore } from "../assets/asset_store.ts";
import { createKvCluster } from "../cluster/kv_cluster.ts";
import { lockRetryKv } from "../cluster/lock_retry_kv.ts";
import type { RoomRouterFactory } from "../server/room_router.ts";
import { KvAssetStore } from "../assets/kv_asset_store.ts";
import { MemoryAssetStore } from "../assets/memory_asset_store.ts";
import type { Logger } from "../room/logger.ts";
import { MemoryStorageProvider } from "../storage/memory_storage.ts";
import type { StorageProvider } from "../storage/storage.ts";
import { kvStorageOn } from "./default_storage.ts";
import { openKv } from "./open_kv.ts";

/** Where the default server keeps rooms and assets. */
export interface DefaultBackends {
  /** Rooms. Closing it closes the shared KV handle. */
  storage: StorageProvider;
  /** Uploaded images and videos. */
  assets: AssetStore;
  /** Multi-instance routing (only with `cluster`). */
  roomRouter?: RoomRouterFactory;
}

/** Open KV at `path` for rooms and assets; on failure, log and keep both in memory. */
export async function openDefaultBackends(
  path: string,
  leaseTtlMs: number | undefined,
  logger: Logger,
  cluster = false,
): Promise<DefaultBackends> {
  try {
    const kv = await openKv(path);
    if (cluster) {
      const native = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined";
      const c = createKvCluster(kv, {
        logger,
        maxChecksPerAtomic: native ? 100 : 10,
        ...(leaseTtlMs ? { leaseTtlMs } : {}),
      });
      return {
        storage: c.storage,
        assets: sweptInBackground(new KvAssetStore(lockRetryKv(kv)), logger),
        roomRouter: c.roomRouter,
      };
    }
    return {
      storage: kvStorageOn(kv, leaseTtlMs ? { leaseTtlMs } : {}),
      assets: sweptInBackground(new KvAssetStore(kv), logger),
    };
  } catch (error) {
    logger.error("storage_unavailable", {
      path,
      error: String(error),
      note: "falling back to in-memory storage: rooms and assets will NOT survive a restart " +
        "(run with --allow-read --allow-write --allow-env, or set TLSYNC_DATA)",
    });
    return { storage: new MemoryStorageProvider(), assets: new MemoryAssetStore() };
  }
}

/** Start deleting parts of uploads that a crash left unfinished; never blocks startup. */
function sweptInBackground(store: KvAssetStore, logger: Logger): KvAssetStore {
  store.sweepOrphans().then(
    (parts) => parts > 0 && logger.info("asset_orphans_swept", { parts }),
    (error) => logger.warn("asset_sweep_failed", { error: String(error) }),
  );
  return store;
}
