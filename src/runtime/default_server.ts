/**
 * The zero-configuration server behind `deno serve mod.ts` and `bun run mod.ts`: Deno KV at
 * ./data/tlsync.kv.sqlite3 (TLSYNC_DATA) for rooms and uploaded assets, `/uploads/:room/:id` and
 * `/unfurl` routes (limits from route_env.ts: TLSYNC_MAX_UPLOAD_BYTES, default 10 MiB;
 * TLSYNC_MAX_UPLOAD_BYTES_PER_ROOM, default 256 MiB; …), JSON logs (TLSYNC_LOG_LEVEL), room
 * lease lifetime (TLSYNC_LEASE_MS, default 6000), limits (TLSYNC_MAX_SESSIONS per room,
 * TLSYNC_MAX_MPS messages per second per session), multi-instance serving of one KV file
 * (TLSYNC_CLUSTER=1), graceful shutdown. `GET /metrics` always (TLSYNC_METRICS_TOKEN to require a
 * bearer token); the `/admin/` API only when TLSYNC_ADMIN_TOKEN is set.
 * @module
 */
import { adminRoutes } from "../server/admin/admin_routes.ts";
import { metricsRoute } from "../server/metrics_route.ts";
import { assetRoutes } from "../server/routes/assets_route.ts";
import { unfurlRoute } from "../server/routes/unfurl_route.ts";
import { createSyncHandler, type SyncHandler } from "./create_sync_handler.ts";
import { openDefaultBackends } from "./default_backends.ts";
import { DeferredAssetStore } from "./deferred_asset_store.ts";
import { deferRouter } from "./deferred_router.ts";
import { DeferredStorage } from "./deferred_storage.ts";
import { readEnv } from "./env.ts";
import { jsonLogger, type LogLevel } from "./json_logger.ts";
import { systemResolveHost } from "./resolve_host.ts";
import { assetRouteEnv, unfurlRouteEnv } from "./route_env.ts";
import { installShutdown } from "./shutdown.ts";

/** Default KV location. */
export const DEFAULT_DATA_PATH = "./data/tlsync.kv.sqlite3";

/** Build the default server; storage opens in the background and requests wait for it. */
export function createDefaultServer(): SyncHandler {
  const logger = jsonLogger((readEnv("TLSYNC_LOG_LEVEL") ?? "info") as LogLevel);
  const path = readEnv("TLSYNC_DATA") ?? DEFAULT_DATA_PATH;
  const cluster = readEnv("TLSYNC_CLUSTER") === "1";
  const backends = openDefaultBackends(path, numberEnv("TLSYNC_LEASE_MS"), logger, cluster);
  const storage = new DeferredStorage(backends.then((b) => b.storage));
  const assets = new DeferredAssetStore(backends.then((b) => b.assets));
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
    assetRoutes({ store: assets, logger, ...assetRouteEnv() }),
    unfurlRoute({ logger, resolveHost: systemResolveHost, ...unfurlRouteEnv() }),
    metricsRoute({ token: readEnv("TLSYNC_METRICS_TOKEN") || undefined }),
    adminRoutes({ token: readEnv("TLSYNC_ADMIN_TOKEN") || undefined, logger }),
  ];
  const handler = createSyncHandler({
    storage,
    logger,
    limits,
    routes,
    ...(cluster ? { roomRouter: deferRouter(backends.then((b) => b.roomRouter)) } : {}),
  });
  installShutdown(() => handler.close(), logger);
  logger.info("server_started", {
    storage: path,
    cluster,
    admin: !!readEnv("TLSYNC_ADMIN_TOKEN"),
  });
  return handler;
}

function numberEnv(name: string): number | undefined {
  const value = Number(readEnv(name) ?? "");
  return Number.isFinite(value) && value > 0 ? value : undefined;
}
