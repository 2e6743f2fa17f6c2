/**
 * The default server's rooms and assets, both in one Deno KV handle. Storage fails closed: a KV
 * that cannot be opened or read (a corrupt file, a directory) is a {@linkcode StorageOpenError},
 * never a silent switch to memory. Only a Deno without file permissions (a flagless
 * `deno serve`) keeps rooms in memory, loudly logged.
 * @module
 */
import type { AssetStore } from "../assets/asset_store.ts";
import { BusWake, createKvCluster } from "../cluster/kv_cluster.ts";
import { lockRetryKv } from "../storage/kv/lock_retry_kv.ts";
import type { RoomRouterFactory } from "../server/room_router.ts";
import { KvAssetStore } from "../assets/kv_asset_store.ts";
import { MemoryAssetStore } from "../assets/memory_asset_store.ts";
import type { Logger } from "../ports/logger.ts";
import type { KvLike } from "../storage/kv/kv_like.ts";
import type { SkippedEntry } from "../storage/kv/kv_records.ts";
import { MemoryStorageProvider } from "../storage/memory_storage.ts";
import type { HistoryPolicy } from "../storage/history_policy.ts";
import type { StorageProvider } from "../storage/storage.ts";
import { StorageKind } from "../storage/storage_health.ts";
import { kvStorageOn } from "../runtime/default_storage.ts";
import { type BunKvDriver, kvPackingOf, openKv } from "../runtime/open_kv.ts";
import type { CheckpointPolicy } from "../storage/kv/kv_checkpoint_policy.ts";
import { firstLine } from "../ports/first_line.ts";

/** Where the default server keeps rooms and assets. */
export interface DefaultBackends {
  /** Rooms. Closing it closes the shared KV handle. */
  storage: StorageProvider;
  /** Uploaded images and videos. */
  assets: AssetStore;
  /** Multi-instance routing (only with `cluster`). */
  roomRouter?: RoomRouterFactory;
  /** What the rooms ended up in. */
  kind: StorageKind;
}

/** Options of {@linkcode openDefaultBackends}. */
export interface DefaultBackendOptions {
  /** Room lease lifetime. */
  leaseTtlMs?: number | undefined;
  /** KV commit gather window under load (ms); see `KvStorageOptions.commitWindowMs`. */
  commitWindowMs?: number | undefined;
  /** KV checkpoint thresholds; see `KvStorageOptions.checkpoint`. */
  checkpoint?: Partial<CheckpointPolicy>;
  /** Logs. */
  logger: Logger;
  /** Serve rooms from several processes on one KV. */
  cluster?: boolean;
  /** Stored entries that loading skipped. */
  onSkipped?: (entry: SkippedEntry) => void;
  /** Bun's KV driver for a file or `:memory:` (TLSYNC_BUN_KV; default `sqlite`). */
  bunKvDriver?: BunKvDriver | undefined;
  /** Room history bounds, or `false` for none. Default: the default policy. */
  history?: HistoryPolicy | false;
}

/** KV could not be opened; `message` is one line naming the path. */
export class StorageOpenError extends Error {
  /** KV at `path` (`undefined`: Deno Deploy's managed KV) failed with `cause`. */
  constructor(path: string | undefined, cause: unknown) {
    const where = path === undefined ? "Deno Deploy's managed KV" : `"${path}"`;
    super(
      `cannot open storage at ${where}: ${firstLine(cause, 300)}; ` +
        "set TLSYNC_DATA=:memory: to run without persistence",
    );
    this.name = "StorageOpenError";
  }
}

/** The kind of KV store `path` names (`undefined`: managed KV on Deno Deploy). */
export function kvKindOf(path: string | undefined): StorageKind {
  if (path === undefined) return StorageKind.kvManaged;
  if (path === ":memory:") return StorageKind.kvMemory;
  return /^https?:\/\//.test(path) ? StorageKind.kvRemote : StorageKind.kvFile;
}

/** Open KV at `path` for rooms and assets; see the module for what happens on failure. */
export async function openDefaultBackends(
  path: string | undefined,
  options: DefaultBackendOptions,
): Promise<DefaultBackends> {
  let kv: KvLike;
  try {
    kv = await openKv(path, { bunDriver: options.bunKvDriver });
    await kv.get(["tlsync", "probe"]); // a database that opens but cannot be read fails here
  } catch (error) {
    if (!lacksPermission(error)) throw new StorageOpenError(path, error);
    options.logger.error("storage_unavailable", {
      path,
      error: firstLine(error, 300),
      note: "no file permissions: rooms and assets will NOT survive a restart " +
        "(run with --allow-read --allow-write --allow-env, or set TLSYNC_DATA=:memory:)",
    });
    return {
      storage: new MemoryStorageProvider({ history: options.history ?? {} }),
      assets: new MemoryAssetStore(),
      kind: StorageKind.memory,
    };
  }
  return kvBackends(kv, kvKindOf(path), options);
}

function kvBackends(kv: KvLike, kind: StorageKind, o: DefaultBackendOptions): DefaultBackends {
  const lease = o.leaseTtlMs ? { leaseTtlMs: o.leaseTtlMs } : {};
  const onSkipped = o.onSkipped ? { onSkipped: o.onSkipped } : {};
  const commitWindow = o.commitWindowMs !== undefined ? { commitWindowMs: o.commitWindowMs } : {};
  const history = { history: o.history ?? {} };
  const checkpoint = o.checkpoint ? { checkpoint: o.checkpoint } : {};
  if (o.cluster) {
    const c = createKvCluster(kv, {
      logger: o.logger,
      // The same packing as a lone process (default_storage.ts): following costs nothing then.
      ...kvPackingOf(kv),
      busWake: busWakeFor(kind),
      ...lease,
      ...onSkipped,
      ...history,
      ...checkpoint,
      ...commitWindow,
    });
    return {
      storage: c.storage,
      assets: sweptInBackground(new KvAssetStore(lockRetryKv(kv)), o.logger),
      roomRouter: c.roomRouter,
      kind,
    };
  }
  return {
    storage: kvStorageOn(kv, {
      ...lease,
      ...onSkipped,
      ...commitWindow,
      ...checkpoint,
      ...history,
    }),
    assets: sweptInBackground(new KvAssetStore(kv), o.logger),
    kind,
  };
}

/**
 * How the cluster bus wakes on a KV of `kind`: a remote or managed KV reports every writer's
 * changes to `kv.watch`, so its bus is read when its bell rings; a local file's watchers miss
 * other processes' writes, so it is polled.
 */
export function busWakeFor(kind: StorageKind): BusWake {
  return kind === StorageKind.kvRemote || kind === StorageKind.kvManaged
    ? BusWake.watch
    : BusWake.poll;
}

/** Deno refusing for want of a permission flag (not the OS refusing: that fails closed). */
function lacksPermission(error: unknown): boolean {
  return error instanceof Error && error.name === "NotCapable";
}

/** Start deleting parts of uploads that a crash left unfinished; never blocks startup. */
function sweptInBackground(store: KvAssetStore, logger: Logger): KvAssetStore {
  store.sweepOrphans().then(
    (parts) => parts > 0 && logger.info("asset_orphans_swept", { parts }),
    (error) => logger.warn("asset_sweep_failed", { error: firstLine(error, 300) }),
  );
  return store;
}
