/**
 * The Deno WebSocket upgrade (`Deno.upgradeWebSocket`).
 * @module
 */
import type { SocketEvents, Upgrader } from "../../server/raw_socket.ts";
import { denoRawSocket } from "./deno_raw_socket.ts";

/** Upgrade with `Deno.upgradeWebSocket`; returns the 101 response to send. */
export const denoUpgrader: Upgrader = (req: Request, events: SocketEvents): Response => {
  const { socket, response } = Deno.upgradeWebSocket(req);
  socket.binaryType = "arraybuffer";
  denoRawSocket(socket, events); // it tells `events` when the socket opens
  return response;
};
