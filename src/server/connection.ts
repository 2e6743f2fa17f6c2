/**
 * One accepted WebSocket: waits for its room to load (buffering frames), enforces the limits,
 * and feeds the room. Runtime adapters drive it through {@linkcode SocketEvents}.
 * @module
 */
import { ConnectionMeter } from "../metrics/connection_meter.ts";
import type { SyncMetrics } from "../metrics/sync_metrics.ts";
import { CloseReason, SYNC_ERROR_CLOSE_CODE } from "../protocol/close_reason.ts";
import type { Logger } from "../room/logger.ts";
import type { SessionIdentity } from "../room/session.ts";
import type { SocketLike } from "../room/socket_like.ts";
import type { TimeSource } from "../room/time_source.ts";
import { RateLimiter } from "./rate_limiter.ts";
import type { RawSocket, SocketEvents } from "./raw_socket.ts";
import type { ResolvedLimits } from "./server_options.ts";
import type { RoomEndpoint } from "./room_router.ts";

/** Close reason for a frame over `maxMessageBytes`. */
export const MESSAGE_TOO_LARGE = CloseReason.MESSAGE_TOO_LARGE;

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
  metrics?: SyncMetrics | undefined;
  acquire(roomId: string): Promise<RoomEndpoint>;
  releaseIfEmpty(roomId: string): void;
  onClosed(connection: Connection): void;
}

/** A socket's life from open to close. */
export class Connection implements SocketEvents {
  #init: ConnectionInit;
  #raw: RawSocket | null = null;
  #room: RoomEndpoint | null = null;
  #pending: (string | ArrayBuffer | Uint8Array)[] | null = [];
  #closed = false;
  #limiter: RateLimiter;
  #encoder = new TextEncoder();
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
    const readyState = (): number => this.#raw?.readyState ?? 0;
    this.socket = {
      send: (data) => this.#send(data),
      close: (code, reason) => this.#closeRaw(code, reason),
      get readyState() {
        return readyState();
      },
    };
  }

  /** The socket opened: load the room, then attach. */
  open(raw: RawSocket): void {
    this.#raw = raw;
    this.#meter?.opened();
    const init = this.#init;
    init.acquire(init.roomId).then(
      (room) => this.#attach(room),
      (error) => {
        init.logger.error("room_load_failed", { roomId: init.roomId, error: String(error) });
        this.#closeRaw(1011, "Room unavailable");
      },
    );
  }

  /** A frame arrived. */
  message(data: string | ArrayBuffer | Uint8Array): void {
    if (this.#closed) return;
    this.#meter?.received(data);
    if (this.#tooLarge(data)) return this.#reject(MESSAGE_TOO_LARGE);
    if (!this.#limiter.take()) return this.#reject(CloseReason.RATE_LIMITED);
    if (this.#pending) this.#pending.push(data);
    else this.#room?.handleSocketMessage(this.#init.sessionId, data, this.socket);
  }

  /** The socket closed. Idempotent (Deno may report a close twice). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#pending = null;
    this.#room?.handleSocketClose(this.#init.sessionId, this.socket);
    this.#init.onClosed(this);
  }

  #attach(room: RoomEndpoint): void {
    const init = this.#init;
    if (this.#closed || !this.#raw || this.#raw.readyState !== 1) {
      init.releaseIfEmpty(init.roomId);
      return;
    }
    if (room.getSessionCount() >= init.limits.maxSessionsPerRoom) {
      this.#reject(CloseReason.ROOM_FULL);
      init.releaseIfEmpty(init.roomId);
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
      this.#closeRaw(1012, "Room restarting");
      return;
    }
    this.#room = room;
    const pending = this.#pending ?? [];
    this.#pending = null;
    for (const data of pending) room.handleSocketMessage(init.sessionId, data, this.socket);
  }

  #send(data: string): void {
    const raw = this.#raw;
    if (!raw || raw.readyState !== 1) throw new Error("Socket is not open");
    const delivered = raw.send(data);
    if (!delivered || raw.bufferedAmount() > this.#init.limits.maxBufferedBytes) {
      // Never lose a message silently: drop the client instead; it reconnects and resyncs.
      this.#init.logger.warn("slow_consumer", {
        roomId: this.#init.roomId,
        sessionId: this.#init.sessionId,
      });
      this.#closeRaw(1013, "Too slow: reconnect to resync");
      throw new Error("Slow consumer disconnected");
    }
    this.#meter?.sent(data);
  }

  #reject(reason: string): void {
    this.#init.logger.warn("session_refused", {
      roomId: this.#init.roomId,
      sessionId: this.#init.sessionId,
      reason,
    });
    this.#closeRaw(SYNC_ERROR_CLOSE_CODE, reason);
    this.close();
  }

  #tooLarge(data: string | ArrayBuffer | Uint8Array): boolean {
    const max = this.#init.limits.maxMessageBytes;
    if (typeof data !== "string") return data.byteLength > max;
    // UTF-8 takes at least one byte per UTF-16 unit and at most three.
    if (data.length > max) return true;
    if (data.length * 3 <= max) return false;
    return this.#encoder.encode(data).byteLength > max;
  }

  #closeRaw(code?: number, reason?: string): void {
    if (!this.#raw || this.#raw.readyState >= 2) return; // already closing: keep the first code
    if (code === SYNC_ERROR_CLOSE_CODE) this.#meter?.rejected(reason ?? "");
    try {
      this.#raw?.close(code, reason);
    } catch {
      // Already closing; nothing more to do.
    }
  }
}
