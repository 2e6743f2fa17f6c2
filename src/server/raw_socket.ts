/**
 * What a runtime adapter hands the server for each accepted WebSocket.
 * @module
 */

/** A runtime's server-side WebSocket, reduced to what the server needs. */
export interface RawSocket {
  /** Send a text frame. Returns `false` when the runtime dropped it (Bun backpressure). */
  send(data: string): boolean;
  /** Close the socket. */
  close(code?: number, reason?: string): void;
  /** 0 connecting, 1 open, 2 closing, 3 closed. */
  readonly readyState: number;
  /** Bytes queued but not yet sent. */
  bufferedAmount(): number;
}

/** Callbacks an adapter calls for one socket. */
export interface SocketEvents {
  /** The socket is open. */
  open(raw: RawSocket): void;
  /** A frame arrived. */
  message(data: string | ArrayBuffer | Uint8Array): void;
  /** The socket closed or errored (may be called more than once), with the code seen if any. */
  close(code?: number, reason?: string): void;
}

/** Upgrades a request to a WebSocket wired to `events`; returns the response to send, if any. */
export type Upgrader = (req: Request, events: SocketEvents) => Response | undefined;
