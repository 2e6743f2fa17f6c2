/**
 * A follower's proxy of a room whose lease another server holds: it has the methods a
 * `Connection` calls on a `Room`, forwards every client event to the writer's inbox, and
 * delivers the writer's frames from its outbox to the client sockets, in order. If the writer
 * goes away (lease expired, released or taken by someone else) or drops this channel, every
 * client socket is closed with 1012 so the clients reconnect and a new writer is elected.
 * @module
 */
import { CloseCode, CloseText } from "../protocol/close_reason.ts";
import type { SocketConnectOptions } from "../room/socket_connect_options.ts";
import type { SocketLike } from "../ports/socket_like.ts";
import type { KvKey, KvLike } from "../storage/kv/kv_like.ts";
import type { RoomEndpoint } from "../server/room_router.ts";
import { CONNECT_REPLY_PREFIX } from "../protocol/messages.ts";
import type { BusFrame } from "./bus_frame.ts";
import { readEntries, Trimmer } from "./bus_io.ts";
import type { BusKeys } from "./bus_keys.ts";
import { BusWriter } from "./bus_writer.ts";
import { collectFrames } from "./collect_frames.ts";
import { readLease } from "./lease_probe.ts";
import type { BusTiming } from "./writer_inbox.ts";

/** A follower re-reads a lease that has not expired yet at least this often, in ms. */
const LEASE_RECHECK_MS = 2000;

interface ClientSocket {
  sessionId: string;
  socket: SocketLike;
  /** The writer's `connect` reply reached it: it holds a seat. */
  connected: boolean;
}

/** The follower's end of one room served by another process. */
export class RemoteRoom implements RoomEndpoint {
  /** The room id. */
  readonly roomId: string;
  /** The lease owner serving the room. */
  readonly writerId: string;
  #kv: KvLike;
  #keys: BusKeys;
  #channelId: string;
  #timing: BusTiming;
  #in: BusWriter;
  #clients = new Map<number, ClientSocket>();
  #sidOf = new Map<SocketLike, number>();
  #nextSid = 1;
  #nextSeq = 0;
  #lastSent: number;
  #emptySince: number;
  #closed = false;
  #leaseKey: KvKey;
  #leaseCheckedAt = 0;
  #leaseExpiresAt = 0;
  #trimmer: Trimmer;

  /** A proxy of `roomId` served by `writerId`, as channel `channelId`. */
  constructor(
    roomId: string,
    writerId: string,
    kv: KvLike,
    keys: BusKeys,
    leaseKey: KvKey,
    channelId: string,
    timing: BusTiming,
  ) {
    this.#leaseKey = leaseKey;
    this.#trimmer = new Trimmer(kv);
    this.roomId = roomId;
    this.writerId = writerId;
    this.#kv = kv;
    this.#keys = keys;
    this.#channelId = channelId;
    this.#timing = timing;
    this.#lastSent = this.#emptySince = timing.now();
    this.#in = new BusWriter(kv, keys.inboxOf(channelId), {
      expireInMs: timing.expireInMs,
      maxQueuedBytes: timing.maxQueuedBytes,
      onBroken: (reason) =>
        this.close(CloseCode.SERVICE_RESTART, CloseText.ROOM_MOVED, `inbox: ${reason}`),
      onPush: timing.touch,
      ring: keys.ringOf(writerId),
      bell: keys.bellOf(writerId),
    });
  }

  /** True once closed; a closed proxy is never reused. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Client sockets attached here. */
  getSessionCount(): number {
    return this.#clients.size;
  }

  /**
   * Client sockets here whose handshake the writer answered: the seats they hold (sockets that
   * never send `connect` hold none, as in a local room).
   */
  getConnectedSessionCount(): number {
    let count = 0;
    for (const client of this.#clients.values()) if (client.connected) count++;
    return count;
  }

  /** True once the writer answered `sessionId`'s `connect` here. */
  isSessionConnected(sessionId: string): boolean {
    for (const client of this.#clients.values()) {
      if (client.sessionId === sessionId && client.connected) return true;
    }
    return false;
  }

  /** Since when (wall ms) no client is attached; `Infinity` while some are. */
  emptySince(): number {
    return this.#clients.size ? Infinity : this.#emptySince;
  }

  /** A client socket opened. */
  handleSocketConnect(options: SocketConnectOptions): void {
    if (this.#closed) return options.socket.close(CloseCode.SERVICE_RESTART, CloseText.ROOM_MOVED);
    const sid = this.#nextSid++;
    this.#clients.set(sid, {
      sessionId: options.sessionId,
      socket: options.socket,
      connected: false,
    });
    this.#sidOf.set(options.socket, sid);
    this.#send({
      k: "open",
      sid,
      s: options.sessionId,
      ro: options.isReadonly ?? false,
      ...(options.meta !== undefined ? { m: portable(options.meta) } : {}),
      ...(options.identity ? { id: options.identity } : {}),
    });
  }

  /** A client frame. */
  handleSocketMessage(
    _sessionId: string,
    data: string | ArrayBuffer | Uint8Array,
    socket?: SocketLike,
  ): void {
    const sid = socket && this.#sidOf.get(socket);
    if (sid === undefined || this.#closed) return;
    const d = typeof data === "string" ? data : new TextDecoder().decode(data);
    this.#send({ k: "msg", sid, d });
  }

  /** A client socket closed. */
  handleSocketClose(_sessionId: string, socket?: SocketLike): void {
    const sid = socket && this.#sidOf.get(socket);
    if (sid === undefined) return;
    this.#forget(sid);
    if (!this.#closed) this.#send({ k: "close", sid });
  }

  /** Deliver the writer's frames (when `read`: its ring moved); heartbeat when idle. */
  async poll(read = true): Promise<void> {
    if (this.#closed) return;
    if (read) await this.#read();
    if (!this.#closed && this.#timing.now() - this.#lastSent > this.#timing.channelTimeoutMs / 4) {
      this.#send({ k: "beat" });
    }
    await this.#checkLease();
  }

  async #read(): Promise<void> {
    const prefix = this.#keys.outboxOf(this.#channelId);
    const got = collectFrames(await readEntries(this.#kv, prefix), this.#nextSeq);
    this.#nextSeq = got.nextSeq;
    if (got.frames.length) this.#timing.touch();
    for (const frame of got.frames) this.#deliver(frame);
    if (got.broken) {
      this.close(CloseCode.SERVICE_RESTART, CloseText.ROOM_MOVED, "outbox entries expired");
    }
    this.#trimmer.trim(got.consumed.map((tail) => [...prefix, ...tail]));
  }

  /** Close every client socket (they reconnect) and stop. */
  close(code: number, reason: string, why = reason): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#timing.logger.info("cluster_follower_closed", {
      roomId: this.roomId,
      writer: this.writerId,
      sessions: this.#clients.size,
      why,
    });
    for (const [sid, client] of [...this.#clients]) {
      this.#forget(sid);
      closeQuietly(client.socket, code, reason);
    }
    // A broken inbox takes no more frames: its last word still tells the writer.
    if (this.#in.broken) void this.#in.pushLast({ k: "reset", r: why });
    else this.#in.push({ k: "reset", r: why });
  }

  /** Wait until every frame for the writer is committed. */
  flush(): Promise<void> {
    return this.#in.flush();
  }

  /**
   * Fail over once the writer's lease expired, was released or changed hands. A dead writer's
   * lease can only expire, so the lease is re-read once the `expiresAt` last seen has passed (a
   * live writer renewed it meanwhile), checked every `leaseCheckMs`; and at least every
   * {@linkcode LEASE_RECHECK_MS} for a release (a writer closing its room also closes its
   * followers' sessions through the bus).
   */
  async #checkLease(): Promise<void> {
    const now = this.#timing.now();
    const since = now - this.#leaseCheckedAt;
    if (this.#closed || since < this.#timing.leaseCheckMs) return;
    if (now < this.#leaseExpiresAt && since < LEASE_RECHECK_MS) return;
    this.#leaseCheckedAt = now;
    const lease = await readLease(this.#kv, this.#leaseKey, now);
    const now2 = this.#timing.now();
    if (lease) this.#leaseExpiresAt = lease.expiresAt;
    if (!lease || lease.owner !== this.writerId || lease.expiresAt <= now2) {
      const why = !lease
        ? "lease released"
        : lease.owner !== this.writerId
        ? "lease taken over"
        : "lease expired";
      this.close(CloseCode.SERVICE_RESTART, CloseText.ROOM_MOVED, why);
    }
  }

  #deliver(frame: BusFrame): void {
    switch (frame.k) {
      case "msg": {
        const client = this.#clients.get(frame.sid);
        if (!client) return;
        if (!client.connected && frame.d.startsWith(CONNECT_REPLY_PREFIX)) client.connected = true;
        try {
          client.socket.send(frame.d);
        } catch {
          // The connection closes itself (slow consumer / gone) and reports the close.
        }
        return;
      }
      case "close": {
        const client = this.#clients.get(frame.sid);
        if (!client) return;
        this.#forget(frame.sid);
        return closeQuietly(client.socket, frame.c, frame.r);
      }
      case "reset":
        return this.close(
          CloseCode.SERVICE_RESTART,
          CloseText.ROOM_MOVED,
          `writer reset: ${frame.r}`,
        );
    }
  }

  #send(frame: BusFrame): void {
    this.#lastSent = this.#timing.now();
    this.#in.push(frame);
  }

  #forget(sid: number): void {
    const client = this.#clients.get(sid);
    if (!client) return;
    this.#clients.delete(sid);
    this.#sidOf.delete(client.socket);
    if (this.#clients.size === 0) this.#emptySince = this.#timing.now();
  }
}

function closeQuietly(socket: SocketLike, code?: number, reason?: string): void {
  try {
    socket.close(code, reason);
  } catch {
    // Already closing.
  }
}

/** Host meta as plain JSON (it crosses a process boundary); unserializable meta is dropped. */
function portable(meta: unknown): unknown {
  try {
    return JSON.parse(JSON.stringify(meta) ?? "null");
  } catch {
    return undefined;
  }
}
