/**
 * What the server can tell about one open WebSocket connection (the admin sessions list reads it).
 * @module
 */

/** One open connection, as the admin API reports it. */
export interface ConnectionInfo {
  /** The room it serves. */
  roomId: string;
  /** The session id it carries. */
  sessionId: string;
  /** The client's address as the server's limits see it. */
  address: string;
  /** When the socket opened, in ms since the epoch (the server's TimeSource). */
  openedAt: number;
  /** Bytes received in frames. */
  bytesIn: number;
  /** Bytes sent in frames. */
  bytesOut: number;
}
