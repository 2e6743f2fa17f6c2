/**
 * Key layout of the cluster bus, per room and per writer incarnation (the lease owner id):
 * `[...prefix, "bus", roomId, writerId, "in", channelId, seq, part, parts]` (followers → writer)
 * and `[...prefix, "bus", roomId, writerId, "out", channelId, seq, part, parts]` (writer → one
 * follower channel). A channel is one follower's proxy of the room; `seq` counts its frames.
 * `[...prefix, "bus_wake", writerId]` wakes an idle writer.
 * @module
 */
import type { KvKey } from "../storage/kv/kv_like.ts";

/** Builds the bus keys of one room served by one writer. */
export class BusKeys {
  /** `[...prefix, "bus", roomId, writerId]`. */
  readonly root: KvKey;
  #wake: KvKey;

  /** Keys of `roomId` while `writerId` holds its lease. */
  constructor(prefix: KvKey, roomId: string, writerId: string) {
    this.root = [...prefix, "bus", roomId, writerId];
    this.#wake = wakeKey(prefix, writerId);
  }

  /** The writer's wake key (see {@linkcode wakeKey}). */
  wake(): KvKey {
    return this.#wake;
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
 * `[...prefix, "bus_wake", writerId]`: a follower writes it when it starts following one of the
 * writer's rooms (and again with each heartbeat); an idle writer reads only this key, so a lone
 * process never lists a bus nobody writes to.
 */
export function wakeKey(prefix: KvKey, writerId: string): KvKey {
  return [...prefix, "bus_wake", writerId];
}
