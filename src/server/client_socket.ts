/**
 * The room's view of one connection's socket: a {@linkcode SocketLike} whose sends and closes go
 * through the connection (its backlog cap, metering and close bookkeeping). A class, so each
 * connection costs one small object with its methods on the prototype, not an object literal of
 * closures with a `readyState` getter (which V8 keeps in slow dictionary mode).
 * @module
 */
import type { SocketLike } from "../ports/socket_like.ts";

/** What a {@linkcode ClientSocket} calls on its connection. */
export interface ClientSocketOwner {
  /** Send a frame to the client (throws when the socket is not open or the client is too slow). */
  sendToClient(data: string): void;
  /** Close the client's socket (the first code given wins). */
  closeClient(code?: number, reason?: string): void;
  /** The socket's ready state (0 until it opened). */
  readonly clientState: number;
}

/** See the module. */
export class ClientSocket implements SocketLike {
  #owner: ClientSocketOwner;

  /** The view of `owner`'s socket. */
  constructor(owner: ClientSocketOwner) {
    this.#owner = owner;
  }

  send(data: string): void {
    this.#owner.sendToClient(data);
  }

  close(code?: number, reason?: string): void {
    this.#owner.closeClient(code, reason);
  }

  get readyState(): number {
    return this.#owner.clientState;
  }
}
