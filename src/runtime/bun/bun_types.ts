/**
 * The slice of Bun's server types this project uses (no bun-types dependency).
 * @module
 */

/** Per-socket data we attach at upgrade. */
export interface BunSocketData {
  events: import("../../server/raw_socket.ts").SocketEvents;
}

/** Bun's ServerWebSocket, as used here. */
export interface BunServerWebSocket {
  /** Data passed to `server.upgrade`. */
  data: BunSocketData;
  /** Bytes sent; -1 queued under backpressure; 0 dropped. */
  send(data: string): number;
  /** Close the socket. */
  close(code?: number, reason?: string): void;
  /** 0–3 like WebSocket. */
  readonly readyState: number;
  /** Bytes queued. */
  getBufferedAmount(): number;
}

/** Bun's Server, as used here. */
export interface BunServer {
  /** Upgrade; true when Bun took over the request. */
  upgrade(req: Request, options: { data: BunSocketData }): boolean;
  /** The peer's address (null for a closed or non-TCP request). */
  requestIP?(req: Request): { address: string } | null;
}

/** The `websocket` handlers object Bun.serve takes. */
export interface BunWebSocketHandlers {
  /** Socket opened. */
  open(ws: BunServerWebSocket): void;
  /** Frame received. */
  message(ws: BunServerWebSocket, message: string | Uint8Array): void;
  /** Socket closed. */
  close(ws: BunServerWebSocket, code: number, reason: string): void;
  /** Largest incoming message Bun accepts. */
  maxPayloadLength?: number;
  /** Seconds of silence before Bun closes a socket. */
  idleTimeout?: number;
}
