/**
 * Which rooms' bus streams to read this tick: one list of this process's ring keys (see
 * `bus_keys.ts`) gives each room's latest append versionstamp; a room whose stamp moved since
 * the last tick is due, and every room is due once per `fullEveryMs` (in case a ring expired).
 * @module
 */
import type { KvKey, KvLike } from "../storage/kv/kv_like.ts";
import { retryLocked } from "../storage/kv/lock_retry_kv.ts";

/** Most ring keys read per list (rooms with frames for this process at once). */
const MAX_RINGS = 10_000;

/** Tracks this process's ring keys. */
export class RingTracker {
  #kv: KvLike;
  #prefix: KvKey;
  #fullEveryMs: number;
  #now: () => number;
  #seen = new Map<string, string>();
  #lastFull = -Infinity;

  /** Rings under `prefix` (`ringsOf(prefix, ownerId)`). */
  constructor(kv: KvLike, prefix: KvKey, fullEveryMs: number, now: () => number) {
    this.#kv = kv;
    this.#prefix = prefix;
    this.#fullEveryMs = fullEveryMs;
    this.#now = now;
  }

  /** Read the rings; the answer says whether a room's streams are due for reading. */
  async due(): Promise<(roomId: string) => boolean> {
    const rings = await this.#read();
    const now = this.#now();
    const full = now - this.#lastFull >= this.#fullEveryMs;
    if (full) this.#lastFull = now;
    const moved = new Set<string>();
    for (const [roomId, stamp] of rings) {
      if (this.#seen.get(roomId) !== stamp) moved.add(roomId);
    }
    this.#seen = rings;
    return (roomId) => full || moved.has(roomId);
  }

  /** True when some ring moved since the last {@linkcode due} (nothing is marked seen). */
  async moved(): Promise<boolean> {
    for (const [roomId, stamp] of await this.#read()) {
      if (this.#seen.get(roomId) !== stamp) return true;
    }
    return false;
  }

  #read(): Promise<Map<string, string>> {
    return retryLocked(async () => {
      const rings = new Map<string, string>();
      const list = this.#kv.list({ prefix: this.#prefix }, { batchSize: 1000, limit: MAX_RINGS });
      for await (const e of list) rings.set(String(e.key[this.#prefix.length]), e.versionstamp);
      return rings;
    });
  }
}
