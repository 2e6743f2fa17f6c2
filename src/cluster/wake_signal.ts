/**
 * How an idle writer learns that a follower appeared, without polling its bus: the follower
 * rings the writer's wake key (one write), the writer reads that single key every
 * `wakeCheckMs` while it holds rooms and its bus loop is stopped. `kv.watch` would be free, but
 * Deno's SQLite KV does not report other processes' writes to watchers (measured with Deno
 * 2.9.6), so a point read it is.
 * @module
 */
import type { KvKey, KvLike } from "../storage/kv/kv_like.ts";
import { retryLocked } from "./lock_retry_kv.ts";

/** Ring `key` (any new versionstamp wakes the writer); failures are ignored (heartbeats retry). */
export function ringWake(kv: KvLike, key: KvKey, expireInMs: number): void {
  kv.atomic().set(key, new Uint8Array([1]), { expireIn: expireInMs }).commit().catch(() => {});
}

/** Options of a {@linkcode WakeWatcher}. */
export interface WakeWatcherOptions {
  /** The KV. */
  kv: KvLike;
  /** This writer's wake key. */
  key: KvKey;
  /** Read interval in ms. */
  intervalMs: number;
  /** True while the watcher should keep reading (the process holds rooms, the loop is off). */
  wanted(): boolean;
  /** The key changed since the last read. */
  onWake(): void;
  /** A read failed. */
  onError(error: unknown): void;
}

/** Reads the wake key on a timer while {@linkcode WakeWatcherOptions.wanted}. */
export class WakeWatcher {
  #o: WakeWatcherOptions;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stamp: string | null | undefined = undefined;
  #reads = 0;

  /** A watcher; call {@linkcode arm} to start reading. */
  constructor(options: WakeWatcherOptions) {
    this.#o = options;
  }

  /** Reads made so far (for tests and measurements). */
  get reads(): number {
    return this.#reads;
  }

  /** Schedule the next read unless one is scheduled or it is not wanted. */
  arm(): void {
    if (this.#timer !== undefined || !this.#o.wanted()) return;
    this.#timer = setTimeout(() => void this.#check(), this.#o.intervalMs);
  }

  /** Cancel the scheduled read. */
  disarm(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  async #check(): Promise<void> {
    this.#timer = undefined;
    if (!this.#o.wanted()) return;
    this.#reads++;
    try {
      const entry = await retryLocked(() => this.#o.kv.get(this.#o.key));
      const first = this.#stamp === undefined;
      const changed = entry.versionstamp !== this.#stamp;
      this.#stamp = entry.versionstamp;
      // The first read wakes too when a ring is stored: it may predate this watcher.
      if (changed && (!first || entry.versionstamp !== null)) return this.#o.onWake();
    } catch (error) {
      this.#o.onError(error);
    }
    this.arm();
  }
}
