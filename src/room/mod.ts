/**
 * The room engine on its own: one tldraw document, its sessions and the sync protocol, with no
 * HTTP server. Give it sockets (anything with `send` and `close`), feed it their messages, and
 * persist it through a {@linkcode RoomStorage} or the `onDataChange` callback. `createSyncHandler`
 * from the root entry point runs rooms like this one for you.
 *
 * @example Load a room in memory and connect a socket
 * ```ts ignore
 * import { Room } from "@tlsync/edge/room";
 *
 * const room = await Room.load({ roomId: "demo" });
 * room.events.on("session_joined", (e) => console.log(`${e.sessionId} joined`));
 * const socket = { send: (text: string) => console.log(text), close: () => {} };
 * room.handleSocketConnect({ sessionId: "s1", socket });
 * // then room.handleSocketMessage("s1", frame) per frame, room.handleSocketClose("s1") at the end
 * ```
 * @module
 */
export { Room, type RoomOptions, type SessionInfo, type SocketConnectOptions } from "./room.ts";
export type { RoomEmitter, RoomEventMap } from "./room_events.ts";
export type { RoomCallbacks } from "./room_callbacks.ts";
export type { StoreUpdateContext, StoreUpdater } from "./update_store.ts";
export {
  DEFAULT_ROOM_LIMITS,
  LimitExceeded,
  type ResolvedRoomLimits,
  ROOM_LIMIT_CEILINGS,
  type RoomLimits,
} from "./room_limits.ts";
export { LoadSkipReason, type RoomSkippedRecord, type SkippedRecord } from "./load_skip.ts";
export { StoredSchemaTooNewError } from "./stored_schema.ts";
export type { SessionIdentity } from "./session.ts";
export type { SocketLike } from "../ports/socket_like.ts";
export type { Logger } from "../ports/logger.ts";
export type { TimerHandle, TimeSource } from "../ports/time_source.ts";
export {
  MemoryRoomStorage,
  type MemoryStorageOptions,
  MemoryStorageProvider,
} from "../storage/memory_storage.ts";
export { type RestoreResult, restoreRoom } from "./restore_room.ts";
export type {
  OpenRoomOptions,
  RoomCommit,
  RoomSnapshot,
  RoomStorage,
  StorageProvider,
  StoredDocument,
} from "../storage/storage.ts";
