/**
 * A Deno server WebSocket as a {@linkcode RawSocket}, working around two behaviours of Deno
 * 2.9.6's `WebSocket`:
 *
 * - After `close()`, the first data frame that arrives from the client makes Deno drop the
 *   connection at once, often before the close frame went out: a client with frames in flight
 *   saw 1006 instead of 4099 and its reason. So a close waits until no frame arrived for
 *   {@linkcode QUIET_MS} (at most {@linkcode CLOSE_WAIT_MS}), then closes.
 * - Deno queues sends without limit and cannot drop a socket whose peer stops reading: memory
 *   queued there stays until the TCP connection dies. So at most {@linkcode HIGH_WATER_BYTES}
 *   go to Deno; the rest waits here (counted in `bufferedAmount`) and is freed on close.
 * @module
 */
import type { RawSocket, SocketEvents } from "../../server/raw_socket.ts";

/** A close waits for this much silence from the client. */
export const QUIET_MS = 50;
/** Longest wait for silence (or for the queue to drain) before closing anyway. */
export const CLOSE_WAIT_MS = 2000;
/** Bytes handed to Deno's own queue at most; the rest is queued here. */
export const HIGH_WATER_BYTES = 1024 * 1024;
const PUMP_MS = 20;

/**
 * Wire `socket` to `events` (open, message, close) and return it as a {@linkcode RawSocket}.
 * One object per socket is both the RawSocket and the listener of the socket's events (its
 * `handleEvent`): no closures, wrapper objects or `on*` handler records per connection.
 */
export function denoRawSocket(socket: WebSocket, events: SocketEvents): RawSocket {
  return new DenoSocket(socket, events);
}

const LISTENED = ["open", "message", "close", "error"] as const;

class DenoSocket implements RawSocket, EventListenerObject {
  #socket: WebSocket;
  #events: SocketEvents;
  #queue: string[] = [];
  #queuedBytes = 0;
  #lastFrameAt = 0;
  #closing: { code?: number | undefined; reason?: string | undefined; since: number } | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(socket: WebSocket, events: SocketEvents) {
    this.#socket = socket;
    this.#events = events;
    for (const type of LISTENED) socket.addEventListener(type, this);
  }

  /** The socket's events, in one place. */
  handleEvent(e: Event): void {
    switch (e.type) {
      case "message":
        this.#lastFrameAt = Date.now();
        if (!this.#closing) this.#events.message((e as MessageEvent).data as string | ArrayBuffer);
        return;
      case "open":
        return this.#events.open(this);
      case "close":
        this.#stop();
        return this.#events.close((e as CloseEvent).code, (e as CloseEvent).reason);
      default:
        // "error": Deno follows every error with a close event; this only makes sure cleanup runs.
        this.#stop();
        this.#events.close();
    }
  }

  get readyState(): number {
    return this.#closing && this.#socket.readyState === 1 ? 2 : this.#socket.readyState;
  }

  bufferedAmount(): number {
    return this.#socket.bufferedAmount + this.#queuedBytes;
  }

  send(data: string): boolean {
    if (this.#queue.length === 0 && this.#socket.bufferedAmount < HIGH_WATER_BYTES) {
      this.#socket.send(data);
    } else {
      this.#queue.push(data);
      this.#queuedBytes += data.length;
      this.#arm();
    }
    return true;
  }

  close(code?: number, reason?: string): void {
    if (this.#closing || this.#socket.readyState !== 1) return this.#socket.close(code, reason);
    this.#closing = { code, reason, since: Date.now() };
    this.#tick();
  }

  /** Feed Deno from the queue; while closing, close once drained and quiet (or on deadline). */
  #tick(): void {
    this.#timer = undefined;
    const socket = this.#socket;
    if (socket.readyState !== 1) return this.#stop();
    while (this.#queue.length > 0 && socket.bufferedAmount < HIGH_WATER_BYTES) {
      const data = this.#queue.shift()!;
      this.#queuedBytes -= data.length;
      socket.send(data);
    }
    const closing = this.#closing;
    if (!closing) return this.#queue.length > 0 ? this.#arm() : undefined;
    const now = Date.now();
    const late = now - closing.since >= CLOSE_WAIT_MS;
    if (late || (this.#queue.length === 0 && now - this.#lastFrameAt >= QUIET_MS)) {
      this.#stop();
      socket.close(closing.code, closing.reason);
      return;
    }
    this.#arm();
  }

  #arm(): void {
    if (this.#timer === undefined) this.#timer = setTimeout(() => this.#tick(), PUMP_MS);
  }

  /** Drop the queue (freeing its memory) and the timer. */
  #stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#queue = [];
    this.#queuedBytes = 0;
  }
}
