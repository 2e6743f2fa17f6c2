/**
 * The writer's side of one room's bus: reads every follower channel's inbox in order, replays
 * the frames into the real `Room` through {@linkcode RemoteSocket}s, deletes what it consumed,
 * and drops channels whose follower went silent (no frame or heartbeat for `channelTimeoutMs`).
 * @module
 */
import { CloseCode, CloseText } from "../protocol/close_reason.ts";
import type { Logger } from "../ports/logger.ts";
import type { Room } from "../room/room.ts";
import type { KvKey, KvLike } from "../storage/kv/kv_like.ts";
import type { BusFrame } from "./bus_frame.ts";
import { readEntries, Trimmer } from "./bus_io.ts";
import { type BusKeys, ownerOfChannel } from "./bus_keys.ts";
import { BusWriter } from "./bus_writer.ts";
import { collectFrames, type StreamEntry } from "./collect_frames.ts";
import { RemoteSocket } from "./remote_socket.ts";

/** Timing and limits shared by the cluster's bus ends. */
export interface BusTiming {
  /** Bus entries expire after this many ms. */
  expireInMs: number;
  /** Bytes queued for one stream before it is declared broken. */
  maxQueuedBytes: number;
  /** A channel silent this long is dropped (its sessions closed). */
  channelTimeoutMs: number;
  /** Wall time. */
  now(): number;
  /** How often a follower re-reads the writer's lease. */
  leaseCheckMs: number;
  /** Structured logs. */
  logger: Logger;
  /** Report bus activity (frames sent or received). */
  touch(): void;
}

interface Channel {
  id: string;
  nextSeq: number;
  lastSeen: number;
  out: BusWriter;
  sockets: Map<number, RemoteSocket>;
  dead: boolean;
}

/** Feeds one room with its followers' frames. */
export class WriterInbox {
  /** The room fed. */
  readonly room: Room;
  #kv: KvLike;
  #keys: BusKeys;
  #timing: BusTiming;
  #channels = new Map<string, Channel>();
  #trimmer: Trimmer;

  /** The inbox of `room`, addressed by `keys`. */
  constructor(room: Room, kv: KvLike, keys: BusKeys, timing: BusTiming) {
    this.room = room;
    this.#kv = kv;
    this.#keys = keys;
    this.#timing = timing;
    this.#trimmer = new Trimmer(kv);
  }

  /** Consume what followers appended (when `read`: the ring moved); drop silent channels. */
  async poll(read = true): Promise<void> {
    if (read) await this.#read();
    this.#expire();
  }

  async #read(): Promise<void> {
    const prefix = this.#keys.inbox();
    const byChannel = new Map<string, StreamEntry[]>();
    for (const e of await readEntries(this.#kv, prefix)) {
      const id = String(e.tail[0]);
      let list = byChannel.get(id);
      if (!list) byChannel.set(id, list = []);
      list.push({ tail: e.tail.slice(1), value: e.value });
    }
    const consumed: KvKey[] = [];
    for (const [id, entries] of byChannel) {
      const channel = this.#channel(id);
      if (channel.dead) {
        consumed.push(...entries.map((e) => [...prefix, id, ...e.tail]));
        continue;
      }
      const got = collectFrames(entries, channel.nextSeq);
      channel.nextSeq = got.nextSeq;
      if (got.frames.length) channel.lastSeen = this.#timing.now();
      // A heartbeat needs no answer: only real frames make the loop poll fast.
      if (got.frames.some((f) => f.k !== "beat")) this.#timing.touch();
      for (const frame of got.frames) this.#apply(channel, frame);
      consumed.push(...got.consumed.map((tail) => [...prefix, id, ...tail]));
      if (got.broken) this.#drop(channel, "inbox entries expired");
    }
    this.#trimmer.trim(consumed);
  }

  /** Wait until every frame for followers is committed. */
  async flush(): Promise<void> {
    await Promise.all([...this.#channels.values()].map((c) => c.out.flush()));
  }

  /** True while some follower channel is alive (the bus loop must keep running). */
  hasLiveChannels(): boolean {
    for (const c of this.#channels.values()) if (!c.dead) return true;
    return false;
  }

  /** Number of follower channels with sockets in the room. */
  channelCount(): number {
    return [...this.#channels.values()].filter((c) => !c.dead && c.sockets.size > 0).length;
  }

  #channel(id: string): Channel {
    let channel = this.#channels.get(id);
    if (channel) return channel;
    const out = new BusWriter(this.#kv, this.#keys.outboxOf(id), {
      expireInMs: this.#timing.expireInMs,
      maxQueuedBytes: this.#timing.maxQueuedBytes,
      onBroken: (reason) => this.#drop(channel!, `outbox: ${reason}`),
      onPush: this.#timing.touch,
      ring: this.#keys.ringOf(ownerOfChannel(id)),
      bell: this.#keys.bellOf(ownerOfChannel(id)),
    });
    channel = {
      id,
      nextSeq: 0,
      lastSeen: this.#timing.now(),
      out,
      sockets: new Map(),
      dead: false,
    };
    this.#channels.set(id, channel);
    return channel;
  }

  #apply(channel: Channel, frame: BusFrame): void {
    const room = this.room;
    try {
      switch (frame.k) {
        case "open": {
          const socket = new RemoteSocket(frame.s, frame.sid, channel.out);
          channel.sockets.set(frame.sid, socket);
          if (room.isClosed()) return socket.close(CloseCode.SERVICE_RESTART, CloseText.ROOM_MOVED);
          return room.handleSocketConnect({
            sessionId: frame.s,
            socket,
            isReadonly: frame.ro,
            meta: frame.m,
            ...(frame.id ? { identity: frame.id } : {}),
          });
        }
        case "msg": {
          const socket = channel.sockets.get(frame.sid);
          if (socket) room.handleSocketMessage(socket.sessionId, frame.d, socket);
          return;
        }
        case "close": {
          const socket = channel.sockets.get(frame.sid);
          if (!socket) return;
          channel.sockets.delete(frame.sid);
          socket.markClosed();
          return room.handleSocketClose(socket.sessionId, socket);
        }
        case "reset":
          return this.#drop(channel, `follower reset: ${frame.r}`, false);
      }
    } catch (error) {
      this.#timing.logger.error("cluster_frame_failed", {
        roomId: room.roomId,
        channel: channel.id,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  #expire(): void {
    const now = this.#timing.now();
    for (const channel of this.#channels.values()) {
      if (channel.dead) {
        // Remembered while its late entries may still show up, so they are discarded.
        if (now - channel.lastSeen > this.#timing.expireInMs) this.#channels.delete(channel.id);
        continue;
      }
      if (now - channel.lastSeen > this.#timing.channelTimeoutMs) {
        this.#drop(channel, "follower silent");
      }
    }
  }

  /** Close the channel's sessions; the follower is told to reset (its clients reconnect). */
  #drop(channel: Channel, reason: string, notify = true): void {
    if (channel.dead) return;
    channel.dead = true;
    channel.lastSeen = this.#timing.now();
    this.#timing.logger.warn("cluster_channel_dropped", {
      roomId: this.room.roomId,
      channel: channel.id,
      reason,
    });
    for (const socket of channel.sockets.values()) {
      socket.markClosed();
      this.room.handleSocketClose(socket.sessionId, socket);
    }
    channel.sockets.clear();
    if (!notify) return;
    // A broken outbox takes no more frames: its last word still tells the follower to let go.
    if (channel.out.broken) void channel.out.pushLast({ k: "reset", r: reason });
    else channel.out.push({ k: "reset", r: reason });
  }
}
