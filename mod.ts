/**
 * tldraw multiplayer sync for the edge: a tldraw sync server for Deno and Bun.
 *
 * Run it: `deno serve --allow-all mod.ts` or `bun run mod.ts`. Importing this module has no side
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
 * @module
 */
import { createDefaultServer } from "./src/runtime/default_server.ts";
import type { SyncHandler } from "./src/runtime/create_sync_handler.ts";
import type { BunServerWebSocket, BunWebSocketHandlers } from "./src/runtime/bun/bun_types.ts";

export { createSyncHandler, type SyncHandler } from "./src/runtime/create_sync_handler.ts";
export { SyncServer } from "./src/server/sync_server.ts";
export type { HttpRoute } from "./src/server/http_route.ts";
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
export type { StoreUpdateContext, StoreUpdater } from "./src/room/update_store.ts";
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
export {
  type KvStorageOptions,
  KvStorageProvider,
} from "./src/storage/kv/kv_storage_provider.ts";
export { openKvStorage } from "./src/runtime/default_storage.ts";
export { CloseReason, SYNC_ERROR_CLOSE_CODE } from "./src/protocol/close_reason.ts";

let server: SyncHandler | undefined;
function defaultServer(): SyncHandler {
  return (server ??= createDefaultServer());
}

/** The default export serves under `deno serve mod.ts` and `bun run mod.ts`. */
const serve: {
  hostname: string;
  fetch(req: Request, bunServer?: unknown): Promise<Response | undefined>;
  websocket: BunWebSocketHandlers;
} = {
  hostname: "127.0.0.1",
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
