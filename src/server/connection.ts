/**
 * One accepted WebSocket: waits for its room to load (buffering frames), enforces the limits,
 * and feeds the room. Runtime adapters drive it through {@linkcode SocketEvents}.
 * @module
 */
import { ConnectionMeter } from "../metrics/connection_meter.ts";
import type { SyncMetrics } from "../metrics/sync_metrics.ts";
import { CloseCode, CloseReason, CloseText } from "../protocol/close_reason.ts";
import type { EventChannel } from "../ports/event_channel.ts";
import type { Logger } from "../ports/logger.ts";
import type { SessionIdentity } from "../room/session.ts";
import type { SocketLike } from "../ports/socket_like.ts";
import type { TimeSource } from "../ports/time_source.ts";
import type { AdmissionTicket } from "./admission.ts";
import { ClientSocket, type ClientSocketOwner } from "./client_socket.ts";
import type { ConnectionInfo } from "./connection_info.ts";
import { RateLimiter } from "./rate_limiter.ts";
import type { RawSocket, SocketEvents } from "./raw_socket.ts";
import type { ResolvedLimits } from "./server_options.ts";
import type { RoomEndpoint, RoomRouter } from "./room_router.ts";
import type { ServerEventMap } from "./server_events.ts";
import { CONNECT_REPLY_PREFIX } from "../protocol/messages.ts";

/** What a connection needs from the server. */
export interface ConnectionInit {
  roomId: string;
  sessionId: string;
  isReadonly: boolean;
  meta: unknown;
  identity?: SessionIdentity | undefined;
  limits: ResolvedLimits;
  time: TimeSource;
  logger: Logger;
  /** The server's events: opened, closed, refused. */
  events: EventChannel<ServerEventMap>;
  /** Per-frame traffic and push timing. */
  metrics?: SyncMetrics | undefined;
  /** The client's address (for logs). */
  clientAddress: string;
  /** This socket's place in the admission counts. */
  ticket: AdmissionTicket;
  /** Where the room is loaded (or proxied) and released. */
  router: RoomRouter;
  /** Called once when the socket closed (shared by every connection). */
  onClosed(connection: Connection): void;
}

type LimitField =
  | "maxMessageBytes"
  | "maxMessagesPerSecond"
  | "messageBurst"
  | "maxSessionsPerRoom";

const encoder = new TextEncoder();

/** A socket's life from open to close. */
export class Connection implements SocketEvents, ClientSocketOwner {
  #init: ConnectionInit;
  #raw: RawSocket | null = null;
  #room: RoomEndpoint | null = null;
  #pending: (string | ArrayBuffer | Uint8Array)[] | null = [];
  #pendingBytes = 0;
  #handshakeDone = false;
  #closed = false;
  #openedAt = 0;
  #closeCode: number | undefined;
  #closeReason: string | undefined;
  #limiter: RateLimiter;
  #meter: ConnectionMeter | undefined;
  /** The SocketLike handed to the room. */
  readonly socket: SocketLike;

  /** A connection for one accepted request. */
  constructor(init: ConnectionInit) {
    this.#init = init;
    this.#limiter = new RateLimiter(
      init.limits.maxMessagesPerSecond,
      init.limits.messageBurst,
      init.time,
    );
    this.#meter = init.metrics && new ConnectionMeter(init.metrics);
    this.socket = new ClientSocket(this);
  }

  /** See {@linkcode ClientSocketOwner.sendToClient} (the room's socket view calls it). */
  sendToClient(data: string): void {
    this.#send(data);
  }

  /** See {@linkcode ClientSocketOwner.closeClient}. */
  closeClient(code?: number, reason?: string): void {
    this.#closeRaw(code, reason);
  }

  /** See {@linkcode ClientSocketOwner.clientState}. */
  get clientState(): number {
    return this.#raw?.readyState ?? 0;
  }

  /** The socket opened: load the room, then attach. */
  open(raw: RawSocket): void {
    this.#raw = raw;
    const init = this.#init;
    this.#openedAt = init.time.now();
    init.events.emit("connection_opened", this.#where());
    init.router.acquire(init.roomId).then(
      (room) => this.#attach(room),
      (error) => {
        init.logger.error("room_load_failed", { roomId: init.roomId, error: String(error) });
        this.#closeRaw(CloseCode.INTERNAL_ERROR, CloseText.ROOM_UNAVAILABLE);
      },
    );
  }

  /** A frame arrived. */
  message(data: string | ArrayBuffer | Uint8Array): void {
    if (this.#closed) return;
    this.#meter?.received(data);
    if (this.#tooLarge(data)) return this.#reject(CloseReason.MESSAGE_TOO_LARGE);
    if (!this.#limiter.take()) return this.#reject(CloseReason.RATE_LIMITED);
    if (this.#pending) return this.#buffer(data);
    if (this.#room) this.#forward(this.#room, data);
  }

  /** Where it comes from and what it carried so far; `undefined` until the socket opened. */
  info(): ConnectionInfo | undefined {
    if (!this.#raw || this.#closed) return undefined;
    const init = this.#init;
    return {
      roomId: init.roomId,
      sessionId: init.sessionId,
      address: init.clientAddress,
      openedAt: this.#openedAt,
      bytesIn: this.#meter?.bytesIn ?? 0,
      bytesOut: this.#meter?.bytesOut ?? 0,
    };
  }

  /** The socket closed. Idempotent (Deno may report a close twice). */
  close(code?: number, reason?: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#pending = null;
    this.#room?.handleSocketClose(this.#init.sessionId, this.socket);
    this.#init.ticket.release();
    this.#init.onClosed(this);
    const init = this.#init;
    if (!this.#raw) return; // never opened (failed upgrade): nothing to report
    init.events.emit("connection_closed", {
      ...this.#where(),
      durationMs: init.time.now() - this.#openedAt,
      code: this.#closeCode ?? code ?? null,
      reason: this.#closeReason ?? reason ?? "",
    });
  }

  /** Keep a frame until the room has loaded, within the byte and frame caps. */
  #buffer(data: string | ArrayBuffer | Uint8Array): void {
    const limits = this.#init.limits;
    this.#pendingBytes += typeof data === "string" ? data.length : data.byteLength;
    if (
      this.#pending!.length >= limits.maxPreloadFrames ||
      this.#pendingBytes > limits.maxPreloadBytes
    ) {
      this.#init.events.emit("preload_overflow", {
        ...this.#where(),
        frames: this.#pending!.length + 1,
        bytes: this.#pendingBytes,
        maxPreloadFrames: limits.maxPreloadFrames,
        maxPreloadBytes: limits.maxPreloadBytes,
      });
      this.#closeRaw(CloseCode.TRY_AGAIN_LATER, CloseText.PRELOAD_OVERFLOW);
      return this.close();
    }
    this.#pending!.push(data);
  }

  /**
   * Hand a frame to the room. Until its handshake completes, the session holds no seat: a frame
   * arriving when every seat is taken by connected sessions is refused with ROOM_FULL.
   */
  #forward(room: RoomEndpoint, data: string | ArrayBuffer | Uint8Array): void {
    const init = this.#init;
    if (!this.#handshakeDone && connectedCount(room) >= init.limits.maxSessionsPerRoom) {
      return this.#reject(CloseReason.ROOM_FULL);
    }
    room.handleSocketMessage(init.sessionId, data, this.socket);
    if (!this.#handshakeDone && room.isSessionConnected?.(init.sessionId)) {
      this.#markHandshakeDone();
    }
  }

  #markHandshakeDone(): void {
    this.#handshakeDone = true;
    this.#init.ticket.handshakeDone();
  }

  #attach(room: RoomEndpoint): void {
    const init = this.#init;
    if (this.#closed || !this.#raw || this.#raw.readyState !== 1) {
      init.router.releaseIfEmpty(init.roomId);
      return;
    }
    // A reconnect under a connected session's id replaces that session: it keeps its seat.
    const replacing = room.isSessionConnected?.(init.sessionId) ?? false;
    if (!replacing && connectedCount(room) >= init.limits.maxSessionsPerRoom) {
      this.#reject(CloseReason.ROOM_FULL);
      init.router.releaseIfEmpty(init.roomId);
      return;
    }
    try {
      room.handleSocketConnect({
        sessionId: init.sessionId,
        socket: this.socket,
        isReadonly: init.isReadonly,
        meta: init.meta,
        ...(init.identity ? { identity: init.identity } : {}),
      });
    } catch (error) {
      // The room closed between loading and attaching (eviction, admin close): reconnect.
      init.logger.warn("attach_failed", { roomId: init.roomId, error: String(error) });
      this.#closeRaw(CloseCode.SERVICE_RESTART, CloseText.ROOM_RESTARTING);
      return;
    }
    this.#room = room;
    if (!room.isSessionConnected) this.#markHandshakeDone(); // a proxy: counted as connected now
    const pending = this.#pending ?? [];
    this.#pending = null;
    for (const data of pending) {
      if (this.#closed) return;
      this.#forward(room, data);
    }
  }

  #send(data: string): void {
    const raw = this.#raw;
    if (!raw || raw.readyState !== 1) throw new Error("Socket is not open");
    // Judge the backlog left by earlier messages, not this one: a single large message (a big
    // room's connect reply) to a fast client is no sign of slowness.
    const backlog = raw.bufferedAmount();
    const delivered = backlog <= this.#init.limits.maxBufferedBytes && raw.send(data);
    if (!delivered) {
      // Never lose a message silently: drop the client instead; it reconnects and resyncs.
      this.#init.events.emit("slow_consumer", {
        ...this.#where(),
        bufferedBytes: backlog,
        maxBufferedBytes: this.#init.limits.maxBufferedBytes,
      });
      this.#closeRaw(CloseCode.TRY_AGAIN_LATER, CloseText.TOO_SLOW);
      throw new Error("Slow consumer disconnected");
    }
    this.#meter?.sent(data);
    // Through a follower's proxy the handshake is over when the writer's reply goes out.
    if (!this.#handshakeDone && data.startsWith(CONNECT_REPLY_PREFIX)) this.#markHandshakeDone();
  }

  #reject(reason: string): void {
    this.#init.events.emit("session_refused", {
      ...this.#where(),
      reason,
      ...this.#limitsFor(reason),
    });
    this.#closeRaw(CloseCode.SYNC_ERROR, reason);
    this.close();
  }

  #tooLarge(data: string | ArrayBuffer | Uint8Array): boolean {
    const max = this.#init.limits.maxMessageBytes;
    if (typeof data !== "string") return data.byteLength > max;
    // UTF-8 takes at least one byte per UTF-16 unit and at most three.
    if (data.length > max) return true;
    if (data.length * 3 <= max) return false;
    return encoder.encode(data).byteLength > max;
  }

  #where(): { roomId: string; sessionId: string; address: string } {
    const init = this.#init;
    return { roomId: init.roomId, sessionId: init.sessionId, address: init.clientAddress };
  }

  #limitsFor(reason: string): Partial<Record<LimitField, number>> {
    const l = this.#init.limits;
    switch (reason) {
      case CloseReason.MESSAGE_TOO_LARGE:
        return { maxMessageBytes: l.maxMessageBytes };
      case CloseReason.RATE_LIMITED:
        return { maxMessagesPerSecond: l.maxMessagesPerSecond, messageBurst: l.messageBurst };
      case CloseReason.ROOM_FULL:
        return { maxSessionsPerRoom: l.maxSessionsPerRoom };
      default:
        return {};
    }
  }

  #closeRaw(code?: number, reason?: string): void {
    if (!this.#raw || this.#raw.readyState >= 2) return; // already closing: keep the first code
    this.#closeCode = code;
    this.#closeReason = reason;
    if (code === CloseCode.SYNC_ERROR) {
      const { roomId, sessionId } = this.#init;
      this.#init.events.emit("socket_rejected", { roomId, sessionId, reason: reason ?? "" });
    }
    try {
      this.#raw?.close(code, reason);
    } catch {
      // Already closing; nothing more to do.
    }
  }
}

/** Seats taken: sessions that completed `connect` (all sessions for a proxy without the count). */
function connectedCount(room: RoomEndpoint): number {
  return room.getConnectedSessionCount?.() ?? room.getSessionCount();
}
