/**
 * tldraw multiplayer sync for the edge: a tldraw sync server for Deno and Bun.
 *
 * Run it: `deno task start` or `deno serve -P --host 127.0.0.1 mod.ts` (permission set in deno.json),
 * or `bun run mod.ts` (`HOST`/`PORT`, default 127.0.0.1:8787). Importing this module has no side
 * effects; the default export creates its server on the first request.
 *
 * @example Embed in a Deno app
 * ```ts ignore
 * import { createSyncHandler } from "@tlsync/edge";
 *
 * const sync = createSyncHandler({ authorize: () => ({ readonly: false }) });
 * Deno.serve({ hostname: "127.0.0.1", port: 8787 }, sync.fetch);
 * ```
 *
 * @example Embed in a Bun app
 * ```ts ignore
 * import { createSyncHandler } from "@tlsync/edge";
 *
 * const sync = createSyncHandler();
 * Bun.serve({ hostname: "127.0.0.1", port: 8787, fetch: sync.fetch, websocket: sync.websocket });
 * ```
 *
 * @example Subscribe to events (typed by `ServerEventMap`; a throwing listener is only logged)
 * ```ts ignore
 * import { createSyncHandler } from "@tlsync/edge";
 *
 * const sync = createSyncHandler();
 * sync.events.on("session_joined", (e) => console.log(`${e.sessionId} joined ${e.roomId}`));
 * sync.events.on("room_closed", (e) => console.log(`${e.roomId} closed: ${e.reason}`));
 * ```
 * @module
 */
// First: lets `deno serve mod.ts` start without --allow-env (see the module).
import "./src/runtime/env_guard.ts";
import "./src/runtime/deno/permission_hint.ts";
import { createDefaultServer } from "./src/runtime/default_server.ts";
import type { SyncHandler } from "./src/runtime/create_sync_handler.ts";
import { listenAddress } from "./src/runtime/listen_address.ts";
import type { BunServerWebSocket, BunWebSocketHandlers } from "./src/runtime/bun/bun_types.ts";

export { createSyncHandler, type SyncHandler } from "./src/runtime/create_sync_handler.ts";
export { SyncServer } from "./src/server/sync_server.ts";
export type { HttpRoute, RouteContext } from "./src/server/http_route.ts";
export type {
  Authorize,
  AuthorizeResult,
  SyncLimits,
  SyncServerOptions,
} from "./src/server/server_options.ts";
export {
  Room,
  type RoomOptions,
  type SessionInfo,
  type SocketConnectOptions,
} from "./src/room/room.ts";
export type { RoomEmitter, RoomEventMap } from "./src/room/room_events.ts";
export type { RoomCallbacks } from "./src/room/room_callbacks.ts";
export type {
  ConnectionFields,
  ServerEmitter,
  ServerEventMap,
} from "./src/server/server_events.ts";
export type { StoreUpdateContext, StoreUpdater } from "./src/room/update_store.ts";
export {
  DEFAULT_ROOM_LIMITS,
  LimitExceeded,
  ROOM_LIMIT_CEILINGS,
  type RoomLimits,
} from "./src/room/room_limits.ts";
export {
  LoadSkipReason,
  type RoomSkippedRecord,
  type SkippedRecord,
} from "./src/room/load_skip.ts";
export { StoredSchemaTooNewError } from "./src/room/stored_schema.ts";
export type { SessionIdentity } from "./src/room/session.ts";
export type { SocketLike } from "./src/room/socket_like.ts";
export type { Logger } from "./src/room/logger.ts";
export type { TimeSource } from "./src/room/time_source.ts";
export { jsonLogger, type LogLevel } from "./src/runtime/json_logger.ts";
export { MemoryRoomStorage, MemoryStorageProvider } from "./src/storage/memory_storage.ts";
export type {
  OpenRoomOptions,
  RoomCommit,
  RoomSnapshot,
  RoomStorage,
  StorageProvider,
  StoredDocument,
} from "./src/storage/storage.ts";
export { type KvStorageOptions, KvStorageProvider } from "./src/storage/kv/kv_storage_provider.ts";
export { openKvStorage } from "./src/runtime/default_storage.ts";
export { openKv } from "./src/runtime/open_kv.ts";
export type { KvLike } from "./src/storage/kv/kv_like.ts";
export {
  createKvCluster,
  type KvCluster,
  type KvClusterOptions,
} from "./src/cluster/kv_cluster.ts";
export type { RoomEndpoint, RoomRouter, RoomRouterFactory } from "./src/server/room_router.ts";
export type {
  AssetBody,
  AssetMetadata,
  AssetPutOptions,
  AssetPutResult,
  AssetStore,
  ByteRange,
  StoredAsset,
} from "./src/assets/asset_store.ts";
export { MemoryAssetStore } from "./src/assets/memory_asset_store.ts";
export { MemoryQuotaLedger, type QuotaGrant, type QuotaLedger } from "./src/assets/upload_quota.ts";
export { KvQuotaLedger } from "./src/assets/kv_quota_ledger.ts";
export { KvAssetStore, type KvAssetStoreOptions } from "./src/assets/kv_asset_store.ts";
export {
  assetRoutes,
  type AssetRoutesOptions,
  DEFAULT_ASSET_ID_PATTERN,
  DEFAULT_MAX_UPLOAD_BYTES,
  DEFAULT_MAX_UPLOAD_BYTES_PER_ROOM,
  DEFAULT_UPLOAD_RATE,
} from "./src/server/routes/assets_route.ts";
export type { AddressRateLimit, ClientAddress } from "./src/server/routes/address_limiter.ts";
export {
  type AssetAccess,
  type AssetAuthorize,
  assetAuthorizeFromSync,
  type AssetAuthorizeResult,
} from "./src/server/routes/asset_authorize.ts";
export {
  DEFAULT_MAX_CONCURRENT_UNFURLS,
  DEFAULT_UNFURL_RATE,
  unfurlRoute,
  type UnfurlRouteOptions,
} from "./src/server/routes/unfurl_route.ts";
export {
  DEFAULT_PARSE_BUDGET_MS,
  unfurl,
  UnfurlError,
  type UnfurlFetch,
  type UnfurlOptions,
  type UnfurlResult,
} from "./src/unfurl/unfurl.ts";
export type { UnfurlMetadata } from "./src/unfurl/parse_metadata.ts";
export type { ResolveHost, TargetGuardOptions } from "./src/unfurl/target_guard.ts";
export { systemResolveHost } from "./src/runtime/resolve_host.ts";
export {
  CloseCode,
  CloseReason,
  CloseText,
  SYNC_ERROR_CLOSE_CODE,
} from "./src/protocol/close_reason.ts";
export { adminRoutes, type AdminRoutesOptions } from "./src/server/admin/admin_routes.ts";
export type { LiveRoomInfo, RoomList } from "./src/server/admin/list_rooms.ts";
export type { RoomPatch } from "./src/server/admin/patch_room.ts";
export type { AdminErrorBody } from "./src/server/admin/admin_error.ts";
export { metricsRoute, type MetricsRouteOptions } from "./src/server/metrics_route.ts";
export {
  type ServerStats,
  SyncMetrics,
  type SyncMetricsOptions,
} from "./src/metrics/sync_metrics.ts";
export { MetricsRegistry } from "./src/metrics/metrics_registry.ts";
export { Counter, type CounterOptions } from "./src/metrics/counter.ts";
export { Gauge, type GaugeOptions } from "./src/metrics/gauge.ts";
export { Histogram, LATENCY_BUCKETS } from "./src/metrics/histogram.ts";
export {
  type Labels,
  type Metric,
  type MetricType,
  PROMETHEUS_CONTENT_TYPE,
  type Sample,
} from "./src/metrics/exposition.ts";
export { type CommitObserver, timedStorage } from "./src/metrics/timed_storage.ts";

let server: SyncHandler | undefined;
function defaultServer(): SyncHandler {
  return (server ??= createDefaultServer({ exitOnStorageFailure: import.meta.main }));
}
// Run as the server (`deno serve mod.ts`, `bun run mod.ts`): open storage now, so a store that
// cannot be opened stops the process at startup. An `import` starts nothing.
if (import.meta.main) defaultServer();

/**
 * The default export serves under `deno serve mod.ts` and `bun run mod.ts`. Bun listens on `HOST`
 * and `PORT` (default 127.0.0.1:8787); `deno serve` uses its `--host`/`--port` flags instead.
 */
const serve: {
  readonly hostname: string;
  readonly port: number;
  fetch(req: Request, bunServer?: unknown): Promise<Response | undefined>;
  websocket: BunWebSocketHandlers;
} = {
  // Getters: read only when Bun starts serving, never at import (no env prompt under Deno).
  get hostname(): string {
    return listenAddress().hostname;
  },
  get port(): number {
    return listenAddress().port;
  },
  fetch: (req: Request, bunServer?: unknown): Promise<Response | undefined> =>
    defaultServer().fetch(req, bunServer),
  websocket: {
    maxPayloadLength: 16 * 1024 * 1024,
    idleTimeout: 120,
    open: (ws: BunServerWebSocket) => defaultServer().websocket.open(ws),
    message: (ws: BunServerWebSocket, m: string | Uint8Array) =>
      defaultServer().websocket.message(ws, m),
    close: (ws: BunServerWebSocket, code: number, reason: string) =>
      defaultServer().websocket.close(ws, code, reason),
  },
};
export default serve;
