/**
 * The writer-side stand-in for a client socket held by a follower: what the room sends is
 * appended to the follower channel's outbox, tagged with the socket's id there.
 * @module
 */
import type { SocketLike } from "../ports/socket_like.ts";
import type { BusWriter } from "./bus_writer.ts";

/** A follower's client socket as the writer's room sees it. */
export class RemoteSocket implements SocketLike {
  /** The session id the client connected with. */
  readonly sessionId: string;
  /** The socket's id on its follower. */
  readonly sid: number;
  #out: BusWriter;
  #state = 1;

  /** A socket whose frames go to `out`. */
  constructor(sessionId: string, sid: number, out: BusWriter) {
    this.sessionId = sessionId;
    this.sid = sid;
    this.#out = out;
  }

  /** 1 while open, 3 once closed (by either side) or once its channel broke. */
  get readyState(): number {
    return this.#out.broken ? 3 : this.#state;
  }

  /** Forward one frame to the client. */
  send(data: string): void {
    if (this.readyState !== 1) throw new Error("Socket is not open");
    this.#out.push({ k: "msg", sid: this.sid, d: data });
  }

  /** Ask the follower to close the client socket. */
  close(code?: number, reason?: string): void {
    if (this.#state !== 1) return;
    this.#state = 3;
    this.#out.push({
      k: "close",
      sid: this.sid,
      ...(code !== undefined ? { c: code } : {}),
      ...(reason !== undefined ? { r: reason } : {}),
    });
  }

  /** The client side closed; nothing more is sent. */
  markClosed(): void {
    this.#state = 3;
  }
}
