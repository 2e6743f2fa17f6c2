/**
 * tldraw multiplayer sync for the edge: a tldraw sync server for Deno and Bun.
 *
 * Run it: `deno task start` or `deno serve -P --host 127.0.0.1 mod.ts` (permission set in deno.json),
 * or `bun run mod.ts` (`HOST`/`PORT`, default 127.0.0.1:8787). On every core: add `--parallel`
 * to `deno serve`, or `bun run src/runtime/bun/bun_cluster.ts`. Importing this module has no side
 * effects; the default export creates its server on the first request.
 *
 * This entry point holds what an app embedding the server needs: {@linkcode createSyncHandler} and
 * its options, {@linkcode openKvStorage} / {@linkcode openKv}, the snapshot and storage types, the
 * server's event map and the close codes. The rest lives in subpath exports:
 *
 * - `@tlsync/edge/room`: the room engine on its own (`Room`, its events and limits)
 * - `@tlsync/edge/kv`: Deno KV storage (`KvStorageProvider`, `KvRoomStorage`)
 * - `@tlsync/edge/cluster`: several instances sharing one KV (`createKvCluster`)
 * - `@tlsync/edge/admin`: the admin HTTP API (`adminRoutes`)
 * - `@tlsync/edge/metrics`: Prometheus metrics (`metricsRoute`, `SyncMetrics`)
 * - `@tlsync/edge/assets`: uploads and their stores (`assetRoutes`, `KvAssetStore`)
 * - `@tlsync/edge/unfurl`: bookmark previews (`unfurlRoute`, `unfurl`)
 * - `@tlsync/edge/testing`: fake time and a recording socket for tests
 *
 * @example Embed in a Deno app (rooms in a local KV file; run with `--unstable-kv`)
 * ```ts ignore
 * import { createSyncHandler, openKvStorage } from "@tlsync/edge";
 *
 * const sync = createSyncHandler({
 *   storage: await openKvStorage("./data/rooms.kv.sqlite3"),
 *   authorize: (req) => ({ readonly: !req.headers.get("cookie") }),
 * });
 * sync.events.on("session_joined", (e) => console.log(`${e.sessionId} joined ${e.roomId}`));
 * Deno.serve({ hostname: "127.0.0.1", port: 8787 }, sync.fetch);
 * ```
 *
 * @example Embed in a Bun app (`bun add @deno/kv` for KV storage)
 * ```ts ignore
 * import { createSyncHandler, openKvStorage } from "@tlsync/edge";
 *
 * const sync = createSyncHandler({ storage: await openKvStorage("./data/rooms.kv.sqlite3") });
 * Bun.serve({ hostname: "127.0.0.1", port: 8787, fetch: sync.fetch, websocket: sync.websocket });
 * ```
 * @module
 */
// First: lets `deno serve mod.ts` start without --allow-env (see the module).
import "./src/runtime/env_guard.ts";
import "./src/runtime/deno/permission_hint.ts";
import { createDefaultServer, reusePortFromEnv } from "./src/app/default_server.ts";
import type { SyncHandler } from "./src/runtime/create_sync_handler.ts";
import { listenAddress } from "./src/app/listen_address.ts";
import type { BunServerWebSocket, BunWebSocketHandlers } from "./src/runtime/bun/bun_types.ts";

export { createSyncHandler, type SyncHandler } from "./src/runtime/create_sync_handler.ts";
export { type HandleOptions, SyncServer } from "./src/server/sync_server.ts";
export type {
  Authorize,
  AuthorizeResult,
  SyncLimits,
  SyncServerOptions,
} from "./src/server/server_options.ts";
export type { RoomLimits } from "./src/room/room_limits.ts";
export type { HttpRoute, RouteContext } from "./src/server/http_route.ts";
export type {
  ConnectionFields,
  ServerEmitter,
  ServerEventMap,
} from "./src/server/server_events.ts";
export type { RoomEventMap } from "./src/room/room_events.ts";
export { CloseCode, CloseReason, CloseText } from "./src/protocol/close_reason.ts";
export { openKvStorage } from "./src/runtime/default_storage.ts";
export { openKv } from "./src/runtime/open_kv.ts";
export type { KvLike } from "./src/storage/kv/kv_like.ts";
export type {
  OpenRoomOptions,
  RoomCommit,
  RoomSnapshot,
  RoomStorage,
  StorageProvider,
  StoredDocument,
} from "./src/storage/storage.ts";
export {
  type HistoryEntry,
  type HistoryRange,
  type RestorePoint,
  RestorePointKind,
  type RestorePointList,
  type RestorePointsOptions,
  type RoomHistory,
} from "./src/storage/room_history.ts";
export type { HistoryPolicy } from "./src/storage/history_policy.ts";
export type { HistoryViewOptions } from "./src/server/history_views.ts";
export type {
  StorageHealth,
  StorageHealthReport,
  StorageKind,
} from "./src/storage/storage_health.ts";
export { jsonLogger, type LogLevel } from "./src/log/json_logger.ts";
export type { Logger } from "./src/ports/logger.ts";
export type { TimerHandle, TimeSource } from "./src/ports/time_source.ts";
export type { RoomRegistry } from "./src/server/room_registry.ts";
export type { BunServerWebSocket, BunWebSocketHandlers };

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
  readonly reusePort: boolean;
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
  // Bun only (`bun run src/runtime/bun/bun_cluster.ts`); Deno's `--parallel` shares the port itself.
  get reusePort(): boolean {
    return reusePortFromEnv();
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
