/**
 * Close codes and reasons understood by the tldraw sync client.
 *
 * A close with {@linkcode SYNC_ERROR_CLOSE_CODE} and one of these reasons is fatal for the
 * client (it stops reconnecting and surfaces the reason). Any other close makes it reconnect.
 * @module
 */

/** The WebSocket close code the tldraw client treats as a fatal sync error. */
export const SYNC_ERROR_CLOSE_CODE = 4099;

/** Reasons sent with {@linkcode SYNC_ERROR_CLOSE_CODE}. */
export const CloseReason = {
  NOT_FOUND: "NOT_FOUND",
  FORBIDDEN: "FORBIDDEN",
  NOT_AUTHENTICATED: "NOT_AUTHENTICATED",
  UNKNOWN_ERROR: "UNKNOWN_ERROR",
  CLIENT_TOO_OLD: "CLIENT_TOO_OLD",
  SERVER_TOO_OLD: "SERVER_TOO_OLD",
  INVALID_RECORD: "INVALID_RECORD",
  RATE_LIMITED: "RATE_LIMITED",
  ROOM_FULL: "ROOM_FULL",
  MESSAGE_TOO_LARGE: "MESSAGE_TOO_LARGE",
} as const;

/** One of the well-known close reasons; hosts may also use their own strings. */
export type CloseReason = typeof CloseReason[keyof typeof CloseReason];

/** Legacy (protocol 5/6) rejection reasons sent in an `incompatibility_error` message. */
export type IncompatibilityReason =
  | "clientTooOld"
  | "serverTooOld"
  | "invalidRecord"
  | "invalidOperation";

/** Map a close reason to the legacy `incompatibility_error` reason. */
export function toLegacyReason(reason: string): IncompatibilityReason {
  switch (reason) {
    case CloseReason.CLIENT_TOO_OLD:
      return "clientTooOld";
    case CloseReason.SERVER_TOO_OLD:
      return "serverTooOld";
    case CloseReason.INVALID_RECORD:
      return "invalidRecord";
    default:
      return "invalidOperation";
  }
}

/**
 * Every WebSocket close code this server sends. The stock tldraw client stops only on
 * {@linkcode CloseCode.SYNC_ERROR}; on every other code it reconnects (with backoff) and resyncs.
 */
export const CloseCode = {
  /** 1001: the server or room is going away (shutdown, room closed). Client reconnects. */
  GOING_AWAY: 1001,
  /** 1011: the server failed (room could not load, storage failed). Client reconnects. */
  INTERNAL_ERROR: 1011,
  /** 1012: the room restarts or moves (admin close, drain, writer changed). Client reconnects. */
  SERVICE_RESTART: 1012,
  /** 1013: a transient cap was hit (too busy, too slow, pre-load overflow). Client reconnects. */
  TRY_AGAIN_LATER: 1013,
  /** 4099: fatal sync error with a {@linkcode CloseReason}. Client stops and shows the reason. */
  SYNC_ERROR: SYNC_ERROR_CLOSE_CODE,
} as const;

/** One of the close codes in {@linkcode CloseCode}. */
export type CloseCode = typeof CloseCode[keyof typeof CloseCode];

/**
 * Reason strings sent with the non-fatal codes of {@linkcode CloseCode}. The client only shows or
 * logs them (it reconnects whatever they say); they tell an operator which cap or event it was.
 */
export const CloseText = {
  /** With 1001: the process is stopping. */
  SERVER_SHUTTING_DOWN: "Server shutting down",
  /** With 1001: the room was closed (default of `Room.close`). */
  ROOM_CLOSED: "Room closed",
  /** With 1001: the room was evicted after its last session left (nobody is left to get it). */
  ROOM_IDLE: "Room idle",
  /** With 1011: the room could not load. */
  ROOM_UNAVAILABLE: "Room unavailable",
  /** With 1011: the room's storage failed; it shuts down so clients reload from storage. */
  STORAGE_FAILURE: "Storage failure",
  /** With 1012: the server is draining; the client reconnects to another instance. */
  SERVER_RESTARTING: "Server restarting",
  /** With 1012: the room closed while the socket was joining it. */
  ROOM_RESTARTING: "Room restarting",
  /** With 1012: the room's writer is elsewhere now (cluster). */
  ROOM_MOVED: "Room moved",
  /** With 1012: `POST /admin/rooms/:id/close`. */
  ROOM_CLOSED_BY_ADMIN: "Room closed by an administrator",
  /** With 1013: a pending-connect, per-address or new-room cap refused the socket. */
  TRY_AGAIN_LATER: "Try again later",
  /** With 1013: the client read too slowly (send buffer over its cap); it reconnects to resync. */
  TOO_SLOW: "Too slow: reconnect to resync",
  /** With 1013: too much arrived while the room was loading. */
  PRELOAD_OVERFLOW: "Too much data before the room loaded",
} as const;

/** One of the reason strings in {@linkcode CloseText}. */
export type CloseText = typeof CloseText[keyof typeof CloseText];
