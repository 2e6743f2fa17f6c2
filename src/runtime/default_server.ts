/**
 * The zero-configuration server behind `deno serve mod.ts` and `bun run mod.ts`: Deno KV at
 * ./data/tlsync.kv.sqlite3 (TLSYNC_DATA) for rooms and uploaded assets, `/uploads/:id` and
 * `/unfurl` routes (TLSYNC_MAX_UPLOAD_BYTES, default 10 MiB), JSON logs (TLSYNC_LOG_LEVEL), room
 * lease lifetime (TLSYNC_LEASE_MS, default 6000), limits (TLSYNC_MAX_SESSIONS per room,
 * TLSYNC_MAX_MPS messages per second per session), multi-instance serving of one KV file
 * (TLSYNC_CLUSTER=1), graceful shutdown. Storage fails closed: a KV that cannot be opened is an
 * error (`deno serve` / `bun run` exit non-zero with one line naming the path), never memory.
 * On Deno Deploy (DENO_DEPLOYMENT_ID) without TLSYNC_DATA, rooms go to the managed KV. `GET /metrics` always (TLSYNC_METRICS_TOKEN to require a
 * bearer token); the `/admin/` API only when TLSYNC_ADMIN_TOKEN is set.
 * @module
 */
import { adminRoutes } from "../server/admin/admin_routes.ts";
import { metricsRoute } from "../server/metrics_route.ts";
import { assetRoutes } from "../server/routes/assets_route.ts";
import { unfurlRoute } from "../server/routes/unfurl_route.ts";
import { createSyncHandler, type SyncHandler } from "./create_sync_handler.ts";
import { SyncMetrics } from "../metrics/sync_metrics.ts";
import type { Logger } from "../room/logger.ts";
import type { StorageProvider } from "../storage/storage.ts";
import { StorageHealth } from "../storage/storage_health.ts";
import {
  type DefaultBackends,
  firstLine,
  kvKindOf,
  openDefaultBackends,
} from "./default_backends.ts";
import { exitWithMessage } from "./exit_with_message.ts";
import { DeferredAssetStore } from "./deferred_asset_store.ts";
import { deferRouter } from "./deferred_router.ts";
import { DeferredStorage } from "./deferred_storage.ts";
import { readEnv } from "./env.ts";
import { jsonLogger, type LogLevel } from "./json_logger.ts";
import { systemResolveHost } from "./resolve_host.ts";
import { installShutdown } from "./shutdown.ts";

/** Default KV location. */
export const DEFAULT_DATA_PATH = "./data/tlsync.kv.sqlite3";

/** Options of {@linkcode createDefaultServer}. */
export interface DefaultServerOptions {
  /**
   * When storage cannot be opened, print one line and exit non-zero (the server process is
   * `mod.ts` itself). Otherwise the server stays up answering `/health` with 503 and refusing
   * rooms. Default false.
   */
  exitOnStorageFailure?: boolean;
}

/** Build the default server; storage opens in the background and requests wait for it. */
export function createDefaultServer(options: DefaultServerOptions = {}): SyncHandler {
  const logger = jsonLogger((readEnv("TLSYNC_LOG_LEVEL") ?? "info") as LogLevel);
  const managed = !readEnv("TLSYNC_DATA") && !!readEnv("DENO_DEPLOYMENT_ID");
  const path = managed ? undefined : readEnv("TLSYNC_DATA") ?? DEFAULT_DATA_PATH;
  const cluster = readEnv("TLSYNC_CLUSTER") === "1";
  const metrics = new SyncMetrics();
  const storageHealth = new StorageHealth(kvKindOf(path));
  const backends = openDefaultBackends(path, {
    leaseTtlMs: numberEnv("TLSYNC_LEASE_MS"),
    logger,
    cluster,
    onSkipped: (entry) => {
      logger.warn("storage_entry_skipped", { ...entry });
      metrics.storageSkipped.inc();
    },
  });
  const stopSweeping = watchBackends(backends, storageHealth, logger, options);
  const storage = new DeferredStorage(settled(backends.then((b) => b.storage)));
  const assets = new DeferredAssetStore(settled(backends.then((b) => b.assets)));
  const maxUpload = numberEnv("TLSYNC_MAX_UPLOAD_BYTES");
  const limits = {
    ...(numberEnv("TLSYNC_MAX_SESSIONS")
      ? { maxSessionsPerRoom: numberEnv("TLSYNC_MAX_SESSIONS")! }
      : {}),
    ...(numberEnv("TLSYNC_MAX_MPS")
      ? {
        maxMessagesPerSecond: numberEnv("TLSYNC_MAX_MPS")!,
        messageBurst: numberEnv("TLSYNC_MAX_MPS")! * 5,
      }
      : {}),
  };
  const routes = [
    assetRoutes({ store: assets, logger, ...(maxUpload ? { maxBytes: maxUpload } : {}) }),
    unfurlRoute({ logger, resolveHost: systemResolveHost }),
    metricsRoute({ token: readEnv("TLSYNC_METRICS_TOKEN") || undefined }),
    adminRoutes({ token: readEnv("TLSYNC_ADMIN_TOKEN") || undefined, logger }),
  ];
  const handler = createSyncHandler({
    storage,
    storageHealth,
    metrics,
    logger,
    limits,
    routes,
    ...(cluster ? { roomRouter: deferRouter(settled(backends.then((b) => b.roomRouter))) } : {}),
  });
  installShutdown(() => (stopSweeping(), handler.close()), logger);
  logger.info("server_started", {
    storage: path ?? "managed",
    cluster,
    admin: !!readEnv("TLSYNC_ADMIN_TOKEN"),
  });
  return handler;
}

/** Report how opening storage went; sweep expired leases at start and every 5 minutes. */
function watchBackends(
  backends: Promise<DefaultBackends>,
  health: StorageHealth,
  logger: Logger,
  options: DefaultServerOptions,
): () => void {
  let timer: ReturnType<typeof setInterval> | undefined;
  backends.then((b) => {
    health.setKind(b.kind);
    const sweep = (): void => void sweepLeases(b.storage, logger);
    sweep();
    timer = setInterval(sweep, 5 * 60_000);
  }, (error) => {
    health.unavailable();
    if (options.exitOnStorageFailure) exitWithMessage(`tlsync: ${firstLine(error)}`);
    logger.error("storage_unavailable", { error: firstLine(error) });
  });
  return () => clearInterval(timer);
}

async function sweepLeases(storage: StorageProvider, logger: Logger): Promise<void> {
  const sweeper = storage as { sweepLeases?: () => Promise<number> };
  try {
    const deleted = await sweeper.sweepLeases?.();
    if (deleted) logger.info("leases_swept", { deleted });
  } catch (error) {
    logger.warn("lease_sweep_failed", { error: firstLine(error) });
  }
}

/** `p`, marked handled: a storage failure surfaces where it is awaited, not as a crash. */
function settled<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {});
  return p;
}

function numberEnv(name: string): number | undefined {
  const value = Number(readEnv(name) ?? "");
  return Number.isFinite(value) && value > 0 ? value : undefined;
}
