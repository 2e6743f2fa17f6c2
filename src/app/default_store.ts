/**
 * The default server's storage wiring: KV opened in the background (requests wait through the
 * `deferred_*` wrappers), its health reported to `/health`, skipped entries reported as the
 * server's `storage_entry_skipped` event (the server logs and counts it),
 * expired leases swept at start and every 5 minutes, and a store that cannot be opened either
 * ends the process with one line or leaves `/health` at 503.
 * @module
 */
import type { AssetStore } from "../assets/asset_store.ts";
import { SyncMetrics } from "../metrics/sync_metrics.ts";
import { loggedChannel } from "../ports/event_channel.ts";
import type { Logger } from "../ports/logger.ts";
import type { RoomRouterFactory } from "../server/room_router.ts";
import type { ServerEmitter, ServerEventMap } from "../server/server_events.ts";
import type { StorageProvider } from "../storage/storage.ts";
import { StorageHealth } from "../storage/storage_health.ts";
import { type DefaultBackends, kvKindOf, openDefaultBackends } from "./default_backends.ts";
import { DeferredAssetStore } from "./deferred_asset_store.ts";
import { deferRouter } from "./deferred_router.ts";
import { DeferredStorage } from "./deferred_storage.ts";
import type { HistoryPolicy } from "../storage/history_policy.ts";
import type { CheckpointPolicy } from "../storage/kv/kv_checkpoint_policy.ts";
import { exitWithMessage } from "../runtime/exit_with_message.ts";
import type { BunKvDriver } from "../runtime/open_kv.ts";
import { firstLine } from "../ports/first_line.ts";

/** How often expired leases are swept. */
const LEASE_SWEEP_INTERVAL_MS = 5 * 60_000;

/** Options of {@linkcode openDefaultStore}. */
export interface DefaultStoreOptions {
  /** KV path or URL; `undefined`: Deno Deploy's managed KV. */
  path: string | undefined;
  /** Serve rooms from several processes on one KV. */
  cluster: boolean;
  /** Room lease lifetime. */
  leaseTtlMs: number | undefined;
  /** KV commit gather window under load (ms). */
  commitWindowMs?: number | undefined;
  /** Bun's KV driver for a file or `:memory:` (TLSYNC_BUN_KV). */
  bunKvDriver?: BunKvDriver | undefined;
  /** KV checkpoint thresholds (see `KvStorageOptions.checkpoint`). */
  checkpoint?: Partial<CheckpointPolicy>;
  /** Logs. */
  logger: Logger;
  /** End the process (one line, status 1) when storage cannot be opened. */
  exitOnStorageFailure: boolean;
  /** Room history bounds, or `false` for none. */
  history?: HistoryPolicy | false;
}

/** What the default server hands to `createSyncHandler` and its routes. */
export interface DefaultStore {
  storage: StorageProvider;
  assets: AssetStore;
  roomRouter: RoomRouterFactory | undefined;
  storageHealth: StorageHealth;
  metrics: SyncMetrics;
  /** The server's emitter (`SyncServerOptions.events`), which storage reports into. */
  events: ServerEmitter;
  /** Stop the periodic lease sweep. */
  stop(): void;
}

/** Start opening the default store; see the module. */
export function openDefaultStore(o: DefaultStoreOptions): DefaultStore {
  const metrics = new SyncMetrics();
  const events = loggedChannel<ServerEventMap>(o.logger, {});
  const storageHealth = new StorageHealth(kvKindOf(o.path));
  const backends = openDefaultBackends(o.path, {
    leaseTtlMs: o.leaseTtlMs,
    commitWindowMs: o.commitWindowMs,
    bunKvDriver: o.bunKvDriver,
    ...(o.checkpoint ? { checkpoint: o.checkpoint } : {}),
    logger: o.logger,
    cluster: o.cluster,
    onSkipped: (entry) => events.emit("storage_entry_skipped", { ...entry }),
    ...(o.history !== undefined ? { history: o.history } : {}),
  });
  const stop = watch(backends, storageHealth, o);
  return {
    storage: new DeferredStorage(handled(backends.then((b) => b.storage))),
    assets: new DeferredAssetStore(handled(backends.then((b) => b.assets))),
    roomRouter: o.cluster ? deferRouter(handled(backends.then((b) => b.roomRouter))) : undefined,
    storageHealth,
    metrics,
    events: events.emitter,
    stop,
  };
}

/** Report how opening went; sweep expired leases at start and periodically. */
function watch(
  backends: Promise<DefaultBackends>,
  health: StorageHealth,
  o: DefaultStoreOptions,
): () => void {
  let timer: ReturnType<typeof setInterval> | undefined;
  backends.then((b) => {
    health.setKind(b.kind);
    const sweep = (): void => void sweepLeases(b.storage, o.logger);
    sweep();
    timer = setInterval(sweep, LEASE_SWEEP_INTERVAL_MS);
  }, (error) => {
    health.unavailable();
    if (o.exitOnStorageFailure) exitWithMessage(`tlsync: ${firstLine(error, 300)}`);
    o.logger.error("storage_unavailable", { error: firstLine(error, 300) });
  });
  return () => clearInterval(timer);
}

async function sweepLeases(storage: StorageProvider, logger: Logger): Promise<void> {
  const sweeper = storage as {
    sweepLeases?: () => Promise<number>;
    sweepJournals?: () => Promise<number>;
  };
  try {
    const deleted = await sweeper.sweepLeases?.();
    if (deleted) logger.info("leases_swept", { deleted });
    const values = await sweeper.sweepJournals?.();
    if (values) logger.info("journals_swept", { deleted: values });
  } catch (error) {
    logger.warn("lease_sweep_failed", { error: firstLine(error, 300) });
  }
}

/** `p`, marked handled: a storage failure surfaces where it is awaited, not as a crash. */
function handled<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {});
  return p;
}
