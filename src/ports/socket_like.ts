/**
 * The transport port: the slice of a WebSocket the room needs.
 * @module
 */

/** `readyState` value of an open socket. */
export const SOCKET_OPEN = 1;

/** A server-side WebSocket as the room sees it. Runtime adapters implement this. */
export interface SocketLike {
  /** Send one text frame. */
  send(data: string): void;
  /** Close the socket. */
  close(code?: number, reason?: string): void;
  /** 0 connecting, 1 open, 2 closing, 3 closed. */
  readonly readyState: number;
}
