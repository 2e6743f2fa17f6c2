/**
 * Key layout of the cluster bus, per room and per writer incarnation (the lease owner id):
 * `[...prefix, "bus", roomId, writerId, "in", channelId, seq, part, parts]` (followers → writer)
 * and `[...prefix, "bus", roomId, writerId, "out", channelId, seq, part, parts]` (writer → one
 * follower channel). A channel is one follower's proxy of the room; `seq` counts its frames.
 * Ring keys (`[...prefix, "bus_ring", readerId, roomId]`) tell a reader which streams moved; its
 * bell key (`[...prefix, "bus_bell", readerId]`), rewritten with them, is what a reader watches.
 * @module
 */
import type { KvKey } from "../storage/kv/kv_like.ts";

/** Builds the bus keys of one room served by one writer. */
export class BusKeys {
  /** `[...prefix, "bus", roomId, writerId]`. */
  readonly root: KvKey;
  #prefix: KvKey;
  #roomId: string;

  /** Keys of `roomId` while `writerId` holds its lease. */
  constructor(prefix: KvKey, roomId: string, writerId: string) {
    this.root = [...prefix, "bus", roomId, writerId];
    this.#prefix = prefix;
    this.#roomId = roomId;
  }

  /** The ring key telling process `ownerId` that this room has frames for it. */
  ringOf(ownerId: string): KvKey {
    return [...ringsOf(this.#prefix, ownerId), this.#roomId];
  }

  /** The bell key of process `ownerId` (see {@linkcode bellOf}). */
  bellOf(ownerId: string): KvKey {
    return bellOf(this.#prefix, ownerId);
  }

  /** Every follower's frames for the writer. */
  inbox(): KvKey {
    return [...this.root, "in"];
  }

  /** One follower channel's frames for the writer. */
  inboxOf(channelId: string): KvKey {
    return [...this.root, "in", channelId];
  }

  /** The writer's frames for one follower channel. */
  outboxOf(channelId: string): KvKey {
    return [...this.root, "out", channelId];
  }
}

/**
 * `[...prefix, "bus_ring", ownerId]`: one key per room under it, rewritten in the same atomic as
 * every append to a stream process `ownerId` reads. One list of this prefix tells the process
 * which rooms' streams changed (their versionstamps moved), so it lists only those streams, and
 * an idle process reads nothing else.
 */
export function ringsOf(prefix: KvKey, ownerId: string): KvKey {
  return [...prefix, "bus_ring", ownerId];
}

/**
 * `[...prefix, "bus_bell", ownerId]`: one key per reading process, rewritten in the same atomic
 * as every append to a stream it reads (with the ring key). A process on a KV whose `watch`
 * reports other processes' writes watches this one key and reads its bus only when it changes.
 */
export function bellOf(prefix: KvKey, ownerId: string): KvKey {
  return [...prefix, "bus_bell", ownerId];
}

/** The lease owner id of the process behind follower channel `channelId` (`<owner>.<n>`). */
export function ownerOfChannel(channelId: string): string {
  const dot = channelId.lastIndexOf(".");
  return dot < 0 ? channelId : channelId.slice(0, dot);
}
