/**
 * The events a room emits (`Room.events`), one typed map. Every payload carries the
 * `roomId`, so a server can forward them all into one emitter unchanged.
 * @module
 */
import type { RoomSkippedRecord } from "./load_skip.ts";
import type { Emitter } from "mitt";
import type { SessionIdentity } from "./session.ts";

/**
 * Room events, by name. Subscribe with mitt's `on` / `off` on `Room.events` (or on a
 * server's `events`, which receives every room's). A listener that throws is logged
 * (`event_listener_failed`) and changes nothing for the room or the other listeners.
 *
 * @example Watch a room
 * ```ts ignore
 * const room = await Room.load({ roomId: "demo" });
 * room.events.on("session_joined", (e) => console.log(`${e.sessionId} joined ${e.roomId}`));
 * room.events.on("commit", (e) => console.log(`clock ${e.clock}: ${e.records} records`));
 * ```
 */
export type RoomEventMap = {
  /**
   * The room was loaded from storage (and migrated). Emitted before `Room.load` returns, so only
   * `RoomOptions.eventSink` (a server's emitter) sees it.
   */
  room_loaded: {
    roomId: string;
    /** Documents in the room. */
    records: number;
    /** Their total serialized size (UTF-8). */
    bytes: number;
    /** Time spent loading, in ms. */
    ms: number;
  };
  /**
   * Loading left a stored record out (malformed, over a cap, failing its migration or
   * validation, of an unknown type); it stays in storage. Emitted before `Room.load` returns.
   */
  record_skipped: RoomSkippedRecord;
  /** A session completed its `connect` handshake (again after each reconnect). */
  session_joined: {
    roomId: string;
    sessionId: string;
    isReadonly: boolean;
    /** The authorized user, when the host gave one. */
    identity: SessionIdentity | undefined;
  };
  /** A session was removed (its grace period ended, or it was rejected or closed by the host). */
  session_left: {
    roomId: string;
    sessionId: string;
    /** Sessions still in the room, in any state. */
    sessionsRemaining: number;
    /** The host data given at connect. */
    meta: unknown;
  };
  /** A push was refused for a record or room cap and answered with `discard`. */
  push_rejected: {
    roomId: string;
    sessionId: string;
    /** A `LimitExceeded` value. */
    reason: string;
  };
  /** Storage made a commit durable. Hot: built only while someone listens for it. */
  commit: {
    roomId: string;
    /** The document clock now durable. */
    clock: number;
    /** Records written or deleted. */
    records: number;
    /** Time storage took, in ms. */
    ms: number;
  };
  /** Storage failed and the room closed every socket; `room_closed` (code 1011) follows. */
  room_failed: { roomId: string; error: unknown };
  /** The room closed every socket (storage is released next); it cannot be used any more. */
  room_closed: {
    roomId: string;
    code: number;
    reason: string;
    /** Documents in the room when it closed. */
    records: number;
  };
};

/** A room's emitter. */
export type RoomEmitter = Emitter<RoomEventMap>;
