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
