/**
 * The room's callback options, kept for hosts written against `TLSocketRoom`-style hooks. They
 * are listeners on the room's events like any other (see `RoomEventMap`), so a throwing callback
 * is caught and logged in the same one place.
 * @module
 */
import type { RoomEmitter } from "./room_events.ts";

/**
 * Callbacks a host may pass to `Room.load` instead of subscribing to `Room.events`; `R` is the
 * room type handed back (`Room`; a parameter so this file need not import the room).
 */
export interface RoomCallbacks<R> {
  /** A session was fully removed (after its grace period): the `session_left` event. */
  onSessionRemoved?(
    room: R,
    info: { sessionId: string; numSessionsRemaining: number; meta: unknown },
  ): void;
  /** A push was refused for a cap (reason from `LimitExceeded`): the `push_rejected` event. */
  onPushRejected?(room: R, info: { sessionId: string; reason: string }): void;
  /** Storage failed and the room closed every socket: the `room_failed` event. */
  onFailed?(room: R, error: unknown): void;
}

/** Subscribe the callbacks given in `callbacks` to `room.events`. */
export function subscribeCallbacks<R extends { readonly events: RoomEmitter }>(
  room: R,
  callbacks: RoomCallbacks<R>,
): void {
  const events = room.events;
  if (callbacks.onSessionRemoved) {
    events.on("session_left", (e) =>
      callbacks.onSessionRemoved?.(room, {
        sessionId: e.sessionId,
        numSessionsRemaining: e.sessionsRemaining,
        meta: e.meta,
      }));
  }
  if (callbacks.onPushRejected) {
    events.on(
      "push_rejected",
      (e) => callbacks.onPushRejected?.(room, { sessionId: e.sessionId, reason: e.reason }),
    );
  }
  if (callbacks.onFailed) events.on("room_failed", (e) => callbacks.onFailed?.(room, e.error));
}
