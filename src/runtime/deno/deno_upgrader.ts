/**
 * The Deno WebSocket upgrade (`Deno.upgradeWebSocket`).
 * @module
 */
import type { RawSocket, SocketEvents, Upgrader } from "../../server/raw_socket.ts";

/** Upgrade with `Deno.upgradeWebSocket`; returns the 101 response to send. */
export const denoUpgrader: Upgrader = (req: Request, events: SocketEvents): Response => {
  const { socket, response } = Deno.upgradeWebSocket(req);
  socket.binaryType = "arraybuffer";
  const raw: RawSocket = {
    send: (data) => (socket.send(data), true), // Deno queues without limit; see bufferedAmount
    close: (code, reason) => socket.close(code, reason),
    get readyState() {
      return socket.readyState;
    },
    bufferedAmount: () => socket.bufferedAmount,
  };
  socket.onopen = () => events.open(raw);
  socket.onmessage = (e: MessageEvent) => events.message(e.data as string | ArrayBuffer);
  socket.onclose = () => events.close();
  socket.onerror = () => events.close();
  return response;
};
