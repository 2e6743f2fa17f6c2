/**
 * The events a sync server emits (`SyncServer.events`, `createSyncHandler(...).events`): every
 * room's events (forwarded with their `roomId`) plus the server's own, one typed map. The
 * metrics (`meterEvents`) and the log lines (`logEvents`) are listeners on it, so what is counted
 * and what is logged come from the same events.
 * @module
 */
import type { Emitter } from "mitt";
import type { RoomEventMap } from "../room/room_events.ts";

/** Where a connection came from. */
export interface ConnectionFields {
  /** The room the connection asked for. */
  roomId: string;
  /** The session id the client chose. */
  sessionId: string;
  /** The client's address (see `trustProxy`). */
  address: string;
}

/**
 * Server events, by name: {@linkcode RoomEventMap}'s for every room, and these. A listener that
 * throws is logged (`event_listener_failed`) and changes nothing for the server.
 *
 * @example Count joins per room
 * ```ts ignore
 * const sync = createSyncHandler();
 * const joins = new Map<string, number>();
 * sync.events.on("session_joined", (e) => joins.set(e.roomId, (joins.get(e.roomId) ?? 0) + 1));
 * sync.events.on("room_closed", (e) => joins.delete(e.roomId));
 * ```
 */
export type ServerEventMap = RoomEventMap & {
  /** A WebSocket was accepted and opened; its room is loading. */
  connection_opened: ConnectionFields;
  /** A WebSocket closed (`code` / `reason`: the first close, ours or the client's). */
  connection_closed: ConnectionFields & {
    durationMs: number;
    code: number | null;
    reason: string;
  };
  /** A socket is closed with 4099 and `reason` (refused at connect, or rejected later). */
  socket_rejected: { roomId: string | null; sessionId: string | null; reason: string };
  /** A per-session cap was hit: the session is closed with 4099 `reason`. */
  session_refused: ConnectionFields & {
    reason: string;
    maxMessageBytes?: number;
    maxMessagesPerSecond?: number;
    messageBurst?: number;
    maxSessionsPerRoom?: number;
  };
  /** Too much arrived before the room loaded: closed with 1013. */
  preload_overflow: ConnectionFields & {
    frames: number;
    bytes: number;
    maxPreloadFrames: number;
    maxPreloadBytes: number;
  };
  /** A client read too slowly: closed with 1013 (it reconnects and resyncs). */
  slow_consumer: ConnectionFields & { bufferedBytes: number; maxBufferedBytes: number };
  /** An upgrade was refused by an admission cap (`what`, at `limit`): HTTP 429 or close 1013. */
  upgrade_refused: { what: string; limit: number; address: string; roomId: string | null };
  /** Loading a room skipped a stored entry it could not read. */
  storage_entry_skipped: { roomId: string; key: string; reason: string };
};

/** A server's emitter. */
export type ServerEmitter = Emitter<ServerEventMap>;
