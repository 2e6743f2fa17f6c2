/**
 * The Bun WebSocket upgrade (`server.upgrade` plus the `websocket` handlers object).
 * @module
 */
import type { RawSocket, SocketEvents, Upgrader } from "../../server/raw_socket.ts";
import type { BunServer, BunServerWebSocket, BunWebSocketHandlers } from "./bun_types.ts";

/** An upgrader bound to the Bun server passed as `fetch`'s second argument. */
export function bunUpgrader(server: BunServer): Upgrader {
  return (req: Request, events: SocketEvents): Response | undefined => {
    if (server.upgrade(req, { data: { events } })) return undefined;
    return new Response("WebSocket upgrade failed\n", { status: 400 });
  };
}

/** A Bun server socket as a {@linkcode RawSocket} (a class: no closures per connection). */
class BunRawSocket implements RawSocket {
  #ws: BunServerWebSocket;

  constructor(ws: BunServerWebSocket) {
    this.#ws = ws;
  }

  send(data: string): boolean {
    return this.#ws.send(data) !== 0; // 0 means Bun dropped the message
  }

  close(code?: number, reason?: string): void {
    this.#ws.close(code, reason);
  }

  get readyState(): number {
    return this.#ws.readyState;
  }

  bufferedAmount(): number {
    return this.#ws.getBufferedAmount();
  }
}

/** The handlers to pass as `websocket` to `Bun.serve` (or export from the default object). */
export function bunWebSocketHandlers(maxPayloadLength: number): BunWebSocketHandlers {
  return {
    maxPayloadLength,
    idleTimeout: 120,
    open: (ws) => ws.data.events.open(new BunRawSocket(ws)),
    message: (ws, message) => ws.data.events.message(message),
    close: (ws, code, reason) => ws.data.events.close(code, reason),
  };
}
